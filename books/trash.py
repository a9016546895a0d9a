"""The trash: a deleted book waits here for a while, can come back, and is then deleted for good.

Deleting for good removes the book's rows and every file made for it (pages, thumbnails,
cover, exports). The files go once the transaction has committed, so a rollback never
leaves a book whose pictures are missing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import posixpath
from datetime import datetime, timedelta

from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import AuditAction, audit_record
from books.errors import InvalidTransition
from books.models import Book, GenerationJob, ShareLink
from exports.models import Export

logger = logging.getLogger(__name__)

TRASH_RETENTION = timedelta(days=30)


def trash_purge_date(book: Book) -> datetime | None:
    """When a book in the trash will be deleted for good."""
    return book.deleted_at + TRASH_RETENTION if book.deleted_at else None


@transaction.atomic
def book_trash(*, book: Book) -> Book:
    """Move a book to the trash; it leaves the library and its share links end for good.

    The links are revoked, not just hidden while the book is in the trash: a parent who restores
    the book has not asked to publish it again, so the people holding old links stay out.
    """
    book = Book.objects.select_for_update().get(pk=book.pk)
    if book.deleted_at:
        return book
    if book.is_in_progress:
        raise InvalidTransition(_("This book is still being drawn. You can delete it once it is ready."))
    book.deleted_at = timezone.now()
    Book.objects.filter(pk=book.pk).update(deleted_at=book.deleted_at)
    ShareLink.objects.filter(book=book).active(now=book.deleted_at).update(revoked_at=book.deleted_at)
    return book


@transaction.atomic
def book_restore(*, book: Book) -> Book:
    """Bring a book back from the trash, as it was, except for its share links (they stay revoked)."""
    Book.objects.filter(pk=book.pk).update(deleted_at=None)
    book.deleted_at = None
    return book


@transaction.atomic
def book_delete_forever(*, book: Book) -> None:
    """Delete a book in the trash and all its files now."""
    book = Book.objects.select_for_update().get(pk=book.pk)
    if not book.deleted_at:
        raise InvalidTransition(_("Move the book to the trash first."))
    _book_destroy(book)


def books_trash_due(*, now: datetime | None = None, batch: int = 500) -> list:
    """Ids of books whose time in the trash is over."""
    cutoff = (now or timezone.now()) - TRASH_RETENTION
    with transaction.atomic():
        return list(
            Book.objects.filter(deleted_at__lt=cutoff)
            .select_for_update(skip_locked=True)  # another purge run is deleting these
            .order_by("deleted_at")
            .values_list("id", flat=True)[:batch]
        )


@transaction.atomic
def book_purge(*, book_id, now: datetime | None = None) -> bool:
    """Delete one book whose time in the trash is over. Safe to run twice; False if nothing was due."""
    cutoff = (now or timezone.now()) - TRASH_RETENTION
    book = Book.objects.select_for_update(skip_locked=True).filter(id=book_id, deleted_at__lt=cutoff).first()
    if book is None:
        return False  # restored, already deleted, or another worker has it
    audit_record(AuditAction.BOOK_PURGED, target=book, details={"automatic": True})
    _book_destroy(book)
    return True


def _book_destroy(book: Book) -> None:
    book_id, files = book.pk, book_files(book)
    # The generation requests made today still count against the quota without the book.
    GenerationJob.objects.filter(book=book).update(book=None)
    book.delete()
    transaction.on_commit(lambda: storage_files_delete(files, folders_named={str(book_id)}))
    logger.info("book.deleted %s (%s files)", book_id, len(files))


def book_files(book: Book) -> list[tuple[Storage, str]]:
    """Every file made for the book, plus whatever else is in its folders (older pictures, thumbnails)."""
    storage = book.cover_image.storage
    files = [(storage, book.cover_image.name)] if book.cover_image else []
    for image, thumbnail in book.pages.values_list("image", "thumbnail"):
        files += [(storage, name) for name in (image, thumbnail) if name]
    export_storage = Export._meta.get_field("file").storage
    files += [(export_storage, name) for name in book.exports.values_list("file", flat=True) if name]
    # Only folders named after the book: they hold nothing of anyone else's.
    folders = {(storage, posixpath.dirname(name)) for storage, name in files}
    for storage, folder in folders:
        if posixpath.basename(folder) == str(book.pk):
            files += storage_folder_files(storage, folder)
    return list(dict.fromkeys(files))


def storage_folder_files(storage: Storage, folder: str) -> list[tuple[Storage, str]]:
    """The files directly in ``folder`` of ``storage`` (none when it does not exist)."""
    try:
        _dirs, names = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return []
    return [(storage, f"{folder}/{name}") for name in names]


def storage_files_delete(files: list[tuple[Storage, str]], *, folders_named: set[str] = frozenset()) -> None:
    """Delete the files, then the folders they were in that are named after one of ``folders_named``
    (a book's or a user's id, so they held nothing of anyone else's) once they are empty."""
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception:  # a file left behind must not undo the deletion the parent asked for
            logger.exception("could not delete %s", name)
    folders = {(storage, posixpath.dirname(name)) for storage, name in files}
    for storage, folder in folders:
        if posixpath.basename(folder) in folders_named:
            storage_folder_remove_if_empty(storage, folder)


def storage_folder_remove_if_empty(storage: Storage, folder: str) -> None:
    """Local disk keeps empty folders (named after ids); object stores (S3) have none to remove."""
    try:
        path = storage.path(folder)
    except NotImplementedError:
        return
    with contextlib.suppress(OSError):  # not empty (written since), or already gone
        os.rmdir(path)
