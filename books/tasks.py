"""Thin Celery wrappers: ids in, call the generation service.

Expected errors (a provider down) become a message for the parent; running out of time is
named as such and the work goes back to be done again; anything unexpected is logged with its
traceback and the book fails with a plain message, never the exception's text.
"""

from __future__ import annotations

import logging
import random

from celery import shared_task
from celery.exceptions import Reject, SoftTimeLimitExceeded
from django.conf import settings

from ai.errors import AllProvidersFailed, ProviderError
from books import generation, trash
from books.admission import picture_may_start
from fabrica.errors import ApplicationError

logger = logging.getLogger(__name__)


def _left_for_resume(what: str, exc: BaseException) -> None:
    logger.warning("%s stopped by an outage (left for the resume job): %r", what, exc)


# The tasks that make a router call get its whole budget (fabrica/settings.py, ai/budget.py).
_STORY_LIMITS = {
    "soft_time_limit": settings.STORY_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.STORY_TASK_TIME_LIMIT,
}
_PICTURE_LIMITS = {
    "soft_time_limit": settings.PICTURE_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.PICTURE_TASK_TIME_LIMIT,
}


BUSY_RETRIES = 10_000
FIRST_PICTURES_WAIT = 2.0  # seconds a picture steps aside for other books' first pictures


def _provider_busy(exc: ProviderError) -> float | None:
    """Seconds until the provider has room again, when it had none (nothing was sent): its slots
    were all taken or it is cooling down after a 429. The work waits in the queue meanwhile,
    holding no worker, and this does not count as a failed attempt."""
    retry_after = getattr(exc, "retry_after", None)
    return retry_after if exc.transient and retry_after is not None else None


def _later(seconds: float) -> float:
    return max(seconds, 0.5) + random.random()  # spread out the callers that met the same pause


@shared_task(bind=True, acks_late=True, max_retries=None, **_STORY_LIMITS)
def book_write_story(self, book_id: str, job_id: int | None = None) -> None:
    try:
        generation.book_write_story(book_id=book_id, job_id=job_id)
    except (AllProvidersFailed, ProviderError) as exc:
        if (wait := _provider_busy(exc)) is not None:
            raise self.retry(countdown=_later(wait)) from exc
        generation.book_fail(book_id=book_id, message=exc.message)
    except generation.INFRASTRUCTURE_ERRORS as exc:
        _left_for_resume(f"the story of book {book_id}", exc)
    except SoftTimeLimitExceeded:
        generation.book_fail(book_id=book_id, message=generation.STORY_TIMED_OUT)
    except ApplicationError as exc:
        generation.book_fail(book_id=book_id, message=exc.message)
    except Exception:
        logger.exception("writing the story of book %s failed", book_id)
        generation.book_fail(book_id=book_id, message=generation.UNEXPECTED_ERROR)


# Provider errors are not retried here: the router already tried every provider, with backoff,
# within this task's time (ai/budget.py). Only a provider with no room (nothing was sent), an
# outage of our own infrastructure, or running out of time puts the page back to be drawn again.
@shared_task(bind=True, acks_late=True, max_retries=generation.MAX_PAGE_ATTEMPTS, **_PICTURE_LIMITS)
def book_draw_page(self, page_id: int, corrective: str = "") -> None:
    # (Run eagerly, nothing else could draw meanwhile: stepping aside would only loop.)
    if not corrective and not self.request.is_eager and not generation.page_may_start(page_id=page_id):
        # Another parent's book has no picture yet: its first goes before this book's next one.
        raise self.retry(countdown=FIRST_PICTURES_WAIT, max_retries=BUSY_RETRIES, kwargs={"corrective": ""})
    try:
        generation.page_draw(page_id=page_id, corrective=corrective)
    except (AllProvidersFailed, ProviderError) as exc:
        wait = _provider_busy(exc)
        if wait is not None and generation.page_release_when_busy(page_id=page_id):
            # Waiting for room is not a failure: the deadline (the watchdog) bounds it, not a count.
            raise self.retry(
                countdown=_later(wait), max_retries=BUSY_RETRIES, kwargs={"corrective": corrective}
            ) from exc
        generation.page_fail(page_id=page_id, message=exc.message)
    except SoftTimeLimitExceeded:
        generation.page_timed_out(page_id=page_id)
    except generation.INFRASTRUCTURE_ERRORS as exc:
        _page_retry_after_outage(self, page_id, exc)
    except Exception:
        logger.exception("drawing page %s failed", page_id)
        generation.page_fail(page_id=page_id, message=generation.UNEXPECTED_ERROR)


@shared_task(acks_late=True)
def book_finish_page(page_id: int, raw_name: str, meta: dict) -> None:
    try:
        generation.page_finish(page_id=page_id, raw_name=raw_name, meta=meta)
    except generation.INFRASTRUCTURE_ERRORS as exc:
        _left_for_resume(f"the line art of page {page_id}", exc)
    except SoftTimeLimitExceeded:
        generation.page_timed_out(page_id=page_id)
    except ProviderError as exc:  # a picture we could not open
        generation.page_fail(page_id=page_id, message=exc.message)
    except Exception:
        logger.exception("finishing page %s failed", page_id)
        generation.page_fail(page_id=page_id, message=generation.UNEXPECTED_ERROR)


def _page_retry_after_outage(task, page_id: int, exc: BaseException) -> None:
    """Put the page back and try again soon; if even that cannot be done, the resume job will."""
    try:
        released = generation.page_release_for_retry(page_id=page_id, retries=task.request.retries)
    except generation.INFRASTRUCTURE_ERRORS as again:
        released, exc = False, again
    if not released:
        _left_for_resume(f"page {page_id}", exc)
        return
    try:
        retry = task.retry(countdown=2**task.request.retries + random.random(), exc=exc, throw=False)
    except (Reject, *generation.INFRASTRUCTURE_ERRORS) as again:  # the broker is down too
        _left_for_resume(f"page {page_id}", again)
        return
    raise retry


@shared_task(bind=True, acks_late=True, max_retries=None, **_PICTURE_LIMITS)
def book_draw_cover(self, book_id: str) -> None:
    if not self.request.is_eager and not picture_may_start(book_id=book_id):
        raise self.retry(countdown=FIRST_PICTURES_WAIT)
    try:
        generation.cover_draw(book_id=book_id)
    except generation.INFRASTRUCTURE_ERRORS as exc:
        _left_for_resume(f"the cover of book {book_id}", exc)
    except SoftTimeLimitExceeded:
        generation.cover_timed_out(book_id=book_id)
    except (AllProvidersFailed, ProviderError) as exc:
        if (wait := _provider_busy(exc)) is not None:
            raise self.retry(countdown=_later(wait)) from exc
        generation.book_fail(book_id=book_id, message=exc.message)
    except Exception:
        logger.exception("drawing the cover of book %s failed", book_id)
        generation.book_fail(book_id=book_id, message=generation.UNEXPECTED_ERROR)


# The assembly may still have to draw the cover, so it gets a picture's time too.
@shared_task(acks_late=True, **_PICTURE_LIMITS)
def book_assemble(book_id: str) -> None:
    try:
        generation.book_assemble(book_id=book_id)
    except generation.INFRASTRUCTURE_ERRORS as exc:
        _left_for_resume(f"the assembly of book {book_id}", exc)
    except SoftTimeLimitExceeded:
        generation.assembly_timed_out(book_id=book_id)
    except ApplicationError as exc:
        generation.book_fail(book_id=book_id, message=exc.message)
    except Exception:
        logger.exception("assembling book %s failed", book_id)
        generation.book_fail(book_id=book_id, message=generation.UNEXPECTED_ERROR)


@shared_task
def books_watchdog() -> int:
    return generation.books_fail_overdue()


@shared_task
def books_admit_waiting() -> int:
    from books.admission import books_admit

    return len(books_admit())


@shared_task
def books_trash_purge() -> int:
    """Queue the deletion of every book whose time in the trash is over, one task per book."""
    book_ids = trash.books_trash_due()
    for book_id in book_ids:
        book_purge.delay(str(book_id))
    return len(book_ids)


@shared_task(acks_late=True)
def book_purge(book_id: str) -> bool:
    return trash.book_purge(book_id=book_id)


@shared_task
def books_resume_stuck() -> int:
    """Re-queue the missing work of books with no progress for a while (a lost task or worker)."""
    from books.generation.recovery import STUCK_AFTER, books_resume

    return sum(item.requeues for item in books_resume(stale_after=STUCK_AFTER, restart_clock=False))


@shared_task
def cleanup() -> int:
    """The daily ``manage.py cleanup``: every category, each through the service that owns it."""
    from books.cleanup import cleanup_run

    return sum(swept.count or 0 for swept in cleanup_run())
