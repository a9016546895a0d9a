"""From a ``Book`` to the bytes of one of its files."""

from __future__ import annotations

from books.models import Book
from exports.archive import render_zip
from exports.models import Export
from exports.options import ExportOptions
from exports.pdf import (
    PdfBook,
    PdfPage,
    Progress,
    kdp_page_count,
    render_digital_pdf,
    render_kdp_cover,
    render_kdp_interior,
    render_print_pdf,
)


def pdf_book(book: Book) -> PdfBook:
    """Everything printed in the book, pictures read from storage."""
    return PdfBook(
        title=str(book.display_title),
        author=book.owner.name,
        language=book.language,
        style_name=book.style.name,
        cover_png=_read(book.cover_image),
        pages=tuple(
            PdfPage(number=page.number, text=page.text, image_png=_read(page.image))
            for page in book.pages.order_by("number")
        ),
        subject=", ".join(filter(None, [book.theme, book.educational_goal])),
    )


def render_export(*, book: Book, options: ExportOptions, progress: Progress | None = None) -> bytes:
    content = pdf_book(book)
    match options.format:
        case Export.Format.PRINT:
            return render_print_pdf(
                content, paper=options.paper, single_sided=options.single_sided, progress=progress
            )
        case Export.Format.DIGITAL:
            return render_digital_pdf(content, paper=options.paper, progress=progress)
        case Export.Format.ZIP:
            return render_zip(content, progress=progress)
        case Export.Format.KDP:
            return render_kdp_interior(content, single_sided=options.single_sided, progress=progress)
        case Export.Format.KDP_COVER:
            pages = kdp_page_count(len(content.pages), single_sided=options.single_sided)
            return render_kdp_cover(content, page_count=pages)
    raise ValueError(f"unknown export format {options.format!r}")


def _read(field) -> bytes | None:
    if not field:
        return None
    with field.open("rb") as handle:
        return handle.read()
