"""Print-ready PDF of a coloring book, drawn with ReportLab.

Pure Python on purpose (no Django): the export service turns a ``Book`` into a
``PdfBook`` and stores the bytes this module returns.

Pictures are embedded at their full resolution and losslessly (Flate, never
JPEG): families print these pages and crisp line art is the whole product.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

import reportlab
from PIL import Image, ImageChops
from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

logger = logging.getLogger(__name__)

PAPER_SIZES = {"a4": A4, "letter": LETTER}
CREATOR = "Fábrica de Livros"
MARGIN = 0.5 * inch
FONT = "FabricaSans"
FONT_BOLD = "FabricaSans-Bold"
FONT_ITALIC = "FabricaSans-Italic"
INK = 0.15  # near-black grey for decorations, so the child's colours stand out
TEXT_SIZES = (17, 16, 15, 14, 13, 12, 11)
TITLE_SIZES = (40, 36, 32, 28, 24, 20)

LABELS = {
    "pt-BR": {
        "belongs_to": "Este livro pertence a",
        "by": "por",
        "style": "Estilo",
        "missing_picture": "Desenhe aqui a sua própria ilustração!",
        "made_with": "Feito com carinho na Fábrica de Livros",
    },
    "en": {
        "belongs_to": "This book belongs to",
        "by": "by",
        "style": "Style",
        "missing_picture": "Draw your own picture here!",
        "made_with": "Made with love at Fábrica de Livros",
    },
    "es": {
        "belongs_to": "Este libro pertenece a",
        "by": "por",
        "style": "Estilo",
        "missing_picture": "¡Dibuja aquí tu propia ilustración!",
        "made_with": "Hecho con cariño en Fábrica de Livros",
    },
}


@dataclass(frozen=True)
class PdfPage:
    number: int
    text: str
    image_png: bytes | None  # None = missing picture, a placeholder frame is drawn


@dataclass(frozen=True)
class PdfBook:
    title: str
    author: str
    language: str  # "pt-BR" | "en" | "es"
    style_name: str
    cover_png: bytes | None
    pages: tuple[PdfPage, ...]
    subject: str = ""


class Box(NamedTuple):
    x: float
    y: float
    width: float
    height: float


def render_print_pdf(book: PdfBook, *, paper: str = "a4") -> bytes:
    if paper not in PAPER_SIZES:
        raise ValueError(f"Unknown paper size {paper!r}; expected one of {sorted(PAPER_SIZES)}")
    _register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=PAPER_SIZES[paper], lang=book.language, pageCompression=1, initialFontName=FONT
    )
    _set_metadata(canvas, book)
    with _binary_streams():
        _draw_book(canvas, _content_box(PAPER_SIZES[paper]), book)
        canvas.save()
    return buffer.getvalue()


def _draw_book(canvas: Canvas, content: Box, book: PdfBook) -> None:
    labels = _labels(book.language)
    _draw_cover(canvas, content, book, labels)
    canvas.showPage()
    _draw_title_page(canvas, content, book, labels)
    canvas.showPage()
    for page in book.pages:
        _draw_story_page(canvas, content, page, labels)
        canvas.showPage()


@functools.cache
def _register_fonts() -> None:
    # Bitstream Vera ships inside ReportLab and covers Latin-1 (ç, ã, é, ñ);
    # TTFont embeds a subset, so the PDF prints the same everywhere.
    fonts_dir = Path(reportlab.__file__).parent / "fonts"
    for name, filename in ((FONT, "Vera.ttf"), (FONT_BOLD, "VeraBd.ttf"), (FONT_ITALIC, "VeraIt.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(fonts_dir / filename)))


def _labels(language: str) -> dict[str, str]:
    return LABELS.get(language) or LABELS.get(language.split("-")[0].lower()) or LABELS["pt-BR"]


def _set_metadata(canvas: Canvas, book: PdfBook) -> None:
    canvas.setTitle(book.title)
    canvas.setAuthor(book.author)
    canvas.setSubject(book.subject)
    canvas.setCreator(CREATOR)


def _content_box(pagesize: tuple[float, float]) -> Box:
    width, height = pagesize
    return Box(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN)


@contextlib.contextmanager
def _binary_streams() -> Iterator[None]:
    # ReportLab's default ASCII85 wrapping makes image streams 25 % bigger and,
    # without its C accelerator, takes most of the render time. Either value
    # yields a valid PDF, so a concurrent render seeing ours is harmless.
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


# --- pages ----------------------------------------------------------------------------


def _draw_cover(canvas: Canvas, page: Box, book: PdfBook, labels: dict[str, str]) -> None:
    _draw_border(canvas, page)
    inner = Box(page.x + 24, page.y + 24, page.width - 48, page.height - 48)
    top = inner.y + inner.height
    title = _fit_paragraph(book.title, FONT_BOLD, TITLE_SIZES, inner.width, 150)
    title_height = _draw_paragraph(canvas, title, inner.x, top, inner.width)
    line_y = inner.y + 12
    _draw_belongs_to_line(canvas, labels["belongs_to"], inner.x, line_y, inner.width)
    picture_bottom = line_y + 36
    picture = Box(inner.x, picture_bottom, inner.width, top - title_height - 20 - picture_bottom)
    _draw_picture(canvas, book.cover_png, picture, labels["missing_picture"])


def _draw_title_page(canvas: Canvas, page: Box, book: PdfBook, labels: dict[str, str]) -> None:
    _draw_border(canvas, page)
    width = page.width - 96
    x = page.x + 48
    top = page.y + page.height * 0.68
    title = _fit_paragraph(book.title, FONT_BOLD, TITLE_SIZES[2:], width, 200)
    top -= _draw_paragraph(canvas, title, x, top, width) + 28
    lines = [
        (f"{labels['by']} {book.author}", _style(FONT, 20)) if book.author else None,
        (f"{labels['style']}: {book.style_name}", _style(FONT, 14)) if book.style_name else None,
        (book.subject, _style(FONT_ITALIC, 14)) if book.subject else None,
    ]
    for text, style in filter(None, lines):
        top -= _draw_paragraph(canvas, _paragraph(text, style), x, top, width) + 12
    footer = _paragraph(labels["made_with"], _style(FONT_ITALIC, 10))
    footer.wrapOn(canvas, width, 40)
    footer.drawOn(canvas, x, page.y + 24)


def _draw_story_page(canvas: Canvas, content: Box, page: PdfPage, labels: dict[str, str]) -> None:
    top = content.y + content.height
    max_text_height = content.height * 0.35
    text = _fit_paragraph(page.text, FONT, TEXT_SIZES, content.width, max_text_height)
    text_height = _draw_paragraph(canvas, text, content.x, top, content.width) if page.text.strip() else 0
    bottom = content.y + 24  # room for the page number
    picture_top = top - text_height - (14 if text_height else 0)
    picture = Box(content.x, bottom, content.width, picture_top - bottom)
    _draw_picture(canvas, page.image_png, picture, labels["missing_picture"], anchor="n")
    canvas.setFont(FONT, 12)
    canvas.setFillGray(INK)
    canvas.drawCentredString(content.x + content.width / 2, content.y, str(page.number))


# --- text -----------------------------------------------------------------------------


def _style(font: str, size: float) -> ParagraphStyle:
    leading = round(size * 1.3, 1)
    return ParagraphStyle(
        f"{font}-{size}", fontName=font, fontSize=size, leading=leading, alignment=TA_CENTER
    )


def _paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    # Story text comes from users: escape it so "<b>" or "&" stays literal text.
    markup = "<br/>".join(escape(line) for line in text.strip().splitlines())
    return Paragraph(markup, style)


def _fit_paragraph(
    text: str, font: str, sizes: tuple[int, ...], width: float, max_height: float
) -> Paragraph:
    """The largest font size in ``sizes`` whose wrapped text fits ``max_height``."""
    for size in sizes:
        paragraph = _paragraph(text, _style(font, size))
        if paragraph.wrap(width, max_height)[1] <= max_height:
            return paragraph
    return paragraph


def _draw_paragraph(canvas: Canvas, paragraph: Paragraph, x: float, top: float, width: float) -> float:
    """Draw ``paragraph`` hanging from ``top``; returns the height it used."""
    _, height = paragraph.wrapOn(canvas, width, top)
    paragraph.drawOn(canvas, x, top - height)
    return height


def _draw_belongs_to_line(canvas: Canvas, label: str, x: float, y: float, width: float) -> None:
    text = f"{label}:"
    canvas.setFont(FONT, 18)
    canvas.setFillGray(0)
    canvas.drawString(x, y, text)
    canvas.setStrokeGray(INK)
    canvas.setLineWidth(1)
    canvas.line(x + pdfmetrics.stringWidth(text, FONT, 18) + 8, y - 2, x + width, y - 2)


# --- pictures -------------------------------------------------------------------------


def _draw_picture(canvas: Canvas, png: bytes | None, box: Box, message: str, *, anchor: str = "c") -> None:
    """The picture as large as ``box`` allows, keeping its aspect ratio."""
    image = _load_picture(png) if png else None
    if image is None:
        _draw_placeholder(canvas, box, message, top_aligned=anchor == "n")
        return
    canvas.drawImage(image, *box, preserveAspectRatio=True, anchor=anchor)


def _load_picture(png: bytes) -> ImageReader | None:
    try:
        image = Image.open(io.BytesIO(png))
        image.load()
    except (OSError, Image.DecompressionBombError):
        logger.warning("Unreadable picture in PDF export; drawing a placeholder", exc_info=True)
        return None
    # A PIL image (not a file) makes ReportLab embed raw pixels with Flate: lossless.
    return ImageReader(_flatten(image))


def _flatten(image: Image.Image) -> Image.Image:
    """Full-resolution L or RGB pixels on white; grey art stays 1 byte per pixel."""
    if image.mode in ("1", "L"):
        return image.convert("L")
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    rgb = image.convert("RGB")
    return rgb.convert("L") if _is_grey(rgb) else rgb


def _is_grey(rgb: Image.Image) -> bool:
    red, green, blue = rgb.split()
    return (
        not ImageChops.difference(red, green).getbbox() and not ImageChops.difference(green, blue).getbbox()
    )


def _draw_placeholder(canvas: Canvas, box: Box, message: str, *, top_aligned: bool) -> None:
    side = min(box.width, box.height)
    bottom = box.y + box.height - side if top_aligned else box.y + (box.height - side) / 2
    frame = Box(box.x + (box.width - side) / 2, bottom, side, side)
    canvas.setStrokeGray(INK)
    canvas.setLineWidth(2)
    canvas.setDash(8, 6)
    canvas.roundRect(*frame, radius=18, stroke=1, fill=0)
    canvas.setDash()
    _draw_star(canvas, frame.x + side / 2, frame.y + side / 2 + 40, 36)
    text = _paragraph(message, _style(FONT_ITALIC, 18))
    _draw_paragraph(canvas, text, frame.x + 24, frame.y + side / 2 - 16, side - 48)


# --- decorations ----------------------------------------------------------------------


def _draw_border(canvas: Canvas, box: Box) -> None:
    canvas.setStrokeGray(INK)
    canvas.setLineWidth(2.5)
    canvas.roundRect(*box, radius=22, stroke=1, fill=0)
    canvas.setLineWidth(0.8)
    canvas.roundRect(box.x + 7, box.y + 7, box.width - 14, box.height - 14, radius=16, stroke=1, fill=0)
    for x in (box.x, box.x + box.width):
        for y in (box.y, box.y + box.height):
            _draw_star(canvas, x, y, 14)


def _draw_star(canvas: Canvas, cx: float, cy: float, radius: float) -> None:
    """An outlined five-pointed star on white, one more thing to colour in."""
    path = canvas.beginPath()
    path.moveTo(cx, cy + radius)
    for i in range(1, 10):
        r = radius if i % 2 == 0 else radius * 0.45
        angle = math.pi / 2 + i * math.pi / 5
        path.lineTo(cx + r * math.cos(angle), cy + r * math.sin(angle))
    path.close()
    canvas.setFillGray(1)
    canvas.setStrokeGray(INK)
    canvas.setLineWidth(1.5)
    canvas.drawPath(path, stroke=1, fill=1)
    canvas.setFillGray(0)
