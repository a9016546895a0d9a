"""How the pipeline queues its next step and tells the watchers.

Every follow-up task is sent from here, after the commit that makes it due, so the
database already says what must happen next; a lost message is found again by the resume
(``recovery``). This is also the seam where an admission queue or scheduler would decide
*when* each page is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from books.models import Page
from books.progress import progress_notify

logger = logging.getLogger(__name__)

# Celery priorities on the Redis broker: 0 is served first (CELERY_TASK_DEFAULT_PRIORITY is the
# picture one). The in-memory broker of embedded mode has one parent and ignores them.
FIRST_PICTURE_PRIORITY = 0
PICTURE_PRIORITY = 6

# The broker, the cache or the database out of reach for a moment: not the book's fault. A task
# meeting one leaves its work for a retry or the resume job instead of failing the book.
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    KombuOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    DatabaseOperationalError,
    DatabaseInterfaceError,
    ConnectionError,
    TimeoutError,
)


def notify(book_id) -> None:
    """Tell the watchers; best effort: a lost message never stops a book (the page polls too)."""
    try:
        progress_notify(book_id)
    except Exception as exc:  # the channel layer's Redis may be restarting
        logger.warning("progress of book %s not sent: %r", book_id, exc)


def notify_on_commit(book_id) -> None:
    transaction.on_commit(lambda: notify(book_id))


def enqueue_quietly(what: str, send: Callable[[], object]) -> None:
    """Queue follow-up work; with the broker down it is left to the resume job.

    The database already holds the state the work follows from (pages PENDING, all pages DONE),
    so the resume finds it and queues it again.
    """
    try:
        send()
    except INFRASTRUCTURE_ERRORS as exc:
        logger.warning("could not queue %s (left for the resume job): %r", what, exc)


def enqueue_pages(page_ids: list[int], *, cover_of=None) -> None:
    """One task per page, plus the cover's when ``cover_of`` names a book: all drawn in parallel.

    The first page of a book with no picture yet jumps the line (``FIRST_PICTURE_PRIORITY``), so
    every parent sees their book start early; the other pages follow in the order their books
    were admitted (the queue is first in, first out within a priority).
    """
    from celery import group

    from books.tasks import book_draw_cover, book_draw_page

    first = first_pictures(page_ids)
    signatures = [
        book_draw_page.s(page_id).set(
            priority=FIRST_PICTURE_PRIORITY if page_id in first else PICTURE_PRIORITY
        )
        for page_id in page_ids
    ]
    if cover_of:
        signatures.append(book_draw_cover.s(str(cover_of)).set(priority=PICTURE_PRIORITY))
    group(signatures).apply_async()


def first_pictures(page_ids: list[int]) -> set[int]:
    """Of these pages, each book's lowest-numbered one, for the books with no page drawn yet."""
    rows = Page.objects.filter(id__in=page_ids).order_by("number").values_list("id", "book_id")
    drawn = set(
        Page.objects.filter(book_id__in={book_id for _id, book_id in rows}, status=Page.Status.DONE)
        .values_list("book_id", flat=True)
        .distinct()
    )
    first: dict = {}
    for page_id, book_id in rows:
        if book_id not in drawn:
            first.setdefault(book_id, page_id)
    return set(first.values())


def enqueue_pages_on_commit(page_ids: list[int], *, cover_of=None) -> None:
    transaction.on_commit(
        lambda: enqueue_quietly("the pages", lambda: enqueue_pages(page_ids, cover_of=cover_of))
    )


def enqueue_cover_on_commit(book_id) -> None:
    from books.tasks import book_draw_cover

    transaction.on_commit(lambda: enqueue_quietly("the cover", lambda: book_draw_cover.delay(str(book_id))))


def enqueue_page_finish(page_id: int, raw_name: str, meta: dict) -> None:
    """The CPU half of a page; if it cannot be queued, the resume takes the page back and draws it again."""
    from books.tasks import book_finish_page

    priority = FIRST_PICTURE_PRIORITY if first_pictures([page_id]) else PICTURE_PRIORITY

    def send() -> None:
        try:
            book_finish_page.apply_async((page_id, raw_name, meta), priority=priority)
        except INFRASTRUCTURE_ERRORS as exc:
            # The picture cannot reach the CPU worker: give the page back now, so the resume
            # draws it again at once instead of after the claim has gone stale.
            logger.warning("could not queue page %s's line art (page put back): %r", page_id, exc)
            from books.generation import states

            states.page_move(page_id, source=Page.Status.RUNNING, to=Page.Status.PENDING)

    transaction.on_commit(send)


def enqueue_page_draw(page_id: int, *, corrective: str = "") -> None:
    from books.tasks import book_draw_page

    transaction.on_commit(
        lambda: enqueue_quietly(
            f"page {page_id}", lambda: book_draw_page.delay(page_id, corrective=corrective)
        )
    )


def enqueue_story(book_id) -> None:
    from books.tasks import book_write_story

    book_write_story.delay(str(book_id))


def enqueue_assembly(book_id) -> None:
    from books.tasks import book_assemble

    book_assemble.delay(str(book_id))


def enqueue_assembly_on_commit(book_id) -> None:
    transaction.on_commit(lambda: enqueue_quietly("the assembly", lambda: enqueue_assembly(book_id)))
