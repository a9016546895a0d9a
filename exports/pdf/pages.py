"""One function per kind of page, each drawing inside the area its sheet leaves for content."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from exports.pdf.content import PdfBook
from exports.pdf.drawing import (
    FONT,
    FONT_BOLD,
    FONT_ITALIC,
    INK,
    TEXT_SIZES,
    TITLE_SIZES,
    Embed,
    draw_border,
    draw_frame,
    draw_heading,
    draw_page_number,
    draw_paragraph,
    draw_picture,
    draw_ruled_lines,
    draw_star,
    draw_writing_line,
    fit,
    fit_paragraph,
    paragraph,
    style,
)
from exports.pdf.layout import Box, Kind, Planned


@dataclass(frozen=True)
class PageContext:
    canvas: Canvas
    area: Box
    book: PdfBook
    labels: dict[str, str]
    embed: Embed


def draw_page(context: PageContext, planned: Planned) -> None:
    PAINTERS[planned.kind](context, planned)


def _cover(context: PageContext, planned: Planned) -> None:
    canvas, page, book, labels = context.canvas, context.area, context.book, context.labels
    draw_border(canvas, page)
    inner = page.inset(24, 24, 24, 24)
    title = fit_paragraph(book.title, FONT_BOLD, TITLE_SIZES, inner.width, 150)
    title_height = draw_paragraph(canvas, title, inner.x, inner.top, inner.width)
    line_y = inner.y + 12
    draw_writing_line(canvas, labels["belongs_to"], inner.x, line_y, inner.width)
    picture_bottom = line_y + 36
    picture = Box(inner.x, picture_bottom, inner.width, inner.top - title_height - 20 - picture_bottom)
    draw_picture(canvas, book.cover_png, picture, context.embed, labels["missing_picture"])


def _title(context: PageContext, planned: Planned) -> None:
    canvas, page, book, labels = context.canvas, context.area, context.book, context.labels
    draw_border(canvas, page)
    width = page.width - 96
    x = page.x + 48
    top = page.y + page.height * 0.68
    title = fit_paragraph(book.title, FONT_BOLD, TITLE_SIZES[2:], width, 200)
    top -= draw_paragraph(canvas, title, x, top, width) + 28
    lines = [
        (f"{labels['by']} {book.author}", style(FONT, 20)) if book.author else None,
        (f"{labels['style']}: {book.style_name}", style(FONT, 14)) if book.style_name else None,
        (book.subject, style(FONT_ITALIC, 14)) if book.subject else None,
    ]
    for text, line_style in filter(None, lines):
        top -= draw_paragraph(canvas, paragraph(text, line_style), x, top, width) + 12
    footer = paragraph(labels["made_with"], style(FONT_ITALIC, 10))
    footer.wrapOn(canvas, width, 40)
    footer.drawOn(canvas, x, page.y + 24)


def _story(context: PageContext, planned: Planned) -> None:
    canvas, content = context.canvas, context.area
    page = context.book.pages[planned.story]
    text = fit_paragraph(page.text, FONT, TEXT_SIZES, content.width, content.height * 0.35)
    text_height = (
        draw_paragraph(canvas, text, content.x, content.top, content.width) if page.text.strip() else 0
    )
    bottom = content.y + 24  # room for the page number
    picture_top = content.top - text_height - (14 if text_height else 0)
    picture = Box(content.x, bottom, content.width, picture_top - bottom)
    draw_picture(
        canvas, page.image_png, picture, context.embed, context.labels["missing_picture"], anchor="n"
    )
    draw_page_number(canvas, content, page.number)


def _blank(context: PageContext, planned: Planned) -> None:
    """Nothing at all: the back of a coloring page, so markers cannot spoil anything."""


def _belongs_to(context: PageContext, planned: Planned) -> None:
    canvas, area = context.canvas, context.area
    draw_border(canvas, area)
    middle = area.y + area.height / 2
    draw_star(canvas, area.x + area.width / 2, middle + 110, 60)
    inner = area.inset(48, 0, 48, 0)
    draw_writing_line(canvas, context.labels["belongs_to"], inner.x, middle, inner.width, size=20)
    canvas.setStrokeGray(INK)
    canvas.line(inner.x, middle - 56, inner.right, middle - 56)


def _colour_test(context: PageContext, planned: Planned) -> None:
    canvas, area = context.canvas, context.area
    top = area.top - draw_heading(canvas, context.labels["colour_test"], area) - 8
    hint = paragraph(context.labels["colour_test_hint"], style(FONT_ITALIC, 13))
    top -= draw_paragraph(canvas, hint, area.x, top, area.width) + 24
    columns, rows, gap = 4, 6, 16
    side = min((area.width - gap * (columns - 1)) / columns, (top - area.y - gap * (rows - 1)) / rows)
    left = area.x + (area.width - columns * side - gap * (columns - 1)) / 2
    canvas.setStrokeGray(INK)
    canvas.setLineWidth(1.5)
    for row in range(rows):
        for column in range(columns):
            x, y = left + column * (side + gap), top - (row + 1) * side - row * gap
            canvas.roundRect(x, y, side, side, radius=10, stroke=1, fill=0)


def _draw(context: PageContext, planned: Planned) -> None:
    canvas, area = context.canvas, context.area
    top = area.top - draw_heading(canvas, context.labels["draw"], area, size=22) - 18
    draw_frame(canvas, fit(Box(area.x, area.y, area.width, top - area.y), 4, 5, anchor="n"))


def _notes(context: PageContext, planned: Planned) -> None:
    canvas, area = context.canvas, context.area
    top = area.top - draw_heading(canvas, context.labels["notes"], area, size=22) - 12
    draw_ruled_lines(canvas, Box(area.x, area.y, area.width, top - area.y))


PAINTERS = {
    Kind.COVER: _cover,
    Kind.TITLE: _title,
    Kind.STORY: _story,
    Kind.BLANK: _blank,
    Kind.BELONGS_TO: _belongs_to,
    Kind.COLOUR_TEST: _colour_test,
    Kind.DRAW: _draw,
    Kind.NOTES: _notes,
}
