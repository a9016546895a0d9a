"""Read-side helpers shared by the views, the book page and its live progress."""

from __future__ import annotations

import hashlib
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from books.models import Book, ShareLink
from books.sharing import ShareGone, share_link_open
from exports.models import Export
from exports.options import PAPER_CHOICES, PAPERS, SIDED_FORMATS

# The book page lists files made from the book as it is now, a handful at most.
PANEL_LIMIT = 12
# Bump when the layout changes, so cached files are rebuilt with the new one.
LAYOUT_VERSION = "2"


def book_content_hash(*, book: Book) -> str:
    """Changes whenever anything printed in the book changes: texts, pictures, style, author."""
    digest = hashlib.sha256()
    parts = (
        LAYOUT_VERSION, book.title, book.theme, book.educational_goal, book.language,
        book.style.slug, book.style.name, book.owner.name, book.cover_image.name,
    )  # fmt: skip
    for part in parts:
        digest.update(str(part).encode() + b"\0")
    for number, text, sha in book.pages.order_by("number").values_list("number", "text", "sha256"):
        digest.update(f"{number}\0{text}\0{sha}\0".encode())
    return digest.hexdigest()


# What a share link offers (the shared page's one download button): a share token opens no other
# format, so whoever holds the link cannot have the owner's ZIP or print-on-demand files built.
SHARED_FORMATS = frozenset({Export.Format.PRINT})


def book_for_download(*, user, book_id, share_token: str | None = None, format: str = "") -> Book | None:
    """The book if ``user`` owns it, or if ``share_token`` is a valid share of it and ``format`` is
    one a share offers (``SHARED_FORMATS``); else None.

    Every download door, web and API, comes through here, so the token's expiry and
    revocation are checked once, in ``books.sharing.share_link_open``.
    """
    book = Book.objects.visible_to(user).select_related("style", "owner").filter(id=book_id).first()
    if book is None and share_token and format in SHARED_FORMATS:
        book = _shared_book(book_id=book_id, token=share_token)
    return book


def _shared_book(*, book_id, token: str) -> Book | None:
    try:
        link = share_link_open(token=token)
    except (ShareLink.DoesNotExist, ShareGone):
        return None
    return link.book if str(link.book_id) == str(book_id) else None


def export_download_url(export: Export) -> str:
    url = reverse("exports:file", args=[export.book_id, export.format])
    query = {}
    if export.paper:
        query["paper"] = export.paper
    if export.format in SIDED_FORMATS:
        query["single_sided"] = "1" if export.single_sided else "0"
    return f"{url}?{urlencode(query)}" if query else url


def current_exports(book: Book, content_hash: str) -> list[Export]:
    return list(Export.objects.current(book=book, content_hash=content_hash)[:PANEL_LIMIT])


def export_snapshot(export: Export) -> dict[str, Any]:
    return {
        "id": str(export.id),
        "format": export.format,
        "format_display": str(export.get_format_display()),
        "paper": export.paper,
        "single_sided": export.single_sided,
        "status": export.status,
        "progress": export.progress,
        "error": export.error_message,
        "size_bytes": export.size_bytes,
        "download_url": export_download_url(export) if export.is_ready else None,
    }


def exports_snapshot(book: Book) -> list[dict[str, Any]]:
    """The book's most recent files, for the live progress message."""
    return [export_snapshot(export) for export in book.exports.all()[:PANEL_LIMIT]]


def panel_context(*, book: Book, user) -> dict[str, Any]:
    """What the book page's download panel shows: the choices and the files made so far."""
    exports = current_exports(book, book_content_hash(book=book))
    for export in exports:
        export.download_url = export_download_url(export)
    paper = getattr(user, "paper_size", "") or PAPERS[0]
    return {
        "book": book,
        "exports": exports,
        "building": any(export.is_active for export in exports),
        "paper": paper,
        "papers": PAPER_CHOICES,
        "kdp_formats": [(fmt.value, fmt.label) for fmt in (Export.Format.KDP, Export.Format.KDP_COVER)],
    }
