"""Operations on books as a whole: resume generations a lost worker left behind.

Used by ``manage.py resume_generations`` and by the periodic ``books_resume_stuck`` task.
Re-queuing is always safe: every step claims its work with a conditional update, so a
page queued twice is drawn once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import DateTimeField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from books.models import Book, GenerationJob, Page

logger = logging.getLogger(__name__)

# The periodic resume looks at books with no sign of progress for this long. The watchdog
# (BOOK_GENERATION_DEADLINE) still fails a book that is not done in time, and gives its request back.
STUCK_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class StuckBook:
    """A book in progress with nothing happening, and what resuming it re-queues."""

    book: Book
    story: bool = False
    pages: tuple[int, ...] = ()
    cover: bool = False
    assemble: bool = False
    assembly_started: bool = False  # a worker claimed the assembly; it may still be running

    @property
    def requeues(self) -> bool:
        return self.story or bool(self.pages) or self.assemble

    def describe(self) -> str:
        if self.story:
            return _("the story (then every page)")
        parts = []
        if self.pages:
            numbers = ", ".join(str(number) for number in self.pages)
            parts.append(ngettext("page %(pages)s", "pages %(pages)s", len(self.pages)) % {"pages": numbers})
        if self.cover:
            parts.append(_("the cover"))
        if self.assemble:
            parts.append(_("the assembly of the PDF"))
        return ", ".join(parts) if parts else _("nothing: its last step may still be running")


def _last_activity() -> Greatest:
    """The latest sign of progress: the book made or started, a request made, a page claimed."""
    latest_job = (
        GenerationJob.objects.filter(book=OuterRef("pk")).order_by("-created_at").values("created_at")
    )
    latest_page = (
        Page.objects.filter(book=OuterRef("pk"))
        .values("book")
        .annotate(latest=Max("started_at"))
        .values("latest")
    )
    # Greatest is NULL on SQLite when any argument is, so each falls back to the book's creation.
    return Greatest(
        "created_at",
        Coalesce("generation_started_at", "created_at"),
        Coalesce(Subquery(latest_job[:1], output_field=DateTimeField()), "created_at"),
        Coalesce(Subquery(latest_page, output_field=DateTimeField()), "created_at"),
    )


def books_stuck(*, stale_after: timedelta, now: datetime | None = None) -> list[StuckBook]:
    """Books queued or generating with no sign of progress for ``stale_after``, oldest first."""
    now = now or timezone.now()
    books = (
        Book.objects.in_progress()
        .filter(deleted_at__isnull=True)
        .annotate(last_activity=_last_activity())
        .filter(last_activity__lt=now - stale_after)
        .select_related("owner")
        .order_by("last_activity")
    )
    return [_plan(book, now=now) for book in books]


def _lost_since(now: datetime) -> datetime:
    # A page claimed longer ago than the hard task time limit has no worker left drawing it.
    return now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def _plan(book: Book, *, now: datetime) -> StuckBook:
    pages = list(book.pages.values_list("number", "status", "started_at"))
    if book.status == Book.Status.QUEUED or not pages:
        return StuckBook(book=book, story=True)
    lost = _lost_since(now)
    to_draw = tuple(
        number
        for number, status, started_at in pages
        if status == Page.Status.PENDING
        or (status == Page.Status.RUNNING and started_at and started_at < lost)
    )
    all_done = all(status == Page.Status.DONE for _number, status, _started in pages)
    step = GenerationJob.objects.filter(book=book).order_by("-id").values_list("step", flat=True).first()
    return StuckBook(
        book=book,
        pages=to_draw,
        cover=bool(to_draw) and not book.cover_image,
        assemble=all_done,
        assembly_started=all_done and step == GenerationJob.Step.ASSEMBLING,
    )


def books_resume_stuck(
    *, stale_after: timedelta, dry_run: bool = False, restart_clock: bool = True
) -> list[StuckBook]:
    """Re-queue what stuck books are missing, as ``books_resume`` does after a restart, book by book.

    ``restart_clock`` is the operator's resume after an outage: resumed books get a fresh
    generation deadline and an assembly a worker claimed is taken back. The periodic run does
    neither, so it never races an assembly still running, and a book that keeps getting stuck
    is still failed by the watchdog and its request given back.
    """
    stuck = books_stuck(stale_after=stale_after)
    if not restart_clock:
        stuck = [item for item in stuck if not item.assembly_started]
    if dry_run:
        return stuck
    for item in stuck:
        if item.requeues:
            _resume(item, restart_clock=restart_clock)
    return stuck


def _resume(item: StuckBook, *, restart_clock: bool) -> None:
    # The same steps as generation.books_resume, for one book.
    from books.generation import _book_continue
    from books.tasks import book_write_story

    book = item.book
    now = timezone.now()
    if restart_clock:
        # A queued book too: the watchdog judges it by its age until a worker picks it up.
        Book.objects.filter(id=book.id).in_progress().update(generation_started_at=now)
    if item.story:
        book_write_story.delay(str(book.id))
        return
    Page.objects.filter(
        book=book, number__in=item.pages, status=Page.Status.RUNNING, started_at__lt=_lost_since(now)
    ).update(status=Page.Status.PENDING)
    _book_continue(book)
    logger.info("book.resumed %s: %s", book.id, item.describe())
