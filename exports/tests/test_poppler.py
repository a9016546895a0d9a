"""The files as poppler sees them: page sizes, print boxes, fonts, effective DPI, rendered pixels.

pypdf is lenient (it once decoded pictures that poppler rendered as black noise), so these
checks run the real command-line tools. Without poppler-utils they skip, except under CI=true.
"""

import re
from pathlib import Path

import pytest
from PIL import Image

from exports.pdf import (
    barcode_area,
    cover_wrap_size,
    kdp_page_count,
    render_digital_pdf,
    render_kdp_cover,
    render_kdp_interior,
    render_print_pdf,
)
from exports.tests.helpers import make_book, run


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    book = make_book(count=6)
    tmp = tmp_path_factory.mktemp("poppler")
    built = {
        "print-a4": render_print_pdf(book, paper="a4"),
        "print-letter": render_print_pdf(book, paper="letter", single_sided=True),
        "digital": render_digital_pdf(book),
        "kdp": render_kdp_interior(book),
        "kdp-cover": render_kdp_cover(book, page_count=kdp_page_count(6, single_sided=True)),
    }
    for name, data in built.items():
        (tmp / f"{name}.pdf").write_bytes(data)
    return {name: tmp / f"{name}.pdf" for name in built}


def info(path: Path, *args: str) -> dict[str, str]:
    out = run("pdfinfo", *args, path)
    return {
        key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())
    }


def images(path: Path) -> list[dict[str, str]]:
    lines = run("pdfimages", "-list", path).splitlines()
    header = lines[0].split()
    return [dict(zip(header, line.split(), strict=False)) for line in lines[2:]]


def render(path: Path, page: int, dpi: int, tmp_path: Path) -> Image.Image:
    out = tmp_path / f"{path.stem}-{page}"
    run("pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), "-singlefile", path, out)
    return Image.open(f"{out}.pgm")


def dark_share(image: Image.Image) -> float:
    histogram = image.convert("L").histogram()
    return sum(histogram[:128]) / sum(histogram)


@pytest.mark.parametrize(("name", "size"), [("print-a4", "595.276 x 841.89"), ("print-letter", "612 x 792")])
def test_print_pdfs_have_the_paper_size_pages_and_metadata(files, name, size):
    details = info(files[name])
    assert details["Page size"].startswith(size)
    assert details["Pages"] == ("8" if name == "print-a4" else "16")
    assert details["Title"] == "Júlia e o Jardim Mágico"
    assert details["Author"] == "Mariana Conceição"
    assert details["Subject"] == "Amizade e natureza"


@pytest.mark.parametrize("name", ["print-a4", "print-letter", "kdp"])
def test_line_art_sits_at_300_effective_dpi_or_more(files, name):
    listed = images(files[name])
    assert listed
    for image in listed:
        assert int(image["x-ppi"]) >= 300 and int(image["y-ppi"]) >= 300, image
        assert image["color"] == "gray" and image["enc"] == "image"


def test_every_font_is_embedded(files):
    for path in files.values():
        fonts = run("pdffonts", path).splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts


def test_pictures_render_as_line_art_in_a_frame(files, tmp_path):
    page = render(files["print-a4"], 3, 50, tmp_path)
    assert dark_share(page) < 0.1  # white paper with outlines, not a block of noise
    middle = page.width // 2
    column = [page.getpixel((middle, y)) for y in range(page.height)]
    assert any(value < 128 for value in column[page.height // 6 : page.height // 3])  # the frame's top edge


def test_the_kdp_interior_is_621_by_810_points_even_and_at_least_24_pages(files):
    details = info(files["kdp"])
    assert details["Page size"].startswith("621 x 810 pts")
    pages = int(details["Pages"])
    assert pages >= 24 and pages % 2 == 0


def test_the_kdp_trim_box_alternates_sides(files):
    out = run("pdfinfo", "-box", "-f", "1", "-l", "2", files["kdp"])
    trims = re.findall(r"Page\s+(\d+) TrimBox:\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", out)
    assert [(page, round(float(x0)), round(float(x1))) for page, x0, _, x1, _ in trims] == [
        ("1", 0, 612),
        ("2", 9, 621),
    ]


def test_the_cover_wrap_width_follows_the_spine_formula(files):
    pages = kdp_page_count(6, single_sided=True)
    width, height = (float(v) for v in re.findall(r"[\d.]+", info(files["kdp-cover"])["Page size"])[:2])
    assert width == pytest.approx((0.25 + 17 + pages * 0.002252) * 72, abs=0.01)
    assert (width, height) == pytest.approx(cover_wrap_size(pages), abs=0.01)
    assert height == pytest.approx(810)


def test_the_barcode_area_is_left_clear(files, tmp_path):
    page = render(files["kdp-cover"], 1, 72, tmp_path)
    area = barcode_area()
    top = page.height - area.top
    region = page.crop((round(area.x), round(top), round(area.right), round(top + area.height)))
    assert region.getextrema() == (255, 255)
    assert dark_share(page) > 0.001  # while the rest of the cover does have ink


def test_screen_pictures_are_150_dpi_rgb_and_render_cleanly(files, tmp_path):
    listed = images(files["digital"])
    assert listed
    for image in listed:
        assert 145 <= int(image["x-ppi"]) <= 155, image
        assert (image["color"], image["enc"]) == ("index", "ccitt")
    assert 0.001 < dark_share(render(files["digital"], 3, 50, tmp_path)) < 0.1
