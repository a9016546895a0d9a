"""Files left by books that no longer exist, for ``cleanup``.

A book's files are deleted with it, but a task that was drawing a page, the cover or a PDF
when the book (or its account) went can write after that deletion. Every book keeps its
files in folders named after its id; a folder whose id matches no book is an orphan.
"""

from __future__ import annotations

import posixpath
import uuid
from datetime import datetime, timedelta

from django.core.files.storage import Storage, default_storage
from django.utils import timezone

from books.models import Book
from books.trash import storage_files_delete, storage_folder_files
from exports.models import Export

# A file this young may belong to a task still saving it; the next daily run takes it.
ORPHAN_GRACE = timedelta(hours=1)
# A provider's picture waits here for its line art (books/generation/pages.py) for seconds or
# minutes; one older than the grace period lost its finishing task, whatever its book.
RAW_ROOT = "raw"
_SAMPLE_ID = "00000000-0000-0000-0000-000000000000"


def book_folders_roots() -> list[tuple[Storage, str]]:
    """Where the per-book folders live: the pictures' (``books/books/<id>``) and the built files'
    (``exports/<id>``), as the file fields name them."""
    roots = []
    for field, sample in (
        (Book._meta.get_field("cover_image"), f"books/{_SAMPLE_ID}/cover.png"),
        (Export._meta.get_field("file"), f"{_SAMPLE_ID}/file.pdf"),
    ):
        folder = posixpath.dirname(field.generate_filename(None, sample))
        roots.append((field.storage, posixpath.dirname(folder)))
    return roots


def orphaned_book_files_delete(*, dry_run: bool = False, now: datetime | None = None) -> int:
    """Delete the files in folders named after books that do not exist; returns how many."""
    cutoff = (now or timezone.now()) - ORPHAN_GRACE
    count = 0
    for storage, root in book_folders_roots():
        for folder in _orphan_folders(storage, root):
            files = [item for item in storage_folder_files(storage, folder) if _older(item, cutoff)]
            count += len(files)
            if not dry_run:
                storage_files_delete(files, folders_named={posixpath.basename(folder)})
    return count + _stale_raw_pictures_delete(cutoff=cutoff, dry_run=dry_run)


def _stale_raw_pictures_delete(*, cutoff: datetime, dry_run: bool) -> int:
    try:
        folders, _files = default_storage.listdir(RAW_ROOT)
    except (FileNotFoundError, NotImplementedError):
        return 0
    count = 0
    for name in folders:
        folder = f"{RAW_ROOT}/{name}"
        files = [item for item in storage_folder_files(default_storage, folder) if _older(item, cutoff)]
        count += len(files)
        if not dry_run:
            storage_files_delete(files, folders_named={name})
    return count


def _orphan_folders(storage: Storage, root: str) -> list[str]:
    try:
        folders, _files = storage.listdir(root)
    except (FileNotFoundError, NotImplementedError):
        return []
    ids = {name: _uuid(name) for name in folders}
    ids = {name: value for name, value in ids.items() if value is not None}
    values, existing = list(ids.values()), set()
    for start in range(0, len(values), 1000):
        chunk = Book.objects.filter(id__in=values[start : start + 1000]).values_list("id", flat=True)
        existing |= {str(pk) for pk in chunk}
    return [f"{root}/{name}" for name, value in ids.items() if str(value) not in existing]


def _uuid(name: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(name)
    except ValueError:
        return None  # not a book's folder (styles, data exports, anything else): never touched


def _older(item: tuple[Storage, str], cutoff: datetime) -> bool:
    storage, name = item
    try:
        return storage.get_modified_time(name) < cutoff
    except (NotImplementedError, FileNotFoundError):
        return True
