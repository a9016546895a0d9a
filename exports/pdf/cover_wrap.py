"""The print-on-demand cover: back, spine and front on one sheet, with bleed all round.

Amazon KDP: width = bleed + back + spine + front + bleed, height = trim + 2 x bleed, the
spine as thick as the interior (0.002252 in a page on white paper), and a 2 x 1.2 in area
at the lower right of the back left clear for the barcode KDP prints there.
"""

from __future__ import annotations

import io

from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from exports.pdf.content import PdfBook
from exports.pdf.drawing import (
    FONT,
    FONT_BOLD,
    FONT_ITALIC,
    TITLE_SIZES,
    draw_border,
    draw_paragraph,
    draw_picture,
    draw_star,
    fit_paragraph,
    labels_for,
    paragraph,
    register_fonts,
    style,
)
from exports.pdf.layout import KDP_BLEED, KDP_TRIM, Box
from exports.pdf.pictures import print_image
from exports.pdf.render import binary_streams, set_metadata

SPINE_INCHES_PER_PAGE = 0.002252  # white paper
BARCODE_SIZE = (2 * inch, 1.2 * inch)
BARCODE_MARGIN = 0.25 * inch
SAFE_MARGIN = 0.375 * inch  # text and pictures stay this far inside the trim


def spine_width(page_count: int) -> float:
    return page_count * SPINE_INCHES_PER_PAGE * inch


def cover_wrap_size(page_count: int) -> tuple[float, float]:
    return (2 * KDP_BLEED + 2 * KDP_TRIM[0] + spine_width(page_count), KDP_TRIM[1] + 2 * KDP_BLEED)


def barcode_area() -> Box:
    """Where KDP prints the barcode: lower right corner of the back cover, inside the trim."""
    right = KDP_BLEED + KDP_TRIM[0] - BARCODE_MARGIN
    return Box(right - BARCODE_SIZE[0], KDP_BLEED + BARCODE_MARGIN, *BARCODE_SIZE)


def render_kdp_cover(book: PdfBook, *, page_count: int) -> bytes:
    register_fonts()
    width, height = cover_wrap_size(page_count)
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=(width, height), lang=book.language, pageCompression=1, initialFontName=FONT
    )
    set_metadata(canvas, book)
    canvas.setTrimBox((KDP_BLEED, KDP_BLEED, width - KDP_BLEED, height - KDP_BLEED))
    canvas.setBleedBox((0, 0, width, height))
    back = Box(KDP_BLEED, KDP_BLEED, *KDP_TRIM)
    front = Box(back.right + spine_width(page_count), KDP_BLEED, *KDP_TRIM)
    labels = labels_for(book.language)
    with binary_streams():
        _draw_front(canvas, front.inset(*(SAFE_MARGIN,) * 4), book, labels)
        _draw_back(canvas, back.inset(*(SAFE_MARGIN,) * 4), book, labels)
        # No spine text: KDP allows it from 79 pages, and these books stay well below that.
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def _draw_front(canvas: Canvas, area: Box, book: PdfBook, labels: dict[str, str]) -> None:
    draw_border(canvas, area)
    inner = area.inset(28, 28, 28, 28)
    title = fit_paragraph(book.title, FONT_BOLD, TITLE_SIZES, inner.width, 160)
    title_height = draw_paragraph(canvas, title, inner.x, inner.top, inner.width)
    byline = paragraph(f"{labels['by']} {book.author}" if book.author else "", style(FONT, 18))
    byline_height = byline.wrap(inner.width, 60)[1]
    byline.drawOn(canvas, inner.x, inner.y)
    bottom = inner.y + byline_height + 16
    picture = Box(inner.x, bottom, inner.width, inner.top - title_height - 20 - bottom)
    draw_picture(canvas, book.cover_png, picture, _grey, labels["missing_picture"])


def _draw_back(canvas: Canvas, area: Box, book: PdfBook, labels: dict[str, str]) -> None:
    clear = barcode_area()
    text_area = Box(area.x + 24, clear.top + 36, area.width - 48, area.top - clear.top - 60)
    top = text_area.top
    blocks = [
        (book.title, style(FONT_BOLD, 24)),
        (labels["coloring_book"], style(FONT_ITALIC, 16)),
        (book.subject, style(FONT, 14)),
        (book.pages[0].text if book.pages else "", style(FONT, 14)),
    ]
    for text, text_style in blocks:
        if text.strip():
            top -= draw_paragraph(canvas, paragraph(text, text_style), text_area.x, top, text_area.width) + 18
    draw_star(canvas, text_area.x + text_area.width / 2, top - 50, 34)
    made_with = paragraph(labels["made_with"], style(FONT_ITALIC, 11))
    made_with.wrapOn(canvas, clear.x - area.x - 24, 40)
    made_with.drawOn(canvas, area.x, clear.y)


def _grey(picture: bytes | None, box: Box):
    return print_image(picture, grey=True)
