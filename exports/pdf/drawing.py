"""The pieces every page is made of: fonts, fitted text, framed pictures and decorations."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from exports.pdf.layout import Box
from exports.pdf.pictures import ImageStream, draw_image

FONT = "FabricaSans"
FONT_BOLD = "FabricaSans-Bold"
FONT_ITALIC = "FabricaSans-Italic"
INK = 0.15  # near-black grey for decorations, so the child's colours stand out
TEXT_SIZES = (17, 16, 15, 14, 13, 12, 11)
TITLE_SIZES = (40, 36, 32, 28, 24, 20)
FRAME_WIDTH = 1.5
FRAME_RADIUS = 14

LABELS = {
    "pt-BR": {
        "belongs_to": "Este livro pertence a",
        "by": "por",
        "style": "Estilo",
        "missing_picture": "Desenhe aqui a sua própria ilustração!",
        "made_with": "Feito com carinho na Fábrica de Livros",
        "colour_test": "Teste suas cores aqui",
        "colour_test_hint": "Pinte um quadrinho com cada lápis ou canetinha antes de começar.",
        "draw": "Sua página para desenhar",
        "notes": "Anotações",
        "coloring_book": "Um livro para colorir",
    },
    "en": {
        "belongs_to": "This book belongs to",
        "by": "by",
        "style": "Style",
        "missing_picture": "Draw your own picture here!",
        "made_with": "Made with love at Fábrica de Livros",
        "colour_test": "Test your colours here",
        "colour_test_hint": "Try each pencil or marker in a square before you start.",
        "draw": "Your page to draw on",
        "notes": "Notes",
        "coloring_book": "A coloring book",
    },
    "es": {
        "belongs_to": "Este libro pertenece a",
        "by": "por",
        "style": "Estilo",
        "missing_picture": "¡Dibuja aquí tu propia ilustración!",
        "made_with": "Hecho con cariño en Fábrica de Livros",
        "colour_test": "Prueba tus colores aquí",
        "colour_test_hint": "Prueba cada lápiz o rotulador en un cuadrito antes de empezar.",
        "draw": "Tu página para dibujar",
        "notes": "Notas",
        "coloring_book": "Un libro para colorear",
    },
}


@functools.cache
def register_fonts() -> None:
    # Bitstream Vera ships inside ReportLab and covers Latin-1 (ç, ã, é, ñ);
    # TTFont embeds a subset, so the PDF prints the same everywhere.
    fonts_dir = Path(reportlab.__file__).parent / "fonts"
    for name, filename in ((FONT, "Vera.ttf"), (FONT_BOLD, "VeraBd.ttf"), (FONT_ITALIC, "VeraIt.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(fonts_dir / filename)))


def labels_for(language: str) -> dict[str, str]:
    return LABELS.get(language) or LABELS.get(language.split("-")[0].lower()) or LABELS["pt-BR"]


# --- text -----------------------------------------------------------------------------


def style(font: str, size: float) -> ParagraphStyle:
    leading = round(size * 1.3, 1)
    return ParagraphStyle(
        f"{font}-{size}", fontName=font, fontSize=size, leading=leading, alignment=TA_CENTER
    )


def paragraph(text: str, paragraph_style: ParagraphStyle) -> Paragraph:
    # Story text comes from users: escape it so "<b>" or "&" stays literal text.
    markup = "<br/>".join(escape(line) for line in text.strip().splitlines())
    return Paragraph(markup, paragraph_style)


def fit_paragraph(text: str, font: str, sizes: tuple[int, ...], width: float, max_height: float) -> Paragraph:
    """The largest font size in ``sizes`` whose wrapped text fits ``max_height``."""
    for size in sizes:
        fitted = paragraph(text, style(font, size))
        if fitted.wrap(width, max_height)[1] <= max_height:
            return fitted
    return fitted


def draw_paragraph(canvas: Canvas, text: Paragraph, x: float, top: float, width: float) -> float:
    """Draw ``text`` hanging from ``top``; returns the height it used."""
    _, height = text.wrapOn(canvas, width, top)
    text.drawOn(canvas, x, top - height)
    return height


def draw_heading(canvas: Canvas, text: str, area: Box, size: int = 26) -> float:
    return draw_paragraph(canvas, paragraph(text, style(FONT_BOLD, size)), area.x, area.top, area.width)


def draw_page_number(canvas: Canvas, area: Box, number: int) -> None:
    canvas.setFont(FONT, 12)
    canvas.setFillGray(INK)
    canvas.drawCentredString(area.x + area.width / 2, area.y, str(number))
    canvas.setFillGray(0)


def draw_writing_line(canvas: Canvas, label: str, x: float, y: float, width: float, size: int = 18) -> None:
    """``label:`` followed by a line to write on."""
    text = f"{label}:"
    canvas.setFont(FONT, size)
    canvas.setFillGray(0)
    canvas.drawString(x, y, text)
    canvas.setStrokeGray(INK)
    canvas.setLineWidth(1)
    canvas.line(x + pdfmetrics.stringWidth(text, FONT, size) + 8, y - 2, x + width, y - 2)


def draw_ruled_lines(canvas: Canvas, area: Box, spacing: float = 30) -> None:
    canvas.setStrokeGray(0.55)
    canvas.setLineWidth(0.6)
    y = area.top - spacing
    while y >= area.y:
        canvas.line(area.x, y, area.right, y)
        y -= spacing


# --- pictures -------------------------------------------------------------------------

# Turns a picture's bytes into an image stream for the box it will fill (print or screen).
Embed = Callable[[bytes | None, Box], ImageStream | None]


def fit(box: Box, width: float, height: float, *, anchor: str = "c") -> Box:
    """The largest rectangle of ``width``:``height`` inside ``box``, centred or hanging from the top."""
    scale = min(box.width / width, box.height / height)
    fitted_width, fitted_height = width * scale, height * scale
    x = box.x + (box.width - fitted_width) / 2
    y = box.top - fitted_height if anchor == "n" else box.y + (box.height - fitted_height) / 2
    return Box(x, y, fitted_width, fitted_height)


def draw_picture(
    canvas: Canvas, picture: bytes | None, box: Box, embed: Embed, message: str, *, anchor: str = "c"
) -> None:
    """The picture as large as ``box`` allows, in a thin rounded frame; a placeholder when missing."""
    image = embed(picture, box) if picture else None
    if image is None:
        draw_placeholder(canvas, box, message, top_aligned=anchor == "n")
        return
    frame = fit(box, image.width, image.height, anchor=anchor)
    canvas.saveState()
    clip = canvas.beginPath()
    clip.roundRect(*frame, FRAME_RADIUS)
    canvas.clipPath(clip, stroke=0, fill=0)
    draw_image(canvas, image, *frame)
    canvas.restoreState()
    draw_frame(canvas, frame)


def draw_frame(canvas: Canvas, frame: Box, *, dashed: bool = False) -> None:
    canvas.setStrokeGray(INK)
    canvas.setLineWidth(FRAME_WIDTH)
    if dashed:
        canvas.setDash(8, 6)
    canvas.roundRect(*frame, radius=FRAME_RADIUS, stroke=1, fill=0)
    canvas.setDash()


def draw_placeholder(canvas: Canvas, box: Box, message: str, *, top_aligned: bool) -> None:
    frame = fit(box, 4, 5, anchor="n" if top_aligned else "c")
    draw_frame(canvas, frame, dashed=True)
    draw_star(canvas, frame.x + frame.width / 2, frame.y + frame.height / 2 + 40, 36)
    text = paragraph(message, style(FONT_ITALIC, 18))
    draw_paragraph(canvas, text, frame.x + 24, frame.y + frame.height / 2 - 16, frame.width - 48)


# --- decorations ----------------------------------------------------------------------


def draw_border(canvas: Canvas, box: Box) -> None:
    canvas.setStrokeGray(INK)
    canvas.setLineWidth(2.5)
    canvas.roundRect(*box, radius=22, stroke=1, fill=0)
    canvas.setLineWidth(0.8)
    canvas.roundRect(*box.inset(7, 7, 7, 7), radius=16, stroke=1, fill=0)
    for x in (box.x, box.right):
        for y in (box.y, box.top):
            draw_star(canvas, x, y, 14)


def draw_star(canvas: Canvas, cx: float, cy: float, radius: float) -> None:
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
