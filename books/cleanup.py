"""Deleting what has outlived its use, for ``manage.py cleanup`` and the daily ``cleanup`` task.

Each category reuses the service that owns it (exports, the trash, analytics, personal data
exports) and can be counted without deleting anything (``dry_run``).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from books import trash
from books.models import Book, ShareLink
from books.orphans import orphaned_book_files_delete
from exports.models import Export
from exports.services import exports_delete_expired

logger = logging.getLogger(__name__)

# An ended link still tells whoever opens it that it expired or was stopped, for this long.
SHARE_LINK_KEPT_AFTER_END = timedelta(days=30)
# A build younger than this may still be writing its file (exports_delete_expired skips it too).
EXPORT_BUILD_GRACE = timedelta(hours=1)


@dataclass(frozen=True)
class Swept:
    """One category's result: how many rows went (or would go), or why it was not run."""

    label: str
    count: int | None
    note: str = ""


def share_links_delete_ended(*, dry_run: bool = False, now: datetime | None = None) -> int:
    """Delete links that expired or were stopped more than 30 days ago."""
    cutoff = (now or timezone.now()) - SHARE_LINK_KEPT_AFTER_END
    ended = ShareLink.objects.filter(Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff))
    if dry_run:
        return ended.count()
    with transaction.atomic():
        deleted, _rows = ended.delete()
    return deleted


def exports_delete_old(*, dry_run: bool = False) -> int:
    """Expired export files and their rows (the exports app's own cleanup)."""
    if dry_run:
        building = Q(status=Export.Status.BUILDING, started_at__gte=timezone.now() - EXPORT_BUILD_GRACE)
        return Export.objects.expired().exclude(building).count()
    return exports_delete_expired()


def trash_empty_due(*, dry_run: bool = False) -> int:
    """Books in the trash for more than 30 days, deleted for good with all their files."""
    if dry_run:
        return Book.objects.filter(deleted_at__lt=timezone.now() - trash.TRASH_RETENTION).count()
    purged = 0
    while book_ids := trash.books_trash_due():
        done = sum(trash.book_purge(book_id=book_id) for book_id in book_ids)
        purged += done
        if not done:
            break  # another purge holds the rest; it will finish them
    return purged


def _optional(*paths: str) -> tuple[Callable[..., int] | None, str]:
    """The first of these cleanups another app provides (and its path), or None while none exists."""
    for path in paths:
        module, _dot, name = path.rpartition(".")
        try:
            return getattr(import_module(module), name), path
        except (ImportError, AttributeError):
            continue
    return None, " or ".join(paths)


# Label, and where the owning app's cleanup may live; called with dry_run=... when it takes it.
OPTIONAL_SWEEPS = [
    (_("old analytics events (retention)"), ("analytics.services.analytics_purge",)),
    (_("expired “download my data” files"), ("accounts.privacy.data_exports_cleanup",)),
    (_("webhook deliveries older than 30 days"), ("webhooks.delivery.deliveries_prune",)),
]


def cleanup_run(*, dry_run: bool = False) -> list[Swept]:
    """Run every category; one failing category is reported and does not stop the others."""
    sweeps: list[tuple[str, Callable[..., int] | None, str]] = [
        (_("expired exports"), exports_delete_old, ""),
        (_("share links ended more than 30 days ago"), share_links_delete_ended, ""),
        (_("books in the trash for more than 30 days"), trash_empty_due, ""),
        (_("files of books that no longer exist"), orphaned_book_files_delete, ""),
    ]
    sweeps += [(label, *_optional(*paths)) for label, paths in OPTIONAL_SWEEPS]
    return [_sweep(str(label), function, path, dry_run=dry_run) for label, function, path in sweeps]


def _sweep(label: str, function: Callable[..., int] | None, path: str, *, dry_run: bool) -> Swept:
    if function is None:
        return Swept(label, None, str(_("skipped: %(path)s is not installed") % {"path": path}))
    counts_dry = "dry_run" in inspect.signature(function).parameters
    if dry_run and not counts_dry:
        return Swept(label, None, str(_("not counted: %(path)s has no dry run") % {"path": path}))
    try:
        return Swept(label, function(dry_run=dry_run) if counts_dry else function())
    except Exception:
        logger.exception("cleanup of %s failed", label)
        return Swept(label, None, str(_("failed; see the log")))
