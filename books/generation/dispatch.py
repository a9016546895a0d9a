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

from books.progress import progress_notify

logger = logging.getLogger(__name__)

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
    """One task per page, plus the cover's when ``cover_of`` names a book: all drawn in parallel."""
    from celery import group

    from books.tasks import book_draw_cover, book_draw_page

    signatures = [book_draw_page.s(page_id) for page_id in page_ids]
    if cover_of:
        signatures.append(book_draw_cover.s(str(cover_of)))
    group(signatures).apply_async()


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

    transaction.on_commit(
        lambda: enqueue_quietly(
            f"page {page_id}'s line art", lambda: book_finish_page.delay(page_id, raw_name, meta)
        )
    )


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
