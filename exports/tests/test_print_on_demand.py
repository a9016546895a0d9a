"""The Amazon KDP interior and cover wrap, read back with pypdf."""

import pytest

from exports.pdf import cover_wrap_size, kdp_page_count, render_kdp_cover, render_kdp_interior
from exports.tests.helpers import is_blank, make_book, page_images, page_text, read


@pytest.fixture(scope="module")
def interior() -> bytes:
    return render_kdp_interior(make_book(count=5))


def test_every_page_is_the_trim_plus_bleed(interior):
    for page in read(interior).pages:
        assert (round(page.mediabox.width, 3), round(page.mediabox.height, 3)) == (621, 810)
        assert (round(page.bleedbox.width), round(page.bleedbox.height)) == (621, 810)
        assert (round(page.trimbox.width), round(page.trimbox.height)) == (612, 792)


def test_the_trim_box_alternates_with_the_outside_edge(interior):
    pages = read(interior).pages
    assert [round(float(x)) for x in pages[0].trimbox] == [0, 9, 612, 801]  # page 1: right-hand
    assert [round(float(x)) for x in pages[1].trimbox] == [9, 9, 621, 801]  # page 2: left-hand


def test_the_page_count_is_even_and_at_least_24(interior):
    count = len(read(interior).pages)
    assert count == kdp_page_count(5, single_sided=True)
    assert count >= 24 and count % 2 == 0


def test_coloring_pages_are_single_sided_by_default_never_more_than_two_blanks_in_a_row(interior):
    pages = read(interior).pages
    blanks = [is_blank(page) for page in pages]
    assert not any(blanks[i] and blanks[i + 1] and blanks[i + 2] for i in range(len(blanks) - 2))
    for number, page in enumerate(pages, start=1):
        if page_images(page):
            assert number % 2 == 1 and blanks[number], f"picture on page {number} without a blank back"


def test_padding_pages_are_useful(interior):
    text = page_text(read(interior))
    for label in ("Este livro pertence a:", "Teste suas cores aqui", "Sua página para desenhar"):
        assert label in text


def test_double_sided_has_no_blank_pages_among_the_story():
    pages = read(render_kdp_interior(make_book(count=20), single_sided=False)).pages
    assert len(pages) == 24
    assert not any(is_blank(page) for page in pages)


def test_interior_pictures_are_greyscale_and_fonts_embedded(interior):
    reader = read(interior)
    images = [image for page in reader.pages for image in page_images(page)]
    assert images and all(image["/ColorSpace"] == "/DeviceGray" for image in images)
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            assert "/FontFile2" in font.get_object()["/FontDescriptor"].get_object()
    assert reader.metadata.title == "Júlia e o Jardim Mágico"
    assert reader.trailer["/Root"]["/Lang"] == "pt-BR"


@pytest.mark.parametrize("page_count", [24, 44, 150])
def test_the_cover_wrap_follows_the_spine_formula(page_count):
    reader = read(render_kdp_cover(make_book(), page_count=page_count))
    (page,) = reader.pages
    expected_width = (2 * 0.125 + 2 * 8.5 + page_count * 0.002252) * 72
    assert float(page.mediabox.width) == pytest.approx(expected_width, abs=0.01)
    assert float(page.mediabox.height) == pytest.approx((11 + 0.25) * 72)
    assert float(page.trimbox.width) == pytest.approx(expected_width - 18, abs=0.01)
    assert cover_wrap_size(page_count)[0] == pytest.approx(expected_width)


def test_the_cover_wrap_has_the_title_author_and_a_greyscale_picture():
    (page,) = read(render_kdp_cover(make_book(), page_count=24)).pages
    text = page.extract_text()
    assert "Júlia e o Jardim Mágico" in text and "por Mariana Conceição" in text
    (image,) = page_images(page)
    assert image["/ColorSpace"] == "/DeviceGray"
