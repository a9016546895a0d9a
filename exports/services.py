"""Building, caching, downloading and expiring the files a family downloads.

An export is keyed by the book's content hash plus the format and its options: asking again
for the same thing returns the same row (and file) without building anything; editing the
book changes the hash, so the next request builds a fresh file.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from books.models import Book
from books.progress import progress_notify
from exports import renderers
from exports.errors import BookChanged, BookNotReady, ExportTooLarge
from exports.models import Export
from exports.options import FILE_TYPES, ExportOptions, export_options
from exports.selectors import book_content_hash
from fabrica.errors import ApplicationError
from fabrica.tracing import span
from gamification.services import on_pdf_downloaded
from webhooks.events import event_emit

logger = logging.getLogger(__name__)

UNEXPECTED_ERROR = _lazy("Something went wrong on our side while making this file. Please try again.")


def export_options_for(
    *, book: Book, format: str, paper: str | None, single_sided: bool | None
) -> ExportOptions:
    return export_options(
        format=format, paper=paper, single_sided=single_sided, default_paper=book.owner.paper_size
    )


def export_request(
    *, book: Book, format: str, paper: str | None = None, single_sided: bool | None = None
) -> Export:
    """The export for the book as it is now: cached, being built, or queued for building here."""
    options = export_options_for(book=book, format=format, paper=paper, single_sided=single_sided)
    if book.status != Book.Status.GENERATED:
        raise BookNotReady(
            _("This book is still being made (%(status)s). Its files can be downloaded once it is ready.")
            % {"status": book.get_status_display()},
            details={"status": book.status},
        )
    export = _export_row(book=book, options=options)
    if _needs_build(export):
        _export_queue(export)
    return export


def export_print_pdf(*, book: Book, paper: str = "a4") -> Export:
    """Build the print PDF now, in this process (the last step of making a book)."""
    options = export_options_for(book=book, format=Export.Format.PRINT, paper=paper, single_sided=False)
    export = _export_row(book=book, options=options)
    if export.is_ready:
        return export
    Export.objects.filter(id=export.id).exclude(status=Export.Status.BUILDING).update(
        status=Export.Status.PENDING
    )
    try:
        with span("pdf.build", export_format=options.format, export_paper=options.paper):
            export_build(export_id=export.id)
    except ApplicationError as exc:
        export_fail(export_id=export.id, message=exc.message)
        raise
    export.refresh_from_db()
    return export


def _export_row(*, book: Book, options: ExportOptions) -> Export:
    key = {
        "book": book,
        "format": options.format,
        "paper": options.paper,
        "single_sided": options.single_sided,
        "content_hash": book_content_hash(book=book),
    }
    try:
        with transaction.atomic():
            export, _created = Export.objects.get_or_create(**key, defaults={"expires_at": _expiry()})
    except IntegrityError:  # another request created it first
        export = Export.objects.get(**key)
    return export


def _needs_build(export: Export) -> bool:
    stale = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    if export.status == Export.Status.BUILDING:
        return bool(export.started_at and export.started_at < stale)  # its worker was lost
    if export.status == Export.Status.READY:
        return bool(export.expires_at and export.expires_at < timezone.now())
    return True  # pending (perhaps never queued) or failed: try again


def _export_queue(export: Export) -> None:
    # Only if the row is as we read it: a worker may have claimed it since.
    queued = Export.objects.filter(id=export.id, status=export.status, started_at=export.started_at).update(
        status=Export.Status.PENDING, progress=0, error_message="", expires_at=_expiry()
    )
    if not queued:
        export.refresh_from_db()
        return
    export.status, export.progress, export.error_message = Export.Status.PENDING, 0, ""
    from exports.tasks import export_build as build_task

    transaction.on_commit(lambda: build_task.delay(str(export.id)))
    transaction.on_commit(lambda: progress_notify(export.book_id))


def export_build(*, export_id) -> Export | None:
    """Build one export's file. Safe to run twice: only one run claims the row."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimed = (
        Export.objects.filter(id=export_id)
        .filter(Q(status=Export.Status.PENDING) | Q(status=Export.Status.BUILDING, started_at__lt=stale))
        .update(status=Export.Status.BUILDING, started_at=now, progress=0)
    )
    if not claimed:
        return None  # built, being built, or failed for good
    export = Export.objects.select_related("book__style", "book__owner").get(id=export_id)
    book = export.book
    if book_content_hash(book=book) != export.content_hash:
        raise BookChanged(_("The book changed while this file was being made. Please ask for it again."))
    progress_notify(book.id)
    data = renderers.render_export(book=book, options=_options(export), progress=_progress_reporter(export))
    if len(data) > settings.EXPORT_MAX_BYTES:
        raise ExportTooLarge(
            _("This file would be %(size)s MB, over the %(limit)s MB limit. Try a book with fewer pages.")
            % {"size": _megabytes(len(data)), "limit": _megabytes(settings.EXPORT_MAX_BYTES)},
            details={"size_bytes": len(data), "limit_bytes": settings.EXPORT_MAX_BYTES},
        )
    return _export_save(export=export, data=data)


def _options(export: Export) -> ExportOptions:
    return ExportOptions(format=export.format, paper=export.paper, single_sided=export.single_sided)


def _progress_reporter(export: Export):
    last = [0]

    def report(done: int, total: int) -> None:
        percent = min(99, done * 100 // max(total, 1))
        if percent - last[0] >= 10:  # a few updates per file, not one per page
            last[0] = percent
            Export.objects.filter(id=export.id, status=Export.Status.BUILDING).update(progress=percent)
            progress_notify(export.book_id)

    return report


def _export_save(*, export: Export, data: bytes) -> Export:
    if export.file:
        export.file.delete(save=False)  # an expired copy being rebuilt
    # exports/<book>/<export>.pdf: unguessable; the download view gives the file its readable name.
    name = f"{export.book_id}/{export.id}.{FILE_TYPES[export.format][1]}"
    export.file.save(name, ContentFile(data), save=False)
    now = timezone.now()
    Export.objects.filter(id=export.id).update(
        file=export.file.name,
        size_bytes=len(data),
        status=Export.Status.READY,
        progress=100,
        error_message="",
        generated_at=now,
        expires_at=_expiry(now),
    )
    export.refresh_from_db()
    logger.info("export.ready %s %s (%s bytes)", export.format, export.id, export.size_bytes)
    event_emit(type="export.ready", resource_id=export.id)
    transaction.on_commit(lambda: progress_notify(export.book_id))
    return export


def export_fail(*, export_id, message: str) -> None:
    """Stop a build with a message for the parent; asking again retries it."""
    updated = (
        Export.objects.filter(id=export_id)
        .exclude(status=Export.Status.READY)
        .update(status=Export.Status.FAILED, error_message=str(message)[:300], progress=0)
    )
    if updated:
        book_id = Export.objects.filter(id=export_id).values_list("book_id", flat=True).first()
        progress_notify(book_id)


def export_register_download(*, export: Export) -> None:
    """Count the download; files in use stay around for another full period."""
    now = timezone.now()
    Export.objects.filter(id=export.id).update(
        download_count=F("download_count") + 1, last_downloaded_at=now, expires_at=_expiry(now)
    )
    on_pdf_downloaded(user=export.book.owner, export=export)


def exports_delete_expired(*, now: datetime | None = None, batch: int = 200) -> int:
    """Delete expired files and their rows, a batch at a time; returns how many went."""
    deleted = 0
    building = Q(status=Export.Status.BUILDING, started_at__gte=timezone.now() - timedelta(hours=1))
    while True:
        with transaction.atomic():
            rows = list(
                Export.objects.expired(now)
                .exclude(building)  # a worker is writing it right now
                .select_for_update(skip_locked=True)
                .order_by("expires_at")
                .only("id", "file")[:batch]
            )
            for export in rows:
                if export.file:
                    export.file.delete(save=False)
            Export.objects.filter(id__in=[export.id for export in rows]).delete()
        deleted += len(rows)
        if len(rows) < batch:
            return deleted


def _expiry(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=settings.EXPORT_TTL_DAYS)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"
