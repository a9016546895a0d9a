"""Building and caching the files a family downloads."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from books.models import Book
from exports.errors import ExportTooLarge
from exports.models import Export
from exports.pdf import PdfBook, PdfPage, render_print_pdf

MAX_EXPORT_BYTES = 100 * 1024 * 1024


def book_content_hash(*, book: Book, extra: str = "") -> str:
    """Changes whenever anything printed in the book changes: texts, pictures, style, options."""
    digest = hashlib.sha256()
    for part in (book.title, book.language, book.style.slug, book.owner.name, book.cover_image.name, extra):
        digest.update(part.encode() + b"\0")
    for page in book.pages.order_by("number"):
        digest.update(f"{page.number}\0{page.text}\0{page.sha256}\0".encode())
    return digest.hexdigest()


def _read(field) -> bytes | None:
    if not field:
        return None
    with field.open("rb") as handle:
        return handle.read()


def _pdf_book(book: Book) -> PdfBook:
    return PdfBook(
        title=book.display_title,
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


def export_print_pdf(*, book: Book, paper: str = "a4") -> Export:
    """Return the cached print PDF for the book as it is now, building it if needed."""
    content_hash = book_content_hash(book=book, extra=paper)
    cached = Export.objects.filter(
        book=book, format=Export.Format.PRINT, paper=paper, content_hash=content_hash
    ).first()
    if cached:
        return cached
    data = render_print_pdf(_pdf_book(book), paper=paper)
    if len(data) > MAX_EXPORT_BYTES:
        raise ExportTooLarge(
            "This book's PDF would be larger than 100 MB, too large to print. Try fewer pages."
        )
    return _export_save(book=book, paper=paper, content_hash=content_hash, data=data)


def _export_save(*, book: Book, paper: str, content_hash: str, data: bytes) -> Export:
    export = Export(book=book, format=Export.Format.PRINT, paper=paper, content_hash=content_hash)
    export.size_bytes = len(data)
    export.file.save(f"exports/{book.id}/{content_hash[:16]}-{paper}.pdf", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            export.save()
    except IntegrityError:  # another worker built the same file first
        export.file.delete(save=False)
        return Export.objects.get(
            book=book, format=Export.Format.PRINT, paper=paper, content_hash=content_hash
        )
    return export
