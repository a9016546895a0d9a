"""Drawing one page of a book again: the same steps as a whole book, ending differently.

A redraw is a ``GenerationJob`` of kind PAGE. The page steps ask ``redraw_job`` whether one
is under way and hand over here when it is: the picture gets a new seed, the book ends as
it was (ready, or failed with its other pages still missing), and a failed redraw keeps
the old picture and gives the request back.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from books.generation import states
from books.generation.dispatch import notify_on_commit
from books.models import Book, GenerationJob, Page
from gamification.services import on_page_regenerated

logger = logging.getLogger(__name__)


def book_latest_job(book_id) -> GenerationJob | None:
    # The book's latest request: the whole book, or one page drawn again (one at a time per book).
    return GenerationJob.objects.filter(book_id=book_id).order_by("-id").first()


def redraw_job(book_id) -> GenerationJob | None:
    """The page regeneration under way for this book, if any."""
    return (
        GenerationJob.objects.filter(
            book_id=book_id,
            kind=GenerationJob.Kind.PAGE,
            status__in=[GenerationJob.Status.QUEUED, GenerationJob.Status.RUNNING],
        )
        .select_related("page")
        .order_by("-id")
        .first()
    )


def redraw_seed(page: Page) -> str:
    """The page's seed; a redraw adds its own, so it makes a new picture, not the same one again."""
    seed = f"{page.book_id}:{page.number}"
    job = redraw_job(page.book_id)
    if job and job.page_id == page.id:
        seed += f":redraw-{job.id}"
    return seed


def _job_succeeded(job: GenerationJob) -> None:
    states.job_move(
        job.id, to=GenerationJob.Status.SUCCEEDED, step=GenerationJob.Step.DONE, finished_at=timezone.now()
    )


def redraw_end_unfinished(*, book_id, job: GenerationJob) -> None:
    """A failed book's page is drawn again; its other missing pages wait for “Try again”."""
    states.book_move(
        book_id,
        source=Book.Status.GENERATING,
        to=Book.Status.FAILED,
        status_message=_("Something went wrong."),
        error_message=_("Page %(number)s is drawn. Press “Try again” to finish the rest of the book.")
        % {"number": job.page.number},
    )
    _job_succeeded(job)


@transaction.atomic
def redraw_mark_done(*, book_id, job: GenerationJob) -> None:
    states.book_move(
        book_id,
        source=Book.Status.GENERATING,
        to=Book.Status.GENERATED,
        progress=100,
        error_message="",
        status_message=_("Page %(number)s is drawn again.") % {"number": job.page.number},
    )
    _job_succeeded(job)
    on_page_regenerated(user=job.user, page=job.page)  # keyed by this job: a rerun pays nothing
    notify_on_commit(book_id)


def redraw_fail(*, book_id, job: GenerationJob, message: str) -> bool:
    """A page could not be drawn again: it keeps the picture it had and the request is given back."""
    page = Page.objects.get(id=job.page_id)
    states.page_move(
        page.id,
        to=Page.Status.DONE if page.sha256 else Page.Status.FAILED,
        error_message=(page.error_message or message)[:500],
    )
    states.job_move(
        job.id,
        to=GenerationJob.Status.FAILED,
        finished_at=timezone.now(),
        quota_refunded=True,
        error_details={"message": message},
    )
    book = Book.objects.get(id=book_id)
    if book.cover_image and not book.pages.exclude(status=Page.Status.DONE).exists():
        states.book_move(
            book_id,
            source=Book.Status.GENERATING,
            to=Book.Status.GENERATED,
            progress=100,
            status_message=_(
                "We could not draw page %(number)s again, so it keeps its picture. "
                "This did not count against your quota."
            )
            % {"number": page.number},
        )
    else:
        states.book_move(
            book_id,
            source=Book.Status.GENERATING,
            to=Book.Status.FAILED,
            error_message=message[:500],
            status_message=_("Something went wrong."),
        )
    logger.warning("redrawing page %s of book %s failed: %s", page.number, book_id, message)
    notify_on_commit(book_id)
    return True
