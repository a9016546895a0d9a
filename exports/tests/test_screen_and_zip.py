"""The screen PDF and the ZIP of pages."""

import io
import zipfile

import pytest
from PIL import Image

from exports.archive import render_zip
from exports.pdf import PdfPage, render_digital_pdf, render_print_pdf
from exports.tests.helpers import PICTURE_SIZE, STORY, make_book, page_images, page_text, read


@pytest.fixture(scope="module")
def book():
    return make_book(count=8)


@pytest.fixture(scope="module")
def digital(book) -> bytes:
    return render_digital_pdf(book)


def test_the_screen_pdf_is_at_most_a_third_of_the_print_pdf(book, digital):
    assert len(digital) <= len(render_print_pdf(book)) / 3


def test_the_screen_pdf_has_the_same_pages_and_text(book, digital):
    reader = read(digital)
    assert len(reader.pages) == 2 + 8
    assert STORY[0] in page_text(reader)
    assert reader.metadata.title == book.title


def test_screen_pictures_are_rgb_black_and_white_at_about_150_dpi(digital):
    page = read(digital).pages[2]
    (image,) = page_images(page)
    assert image["/ColorSpace"][:2] == ["/Indexed", "/DeviceRGB"]
    assert image["/Filter"] == "/CCITTFaxDecode" and image["/BitsPerComponent"] == 1
    data = page.get_contents().get_data().decode("latin-1")
    width_pt = float(data[: data.index(" Do")].split("cm")[-2].split()[-6])
    assert image["/Width"] / (width_pt / 72) == pytest.approx(150, abs=2)
    pixels = image.decode_as_image().convert("L")
    assert pixels.getpixel((pixels.width // 2, 5)) == 255  # paper stays white
    assert 0.005 < pixels.histogram()[0] / (pixels.width * pixels.height) < 0.2  # and outlines stay black


def test_the_zip_has_every_picture_at_print_resolution_and_the_story(book):
    archive = zipfile.ZipFile(io.BytesIO(render_zip(book)))
    names = archive.namelist()
    assert names == ["story.txt", "cover.png"] + [f"page-{n:02d}.png" for n in range(1, 9)]
    assert archive.read("page-01.png") == book.pages[0].image_png
    assert Image.open(io.BytesIO(archive.read("page-08.png"))).size == PICTURE_SIZE
    story = archive.read("story.txt").decode("utf-8")
    assert story.startswith("Júlia e o Jardim Mágico\nMariana Conceição")
    assert "1.\nAção! A Júlia correu pelo jardim." in story


def test_the_zip_skips_missing_pictures_but_keeps_their_text(book):
    pages = (PdfPage(number=1, text="Ainda sem desenho", image_png=None),)
    archive = zipfile.ZipFile(io.BytesIO(render_zip(make_book(pages=pages))))
    assert "page-01.png" not in archive.namelist()
    assert "Ainda sem desenho" in archive.read("story.txt").decode()
