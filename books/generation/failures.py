"""When a step cannot go on: retry the page, or stop the book cleanly and give the request back."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from books.admission import books_admit_on_commit
from books.generation import states
from books.generation.dispatch import enqueue_cover_on_commit, enqueue_pages_on_commit, notify_on_commit
from books.generation.redraw import redraw_fail, redraw_job
from books.models import Book, GenerationJob, Page
from fabrica import metrics
from webhooks.events import event_emit

logger = logging.getLogger(__name__)

MAX_PAGE_ATTEMPTS = 3
UNEXPECTED_ERROR = _lazy(
    "Something went wrong on our side while making this book. It did not count against your quota; "
    "please try again."
)


TIMED_OUT = _lazy("it took longer than allowed")
TIMED_OUT_BOOK = _lazy(
    "Making this book took too long. The pages already drawn are kept: press “Try again” to finish it."
)
STORY_TIMED_OUT = _lazy(
    "Writing the story took longer than allowed. It did not count against your quota; please try again."
)


def book_past_deadline(book: Book) -> bool:
    """Drawing started longer ago than the deadline allows; time spent waiting in line does not count."""
    started = book.drawing_started_at
    return bool(started) and timezone.now() - started > timedelta(seconds=settings.BOOK_GENERATION_DEADLINE)


def page_release_for_retry(*, page_id: int, retries: int) -> bool:
    """Put a page back in the queue after a transient failure; False when it should fail for good."""
    page = Page.objects.select_related("book").get(id=page_id)
    if retries >= MAX_PAGE_ATTEMPTS - 1 or book_past_deadline(page.book):
        return False
    states.page_move(page_id, source=Page.Status.RUNNING, to=Page.Status.PENDING)
    GenerationJob.objects.filter(book_id=page.book_id, status=GenerationJob.Status.RUNNING).update(
        retries=F("retries") + 1
    )
    return True


def page_release_when_busy(*, page_id: int) -> bool:
    """The provider had no room (every slot taken, or cooling down after a 429): nothing was sent,
    so the page goes back to wait its turn without using up one of its attempts."""
    return bool(
        states.page_move(
            Page.objects.filter(id=page_id, attempts__gt=0),
            source=Page.Status.RUNNING,
            to=Page.Status.PENDING,
            attempts=F("attempts") - 1,
        )
    )


def page_timed_out(*, page_id: int) -> None:
    """The page's task ran out of time: the page goes back to be drawn again, recorded as timed out.

    A slow provider or a busy machine is nobody's mistake, so this is not an "unexpected error":
    the page is queued again while it has attempts left and the book has time, else the book
    stops with the pages it has, and “Try again” draws the rest.
    """
    page = Page.objects.select_related("book").get(id=page_id)
    if page.attempts < MAX_PAGE_ATTEMPTS and not book_past_deadline(page.book):
        released = states.page_move(
            page_id, source=Page.Status.RUNNING, to=Page.Status.PENDING, error_message=str(TIMED_OUT)
        )
        if released:
            logger.warning("page %s timed out; queued to be drawn again", page_id)
            enqueue_pages_on_commit([page_id])
        return
    page_fail(page_id=page_id, message=TIMED_OUT)


def cover_timed_out(*, book_id) -> None:
    """The cover's task ran out of time: queue it again while the book has time."""
    book = Book.objects.get(id=book_id)
    if book.status != Book.Status.GENERATING or book.cover_image:
        return
    if book_past_deadline(book):
        book_fail(book_id=book_id, message=TIMED_OUT_BOOK)
        return
    logger.warning("the cover of book %s timed out; queued to be drawn again", book_id)
    enqueue_cover_on_commit(book_id)


def assembly_timed_out(*, book_id) -> None:
    """The assembly ran out of time: give the claim back so the resume queues it again."""
    GenerationJob.objects.filter(book_id=book_id, step=GenerationJob.Step.ASSEMBLING).update(
        step=GenerationJob.Step.PAGES
    )
    logger.warning("assembling book %s timed out; left for the resume job", book_id)


def page_fail(*, page_id: int, message: str) -> None:
    message = str(message)
    page = Page.objects.get(id=page_id)
    states.page_move(page_id, to=Page.Status.FAILED, error_message=message[:500])
    book_fail(
        book_id=page.book_id,
        message=_("We could not draw page %(number)s: %(reason)s")
        % {"number": page.number, "reason": message},
    )


@transaction.atomic
def book_fail(*, book_id, message: str) -> bool:
    """Stop a book cleanly: status failed, a message for the parent, the request given back."""
    message = str(message)
    redraw = redraw_job(book_id)
    if redraw is not None:
        return redraw_fail(book_id=book_id, job=redraw, message=message)
    failed = states.book_move(
        book_id,
        to=Book.Status.FAILED,
        source=[Book.Status.QUEUED, Book.Status.GENERATING],
        error_message=message[:500],
        status_message=_("Something went wrong."),
    )
    if not failed:
        return False
    metrics.book_failed()
    books_admit_on_commit()  # its place is free for the next book in line
    event_emit(type="book.failed", resource_id=book_id)
    states.job_move(
        GenerationJob.objects.filter(book_id=book_id, kind=GenerationJob.Kind.BOOK),
        to=GenerationJob.Status.FAILED,
        finished_at=timezone.now(),
        quota_refunded=True,
        error_details={"message": message},
    )
    logger.warning("book %s failed: %s", book_id, message)
    notify_on_commit(book_id)
    return True
