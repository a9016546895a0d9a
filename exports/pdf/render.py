"""Whole documents: the home print PDF, the screen PDF and the print-on-demand interior."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from exports.pdf.content import PdfBook, Progress
from exports.pdf.drawing import FONT, Embed, labels_for, register_fonts
from exports.pdf.layout import Box, Planned, Sheet, home_plan, home_sheet, kdp_plan, kdp_sheet
from exports.pdf.pages import PageContext, draw_page
from exports.pdf.pictures import print_image, screen_image

CREATOR = "Fábrica de Livros"


def render_print_pdf(
    book: PdfBook, *, paper: str = "a4", single_sided: bool = False, progress: Progress | None = None
) -> bytes:
    """For home printing: line art copied losslessly at full resolution (300 DPI or more)."""
    sheet = home_sheet(paper)
    plan = home_plan(len(book.pages), single_sided=single_sided)
    return render_document(book, plan, lambda number: sheet, _print_embed, progress)


def render_digital_pdf(book: PdfBook, *, paper: str = "a4", progress: Progress | None = None) -> bytes:
    """For screens: the same pages with pictures at about 150 DPI, a fraction of the print size."""
    sheet = home_sheet(paper)
    plan = home_plan(len(book.pages), single_sided=False)
    return render_document(book, plan, lambda number: sheet, _screen_embed, progress)


def render_kdp_interior(
    book: PdfBook, *, single_sided: bool = True, progress: Progress | None = None
) -> bytes:
    """Print-on-demand interior: 8.5 x 11 in trim with bleed, greyscale, at least 24 pages."""
    plan = kdp_plan(len(book.pages), single_sided=single_sided)
    return render_document(book, plan, kdp_sheet, _grey_embed, progress)


def render_document(
    book: PdfBook,
    plan: list[Planned],
    sheet_for: Callable[[int], Sheet],
    embed: Embed,
    progress: Progress | None = None,
) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=sheet_for(1).size, lang=book.language, pageCompression=1, initialFontName=FONT
    )
    set_metadata(canvas, book)
    labels = labels_for(book.language)
    with binary_streams():
        for number, planned in enumerate(plan, start=1):
            sheet = sheet_for(number)
            canvas.setPageSize(sheet.size)
            set_print_boxes(canvas, sheet)
            draw_page(PageContext(canvas, sheet.content, book, labels, embed), planned)
            canvas.showPage()
            if progress:
                progress(number, len(plan))
        canvas.save()
    return buffer.getvalue()


def set_metadata(canvas: Canvas, book: PdfBook) -> None:
    canvas.setTitle(book.title)
    canvas.setAuthor(book.author)
    canvas.setSubject(book.subject)
    canvas.setCreator(CREATOR)


def set_print_boxes(canvas: Canvas, sheet: Sheet) -> None:
    if sheet.trim:
        canvas.setTrimBox(sheet.trim.corners())
    if sheet.bleed:
        canvas.setBleedBox(sheet.bleed.corners())


@contextlib.contextmanager
def binary_streams() -> Iterator[None]:
    # ReportLab's default ASCII85 wrapping makes streams 25 % bigger and, without its
    # C accelerator, slow. Either value yields a valid PDF, so a concurrent render
    # seeing ours is harmless.
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def _print_embed(picture: bytes | None, box: Box):
    return print_image(picture)


def _grey_embed(picture: bytes | None, box: Box):
    return print_image(picture, grey=True)


def _screen_embed(picture: bytes | None, box: Box):
    return screen_image(picture, box_width=box.width, box_height=box.height)
