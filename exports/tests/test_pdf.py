import io

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from exports.pdf import PdfBook, PdfPage, render_print_pdf

STORY = (
    "Ação! A Júlia correu pelo jardim.",
    "Com o coração feliz, ela regou as flores.",
    "El niño saludó: ¡hola, señora!",
)


def line_art_png(size: int = 2048, mode: str = "RGB") -> bytes:
    """Black outlines on white, saved as RGB like the AI providers send them."""
    image = Image.new(mode, (size, size), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((size // 4, size // 4, size * 3 // 4, size * 3 // 4), outline="black", width=12)
    draw.line((0, size * 4 // 5, size, size * 4 // 5), fill="black", width=12)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def make_book(*, pages: tuple[PdfPage, ...] | None = None, language: str = "pt-BR") -> PdfBook:
    picture = line_art_png()
    if pages is None:
        pages = tuple(PdfPage(number=i + 1, text=text, image_png=picture) for i, text in enumerate(STORY))
    return PdfBook(
        title="Júlia e o Jardim Mágico",
        author="Mariana Conceição",
        language=language,
        style_name="Cartoon",
        cover_png=picture,
        pages=pages,
        subject="Amizade e natureza",
    )


@pytest.fixture
def _media_root():
    """The PDF renderer is pure Python and writes no media; this keeps the module
    runnable with ``-p no:django`` (the project conftest's version needs Django)."""


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def page_images(page) -> list:
    xobjects = page["/Resources"]["/XObject"]
    return [
        xobject.get_object() for xobject in xobjects.values() if xobject.get_object()["/Subtype"] == "/Image"
    ]


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
    assert (image["/Width"], image["/Height"]) == (2048, 2048)
    assert "/DCTDecode" not in image["/Filter"]
    assert "/FlateDecode" in image["/Filter"]


def test_black_and_white_art_is_embedded_as_greyscale(book_pdf):
    (image,) = page_images(read(book_pdf).pages[2])
    assert image["/ColorSpace"] == "/DeviceGray"


def test_a_transparent_picture_is_printed_on_white():
    transparent = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    ImageDraw.Draw(transparent).line((0, 32, 64, 32), fill=(0, 0, 0, 255), width=4)
    buffer = io.BytesIO()
    transparent.save(buffer, "PNG")
    book = make_book(pages=(PdfPage(number=1, text="Oi", image_png=buffer.getvalue()),))
    (image,) = page_images(read(render_print_pdf(book)).pages[2])
    assert "/SMask" not in image
    assert image.decode_as_image().getpixel((0, 0)) == 255


def test_a_missing_picture_still_gets_a_page():
    pages = (
        PdfPage(number=1, text="Sem desenho ainda", image_png=None),
        PdfPage(number=2, text="Desenho quebrado", image_png=b"not a png"),
    )
    reader = read(render_print_pdf(make_book(pages=pages)))
    assert len(reader.pages) == 4
    assert "Desenhe aqui a sua própria ilustração!" in reader.pages[2].extract_text()
    assert "Sem desenho ainda" in reader.pages[2].extract_text()
    assert "/XObject" not in reader.pages[3]["/Resources"]


def test_markup_in_user_text_is_printed_literally():
    text = "Tom & Jerry <b>não</b> brigam <br/> mais"
    pages = (PdfPage(number=1, text=text, image_png=None),)
    book = make_book(pages=pages)
    reader = read(render_print_pdf(PdfBook(**{**book.__dict__, "title": "<i>Rato & Gato"})))
    assert text in reader.pages[2].extract_text()
    assert "<i>Rato & Gato" in reader.pages[0].extract_text()


def test_a_very_long_story_text_shrinks_instead_of_covering_the_picture():
    text = "Era uma vez um dragão muito simpático que gostava de contar histórias. " * 12
    reader = read(render_print_pdf(make_book(pages=(PdfPage(number=1, text=text, image_png=None),))))
    assert "dragão muito simpático" in reader.pages[2].extract_text()
