"""The admission queue: which books start drawing now, and when the others will.

Books are admitted in the order they were asked for. A book is admitted while every picture
already admitted, plus its own, can be drawn within the drawing deadline at the image
provider's capacity (its limit on calls in flight × the time a picture takes lately), and while
fewer books are drawing than the provider has slots, so each admitted book gets its first
picture early. The deadline (``BOOK_GENERATION_DEADLINE``) counts from the start of drawing, so
a book kept here never fails for waiting; one admitted too early would spend its deadline in
the provider's line instead.

A waiting book is ``queued`` with no ``admitted_at``; ``books_admit()`` admits what fits and
queues the story of each admitted book. It runs after each new book or retry, when a book ends,
and periodically (a lost wake-up only delays a book, never loses it). Position and estimates are
computed from the rows on every read, so the page, the API and the socket always agree.
"""

from __future__ import annotations

import logging
import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from ai.capacity import provider_limit
from ai.models import AICall, Capability
from ai.services import provider_chain
from books.models import Book, GenerationJob, Page
from fabrica.tracing import book_context

logger = logging.getLogger(__name__)

# Of the deadline, the share admitted work may take at the provider's pace: the rest is margin
# for retries, the story and the PDF.
DEADLINE_SHARE = 0.8
# Without recent calls to go by: what a picture and a story take at a real provider.
DEFAULT_PICTURE_SECONDS = 15.0
DEFAULT_STORY_SECONDS = 10.0
RECENT_CALLS = 200
RECENT_WINDOW = timedelta(minutes=30)
# How long a newly admitted book's first picture holds back the further pictures of the others.
FIRST_PICTURE_WINDOW = timedelta(seconds=60)


@dataclass(frozen=True)
class Admission:
    """Where a book stands: ``ahead`` books wait before it (0 once admitted)."""

    waiting: bool
    ahead: int
    estimated_start: datetime | None
    estimated_ready: datetime | None


@dataclass(frozen=True)
class _Pace:
    slots: int
    picture_seconds: float
    story_seconds: float

    @property
    def budget(self) -> int:
        """Pictures that admitted books may have outstanding at once."""
        rounds = max(1, int(settings.BOOK_GENERATION_DEADLINE * DEADLINE_SHARE // self.picture_seconds))
        return self.slots * rounds

    def seconds_for(self, pictures: int) -> float:
        return math.ceil(max(pictures, 0) / self.slots) * self.picture_seconds


def books_admit_on_commit() -> None:
    """Admit what fits once this transaction commits: a book was asked for, or one ended."""
    transaction.on_commit(_admit_quietly)


def _admit_quietly() -> None:
    from books.generation.dispatch import INFRASTRUCTURE_ERRORS  # dispatch reads progress, which reads us

    try:
        books_admit()
    except INFRASTRUCTURE_ERRORS as exc:  # the periodic admission runs again soon
        logger.warning("admission postponed by an outage: %r", exc)


def books_admit() -> list[Book]:
    """Admit the waiting books that fit, oldest first, and queue their stories after commit."""
    with transaction.atomic():
        # Admitters take turns: the waiting rows are locked, so two admitters never count the
        # same free capacity twice.
        # Always in the same order, so two admitters wait for each other instead of deadlocking.
        locked = list(
            _waiting().select_for_update().order_by("created_at", "id").values_list("id", flat=True)
        )
        if not locked:
            return []
        pace = _pace()
        outstanding, drawing = _admitted_load()
        admitted = []
        for book, need in _with_pictures_left(_waiting().filter(id__in=locked)):
            if drawing and (outstanding + need > pace.budget or drawing >= pace.slots):
                break  # first come, first served: nobody jumps a book that does not fit yet
            admitted.append(book)
            outstanding, drawing = outstanding + need, drawing + 1
        if admitted:
            Book.objects.filter(id__in=[book.id for book in admitted]).update(admitted_at=timezone.now())
            for book in admitted:
                transaction.on_commit(lambda book=book: _book_start(book))
    return admitted


def _book_start(book: Book) -> None:
    from books.generation.dispatch import FIRST_PICTURE_PRIORITY
    from books.tasks import book_write_story

    with book_context(book.id):  # the book's trace goes on from the request that asked for it
        # Before further pages of the books under way: a story leads to a first picture.
        result = book_write_story.apply_async((str(book.id),), priority=FIRST_PICTURE_PRIORITY)
    job = GenerationJob.objects.filter(book=book, kind=GenerationJob.Kind.BOOK).order_by("-id").first()
    if job is not None:
        GenerationJob.objects.filter(id=job.id).update(celery_task_id=result.id or "")


def book_admission(book: Book) -> Admission:
    """The book's place in line and when it should start and be ready."""
    if book.status not in (Book.Status.QUEUED, Book.Status.GENERATING):
        return Admission(waiting=False, ahead=0, estimated_start=None, estimated_ready=None)
    pace = _pace()
    now = timezone.now()
    need = _pictures_left(book)
    if book.admitted_at is not None:
        before, _drawing = _admitted_load(before=book)
        ready = now + timedelta(seconds=_story_left(book, pace) + pace.seconds_for(before + need))
        return Admission(waiting=False, ahead=0, estimated_start=None, estimated_ready=ready)
    ahead = _with_pictures_left(_waiting().filter(_earlier_than(book)))
    outstanding, _drawing = _admitted_load()
    line = outstanding + sum(left for _book, left in ahead)
    # It starts once the pictures ahead of it have shrunk to what leaves room for its own.
    start = now + timedelta(seconds=pace.seconds_for(line + need - pace.budget))
    drawn_before = min(line, pace.budget - need) if need < pace.budget else 0
    ready = start + timedelta(seconds=pace.story_seconds + pace.seconds_for(drawn_before + need))
    return Admission(waiting=True, ahead=len(ahead), estimated_start=start, estimated_ready=ready)


def picture_may_start(*, book_id) -> bool:
    """Whether a picture of this book may be drawn now, or should let first pictures go first.

    A book's first picture always may. Its further pictures wait while another book admitted in
    the last ``FIRST_PICTURE_WINDOW`` has none drawn or drawing yet (its story may still be
    being written), so every parent sees their book start before anyone's fourth page. The
    window bounds what a story that never comes can hold up.
    """
    started = Page.objects.filter(book_id=book_id, status__in=[Page.Status.DONE, Page.Status.RUNNING])
    if not started.exists():
        return True
    waiting_for_first = (
        Book.objects.filter(
            status__in=[Book.Status.QUEUED, Book.Status.GENERATING],
            admitted_at__gte=timezone.now() - FIRST_PICTURE_WINDOW,
            deleted_at__isnull=True,
        )
        .exclude(id=book_id)
        .exclude(pages__status__in=[Page.Status.DONE, Page.Status.RUNNING])
    )
    return not waiting_for_first.exists()


def admission_waiting_count() -> int:
    return _waiting().count()


# --- reading the rows ----------------------------------------------------------------------------


def _waiting():
    return Book.objects.filter(status=Book.Status.QUEUED, admitted_at__isnull=True, deleted_at__isnull=True)


def _earlier_than(book: Book) -> Q:
    return Q(created_at__lt=book.created_at) | Q(created_at=book.created_at, id__lt=book.id)


def _with_pictures_left(books) -> list[tuple[Book, int]]:
    """Each book, oldest first, with the pictures it still needs (its pages and its cover)."""
    rows = books.annotate(done=Count("pages", filter=Q(pages__status=Page.Status.DONE))).order_by(
        "created_at", "id"
    )
    return [(book, book.num_pages - book.done + (0 if book.cover_image else 1)) for book in rows]


def _admitted_load(*, before: Book | None = None) -> tuple[int, int]:
    """Pictures still to draw for the admitted books (those admitted before ``before``), and
    how many books that is."""
    books = Book.objects.filter(
        status__in=[Book.Status.QUEUED, Book.Status.GENERATING], admitted_at__isnull=False
    )
    if before is not None:
        books = books.filter(_admitted_before(before))
    rows = _with_pictures_left(books)
    return sum(left for _book, left in rows), len(rows)


def _admitted_before(book: Book) -> Q:
    return Q(admitted_at__lt=book.admitted_at) | Q(admitted_at=book.admitted_at, id__lt=book.id)


def _pictures_left(book: Book) -> int:
    ((_book, left),) = _with_pictures_left(Book.objects.filter(id=book.id))
    return left


def _story_left(book: Book, pace: _Pace) -> float:
    return 0.0 if book.pages.exists() else pace.story_seconds


def _pace() -> _Pace:
    chain = provider_chain("image")
    slots = provider_limit(provider=chain[0].name) if chain else 1
    return _Pace(
        slots=max(1, slots),
        picture_seconds=_recent_seconds(Capability.IMAGE, DEFAULT_PICTURE_SECONDS),
        story_seconds=_recent_seconds(Capability.TEXT, DEFAULT_STORY_SECONDS),
    )


def _recent_seconds(capability: str, default: float) -> float:
    """The median time of the latest successful calls: what the provider takes these days."""
    latencies = list(
        AICall.objects.filter(
            capability=capability,
            outcome=AICall.Outcome.OK,
            created_at__gte=timezone.now() - RECENT_WINDOW,
        )
        .order_by("-created_at")
        .values_list("latency_ms", flat=True)[:RECENT_CALLS]
    )
    if not latencies:
        return default
    return max(statistics.median(latencies) / 1000, 0.05)
