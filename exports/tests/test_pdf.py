"""The home print PDF, read back with pypdf."""

import io
import re

import pytest
from PIL import Image, ImageDraw

from exports.pdf import PdfBook, PdfPage, render_print_pdf
from exports.tests.helpers import STORY, is_blank, line_art_png, make_book, page_images, page_text, read


@pytest.fixture(scope="module")
def book_pdf() -> bytes:
    return render_print_pdf(make_book())


def test_it_has_a_cover_a_title_page_and_one_page_per_story_page(book_pdf):
    assert len(read(book_pdf).pages) == 2 + len(STORY)


def test_the_story_text_keeps_its_accents(book_pdf):
    text = page_text(read(book_pdf))
    for story in STORY:
        assert " ".join(story.split()) in " ".join(text.split())
    assert "Ação" in text and "coração" in text and "niño" in text


def test_the_story_text_sits_above_its_picture(book_pdf):
    page = read(book_pdf).pages[2]
    assert STORY[0] in page.extract_text()
    assert len(page_images(page)) == 1


def test_the_story_pages_are_numbered(book_pdf):
    last_page = read(book_pdf).pages[-1].extract_text()
    assert last_page.strip().endswith(str(len(STORY)))


def test_the_cover_has_a_localized_belongs_to_line(book_pdf):
    assert "Este livro pertence a:" in read(book_pdf).pages[0].extract_text()


@pytest.mark.parametrize(
    ("language", "belongs_to", "by"),
    [("en", "This book belongs to:", "by Mariana"), ("es", "Este libro pertenece a:", "por Mariana")],
)
def test_labels_follow_the_book_language(language, belongs_to, by):
    reader = read(render_print_pdf(make_book(pages=(), language=language)))
    assert belongs_to in reader.pages[0].extract_text()
    assert by in reader.pages[1].extract_text()


def test_every_font_is_embedded(book_pdf):
    for page in read(book_pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor


def test_it_sets_the_document_metadata(book_pdf):
    reader = read(book_pdf)
    assert reader.metadata.title == "Júlia e o Jardim Mágico"
    assert reader.metadata.author == "Mariana Conceição"
    assert reader.metadata.subject == "Amizade e natureza"
    assert reader.metadata.creator == "Fábrica de Livros"
    assert reader.trailer["/Root"]["/Lang"] == "pt-BR"


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_it_prints_on_the_chosen_paper(paper, size):
    reader = read(render_print_pdf(make_book(pages=()), paper=paper))
    box = reader.pages[0].mediabox
    assert (round(box.width), round(box.height)) == size


def test_it_refuses_an_unknown_paper_size():
    with pytest.raises(ValueError, match="paper"):
        render_print_pdf(make_book(pages=()), paper="a5")


def test_pictures_are_embedded_at_full_resolution_and_lossless(book_pdf):
    (image,) = page_images(read(book_pdf).pages[2])
    assert (image["/Width"], image["/Height"]) == (2400, 3000)
    assert image["/Filter"] == "/FlateDecode"
    assert image["/ColorSpace"] == "/DeviceGray"
    assert image.decode_as_image().tobytes() == Image.open(io.BytesIO(line_art_png(seed=0))).tobytes()


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_pictures_print_at_300_dpi_or_more(paper):
    """4:5 pictures of 2400 x 3000 px are never printed larger than 8 x 10 in."""
    reader = read(render_print_pdf(make_book(), paper=paper))
    for page in reader.pages[2:]:
        width_pt, height_pt = _drawn_size(page)
        assert 2400 / (width_pt / 72) >= 300
        assert 3000 / (height_pt / 72) >= 300


def test_a_picture_used_twice_is_stored_once():
    book = make_book()
    same = PdfBook(**{**book.__dict__, "cover_png": book.pages[0].image_png})
    assert len(render_print_pdf(same)) < len(render_print_pdf(book))


def test_rgb_black_and_white_art_is_embedded_as_greyscale():
    rgb = Image.open(io.BytesIO(line_art_png(640, 800))).convert("RGB")
    buffer = io.BytesIO()
    rgb.save(buffer, "PNG")
    book = make_book(pages=(PdfPage(number=1, text="Oi", image_png=buffer.getvalue()),))
    (image,) = page_images(read(render_print_pdf(book)).pages[2])
    assert image["/ColorSpace"] == "/DeviceGray"


def test_a_colour_picture_stays_in_colour_for_home_printing():
    colour = Image.new("RGB", (64, 80), "white")
    ImageDraw.Draw(colour).ellipse((8, 8, 56, 72), outline=(200, 30, 30), width=3)
    buffer = io.BytesIO()
    colour.save(buffer, "PNG")
    book = make_book(pages=(PdfPage(number=1, text="Oi", image_png=buffer.getvalue()),))
    (image,) = page_images(read(render_print_pdf(book)).pages[2])
    assert image["/ColorSpace"] == "/DeviceRGB"
    assert image.decode_as_image().getpixel((32, 8))[0] > 150


def test_a_transparent_picture_is_printed_on_white():
    transparent = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    ImageDraw.Draw(transparent).line((0, 32, 64, 32), fill=(0, 0, 0, 255), width=4)
    buffer = io.BytesIO()
    transparent.save(buffer, "PNG")
    book = make_book(pages=(PdfPage(number=1, text="Oi", image_png=buffer.getvalue()),))
    (image,) = page_images(read(render_print_pdf(book)).pages[2])
    assert "/SMask" not in image
    assert image.decode_as_image().getpixel((0, 0)) == 255


def test_a_missing_or_broken_picture_still_gets_a_page():
    truncated = line_art_png()[:-40]
    pages = (
        PdfPage(number=1, text="Sem desenho ainda", image_png=None),
        PdfPage(number=2, text="Desenho quebrado", image_png=b"not a png"),
        PdfPage(number=3, text="Desenho cortado", image_png=truncated),
    )
    reader = read(render_print_pdf(make_book(pages=pages)))
    assert len(reader.pages) == 5
    assert "Desenhe aqui a sua própria ilustração!" in reader.pages[2].extract_text()
    assert "Sem desenho ainda" in reader.pages[2].extract_text()
    assert not page_images(reader.pages[3]) and not page_images(reader.pages[4])


def test_single_sided_printing_leaves_every_back_blank():
    reader = read(render_print_pdf(make_book(), single_sided=True))
    assert len(reader.pages) == 2 * (2 + len(STORY))
    fronts, backs = reader.pages[0::2], reader.pages[1::2]
    assert all(is_blank(page) for page in backs)
    assert not any(is_blank(page) for page in fronts)
    assert all(page_images(page) for page in fronts[2:])


def test_markup_in_user_text_is_printed_literally():
    text = "Tom & Jerry <b>não</b> brigam <br/> mais"
    book = make_book(pages=(PdfPage(number=1, text=text, image_png=None),))
    reader = read(render_print_pdf(PdfBook(**{**book.__dict__, "title": "<i>Rato & Gato"})))
    assert text in reader.pages[2].extract_text()
    assert "<i>Rato & Gato" in reader.pages[0].extract_text()


def test_a_very_long_story_text_shrinks_instead_of_covering_the_picture():
    text = "Era uma vez um dragão muito simpático que gostava de contar histórias. " * 12
    reader = read(render_print_pdf(make_book(pages=(PdfPage(number=1, text=text, image_png=None),))))
    assert "dragão muito simpático" in reader.pages[2].extract_text()


def test_progress_is_reported_page_by_page():
    calls = []
    render_print_pdf(make_book(), progress=lambda done, total: calls.append((done, total)))
    assert calls == [(n, 5) for n in range(1, 6)]


def _drawn_size(page) -> tuple[float, float]:
    """Width and height (pt) the page's picture is scaled to, from its ``cm`` before ``Do``."""
    data = page.get_contents().get_data().decode("latin-1")
    before_do = data[: data.index(" Do")]
    numbers = before_do.split("cm")[-2].split()[-6:]
    return float(numbers[0]), float(numbers[3])


def test_each_picture_gets_a_thin_rounded_frame_of_its_own(book_pdf):
    data = read(book_pdf).pages[2].get_contents().get_data().decode("latin-1")
    before, after = data.split(" Do", 1)
    assert re.search(r" W\*? n\s", before)  # the picture is clipped to the frame's rounded corners
    frame = after[: after.index("\nS\n")]
    assert "1.5 w" in frame and " c\n" in frame  # a thin stroke with curved corners
