"""Live progress: the database row is the truth, the socket is a live view of it.

Workers only say "this book changed"; each open socket then reads a fresh
snapshot, so a lost or reordered message can never show a wrong state.
"""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from books.admission import Admission, book_admission
from books.models import Book, Page
from exports.selectors import exports_snapshot

# The ASGI server's event loop. The in-memory layer's queues belong to it, so
# worker threads must hand their messages to that loop rather than make their own.
_server_loop: asyncio.AbstractEventLoop | None = None


def group_name(book_id) -> str:
    return f"book-progress-{book_id}"


def remember_server_loop() -> None:
    global _server_loop
    _server_loop = asyncio.get_running_loop()


def progress_notify(book_id) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "book.progress"}
    if not isinstance(layer, InMemoryChannelLayer):
        async_to_sync(layer.group_send)(group_name(book_id), message)
        return
    loop = _server_loop
    if loop is None or loop.is_closed():
        return  # nobody in this process is watching
    asyncio.run_coroutine_threadsafe(layer.group_send(group_name(book_id), message), loop)


def progress_snapshot(book: Book, *, pages: list[Page] | None = None) -> dict[str, Any]:
    """The book's progress; ``pages`` (in order) when the caller has already loaded them."""
    if pages is None:
        # "book" too: the related manager reads each row's book_id, a query per page when deferred.
        pages = book.pages.order_by("number").only("book", "number", "status", "error_message")
    pages = [
        {
            "number": page.number,
            "status": page.status,
            "thumbnail_url": reverse("books:page_thumbnail", args=[book.id, page.number])
            if page.status == page.Status.DONE
            else None,
            "error": page.error_message if page.status == page.Status.FAILED else "",
        }
        for page in pages
    ]
    admission = book_admission(book)
    return {
        "id": str(book.id),
        "title": book.display_title,
        "status": book.status,
        "status_display": str(book.get_status_display()),
        "progress": book.progress,
        "message": admission_message(admission) if admission.waiting else book.status_message,
        "queue_position": admission.ahead + 1 if admission.waiting else 0,
        "estimated_start": _iso(admission.estimated_start),
        "estimated_ready": _iso(admission.estimated_ready),
        "error": book.error_message,
        "num_pages": book.num_pages,
        "pages_done": sum(1 for page in pages if page["status"] == "done"),
        "pages": pages,
        "pdf_url": reverse("books:download", args=[book.id])
        if book.status == Book.Status.GENERATED
        else None,
        # The book's files (print, screen, ZIP, KDP) and how far along each one is.
        "exports": exports_snapshot(book),
    }


def admission_message(admission: Admission) -> str:
    """ "3 books ahead of yours — starts in ~40 s", in the reader's language."""
    wait = _duration((admission.estimated_start or timezone.now()) - timezone.now())
    if not admission.ahead:
        return _("Yours is next — starts in ~%(wait)s") % {"wait": wait}
    return ngettext(
        "%(count)d book ahead of yours — starts in ~%(wait)s",
        "%(count)d books ahead of yours — starts in ~%(wait)s",
        admission.ahead,
    ) % {"count": admission.ahead, "wait": wait}


def _duration(delta) -> str:
    seconds = max(0, round(delta.total_seconds()))
    if seconds < 90:
        return _("%(seconds)d s") % {"seconds": max(5, 5 * round(seconds / 5))}
    return _("%(minutes)d min") % {"minutes": round(seconds / 60)}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None
