"""Recovery: one resume for work a lost worker or message left behind, one watchdog for time.

``books_resume`` is run by ``manage.py resume_generations`` (the operator, after an outage),
by ``serve`` at start-up in embedded mode (the memory broker lost everything) and every two
minutes by the ``books_resume_stuck`` periodic task. Re-queuing is always safe: every step
claims its work with a conditional update, so a page queued twice is drawn once.

``books_fail_overdue`` (the ``books_watchdog`` periodic task) fails a book that is not done
in time and gives its request back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import DateTimeField, Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from books.generation import states
from books.generation.dispatch import enqueue_assembly, enqueue_pages, enqueue_story
from books.generation.failures import TIMED_OUT_BOOK, book_fail
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
    lost_before: datetime | None = None  # a page claimed before this has no worker left drawing it

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


def books_stuck(
    *, stale_after: timedelta, now: datetime | None = None, trust_stale: bool = False
) -> list[StuckBook]:
    """Books queued or generating with no sign of progress for ``stale_after``, oldest first.

    A page claimed longer ago than the hard time limit is lost, and holds its book back however
    much else moved since. ``trust_stale``: the caller knows the workers of that time are gone
    (an operator after an outage, ``serve`` at start-up), so a page claimed more than
    ``stale_after`` ago is taken to be lost instead.
    """
    now = now or timezone.now()
    lost = now - stale_after if trust_stale else _lost_since(now)
    books = (
        Book.objects.in_progress()
        .filter(deleted_at__isnull=True)
        .exclude(status=Book.Status.QUEUED, admitted_at__isnull=True)  # waiting in line, not stuck
        .annotate(last_activity=_last_activity(), has_lost_page=Exists(_lost_pages(lost)))
        # A page whose worker is gone holds its book back, however much else moved since.
        .filter(Q(last_activity__lte=now - stale_after) | Q(has_lost_page=True))
        .select_related("owner")
        .order_by("last_activity")
    )
    return [_plan(book, lost=lost) for book in books]


def _lost_pages(lost: datetime):
    return Page.objects.filter(book=OuterRef("pk"), status=Page.Status.RUNNING, started_at__lt=lost)


def _lost_since(now: datetime) -> datetime:
    # A page claimed longer ago than the hard task time limit has no worker left drawing it.
    return now - timedelta(seconds=settings.PICTURE_TASK_TIME_LIMIT)


def _plan(book: Book, *, lost: datetime) -> StuckBook:
    pages = list(book.pages.values_list("number", "status", "started_at"))
    if book.status == Book.Status.QUEUED or not pages:
        return StuckBook(book=book, story=True)
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
        lost_before=lost,
    )


def books_resume(
    *, stale_after: timedelta, dry_run: bool = False, restart_clock: bool = True
) -> list[StuckBook]:
    """Re-queue what books with no progress for ``stale_after`` are missing, book by book.

    ``restart_clock`` is the operator's resume after an outage (and ``serve``'s at start-up):
    resumed books get a fresh generation deadline and an assembly a worker claimed is taken
    back. The periodic run does neither, so it never races an assembly still running, and a
    book that keeps getting stuck is still failed by the watchdog and its request given back.
    """
    stuck = books_stuck(stale_after=stale_after, trust_stale=restart_clock)
    if not restart_clock:
        stuck = [item for item in stuck if not item.assembly_started]
    if dry_run:
        return stuck
    for item in stuck:
        if item.requeues:
            _resume(item, restart_clock=restart_clock)
    return stuck


def _resume(item: StuckBook, *, restart_clock: bool) -> None:
    book = item.book
    if restart_clock:
        # The operator's fresh deadline: the clock starts again with the next page claimed.
        Book.objects.filter(id=book.id).in_progress().update(drawing_started_at=None)
    if item.story:
        enqueue_story(book.id)
        return
    states.page_move(
        # Claimed again since the plan was made: a live worker has it now.
        Page.objects.filter(book=book, number__in=item.pages, started_at__lt=item.lost_before),
        source=Page.Status.RUNNING,
        to=Page.Status.PENDING,
    )
    book_continue(book)
    logger.info("book.resumed %s: %s", book.id, item.describe())


def book_continue(book: Book) -> None:
    """Queue the pages still waiting to be drawn (and the cover), or the assembly when none are."""
    pending = list(book.pages.filter(status=Page.Status.PENDING).values_list("id", flat=True))
    if pending:
        enqueue_pages(pending, cover_of=None if book.cover_image else book.id)
    elif not book.pages.exclude(status=Page.Status.DONE).exists():
        GenerationJob.objects.filter(book=book, step=GenerationJob.Step.ASSEMBLING).update(
            step=GenerationJob.Step.PAGES
        )
        enqueue_assembly(book.id)


def books_fail_overdue() -> int:
    """The watchdog: stop books drawing for longer than the deadline allows, keeping their pages.

    The clock starts when the first page is claimed: a book waiting in line, or for its story,
    is never failed for time (a lost story task is the resume's business).
    """
    limit = timezone.now() - timedelta(seconds=settings.BOOK_GENERATION_DEADLINE)
    overdue = Book.objects.in_progress().filter(drawing_started_at__lt=limit)
    message = TIMED_OUT_BOOK
    return sum(
        book_fail(book_id=book_id, message=message) for book_id in overdue.values_list("id", flat=True)
    )
