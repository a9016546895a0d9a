"""What generation is doing right now and how long parents waited lately: tasks waiting in each
Celery queue, provider calls in flight, books waiting for admission, time to first picture and
time to ready. Read by ``/metrics`` at scrape time (``fabrica.metrics``) and by the admin
dashboard (``fabrica.dashboard``), so both show the same figures.

Provider calls in flight are known to the concurrency limiter, not to this module: the limiter
registers a reader once at start-up, for instance in ``ai/apps.py``::

    def ready(self):
        from fabrica.workload import provider_inflight_source
        provider_inflight_source(limiter_inflight)  # () -> {"gemini": 3, "offline": 12}

The reader is called at each scrape from a web process, so it must read the state every
process shares (the leases in Redis; the in-process table in embedded mode).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

logger = logging.getLogger(__name__)

# Kombu's Redis transport keeps a queue's prioritised messages in sibling lists named
# "<queue>\x06\x16<priority>"; the plain name holds priority 0.
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (3, 6, 9)
MAX_BOOKS = 20_000  # newest requests considered for the percentiles; bounded memory

_inflight_reader: Callable[[], Mapping[str, int]] | None = None


# --- queues and providers -----------------------------------------------------------------------


def celery_queue_names() -> list[str]:
    """The queues the workers consume: the default one, the declared ones, the routed-to ones."""
    from fabrica.celery import app

    names = {app.conf.task_default_queue or "celery"}
    names.update(queue.name for queue in app.conf.task_queues or ())
    routes = app.conf.task_routes
    if isinstance(routes, Mapping):
        names.update(
            route["queue"] for route in routes.values() if isinstance(route, Mapping) and "queue" in route
        )
    return sorted(names)


def celery_queue_depths() -> dict[str, int] | None:
    """Tasks waiting per queue, or None when the broker is not Redis or cannot be reached."""
    if not settings.REDIS_URL:
        return None  # embedded mode: the in-memory broker has no list to measure
    import redis

    names = celery_queue_names()
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
        with client.pipeline(transaction=False) as pipe:
            for name in names:
                for key in _priority_keys(name):
                    pipe.llen(key)
            lengths = pipe.execute()
    except redis.RedisError as exc:
        logger.warning("could not read the Celery queue depths: %r", exc)
        return None
    per_queue = len(PRIORITY_STEPS) + 1
    return {name: sum(lengths[i * per_queue : (i + 1) * per_queue]) for i, name in enumerate(names)}


def _priority_keys(name: str) -> list[str]:
    return [name, *(f"{name}{PRIORITY_SEPARATOR}{step}" for step in PRIORITY_STEPS)]


def provider_inflight_source(reader: Callable[[], Mapping[str, int]] | None) -> None:
    """Register how to read the calls in flight per provider (None unregisters)."""
    global _inflight_reader
    _inflight_reader = reader


def provider_inflight() -> dict[str, int] | None:
    """Calls in flight per provider, or None when no limiter registered a reader or it failed."""
    if _inflight_reader is None:
        return None
    try:
        return {str(name): int(count) for name, count in _inflight_reader().items()}
    except Exception as exc:  # a scrape or the dashboard must not fail because the limiter did
        logger.warning("could not read the provider calls in flight: %r", exc)
        return None


# --- books --------------------------------------------------------------------------------------


def admission_queue_length() -> int:
    """Books accepted and waiting for their drawing to start."""
    from books.models import Book

    return Book.objects.in_progress().filter(status=Book.Status.QUEUED).count()


@dataclass(frozen=True)
class Wait:
    """How long parents waited, in seconds, over the books measured."""

    books: int
    p50: float
    p95: float


def book_waits(*, since: datetime) -> tuple[Wait, Wait]:
    """Time to first picture and time to ready of the book requests made since ``since``.

    Counted from the request (the generation job's creation), as the parent feels it. A picture
    is ready when its drawing ended (``started_at`` + ``generation_ms``); pages drawn by an
    earlier attempt of the same book do not count as its first picture.
    """
    from books.models import GenerationJob, Page

    recent = GenerationJob.objects.filter(kind=GenerationJob.Kind.BOOK, created_at__gte=since)
    jobs = list(
        recent.order_by("-created_at").values_list("book_id", "created_at", "status", "finished_at")[
            :MAX_BOOKS
        ]
    )
    requested = {}
    for book_id, created_at, _, _ in reversed(jobs):  # the latest request of a book wins
        requested[book_id] = created_at
    ready = [
        (finished_at - created_at).total_seconds()
        for _, created_at, status, finished_at in jobs
        if status == GenerationJob.Status.SUCCEEDED and finished_at
    ]
    pages = Page.objects.filter(
        book_id__in=recent.values("book_id"), status=Page.Status.DONE, generation_ms__isnull=False
    ).values_list("book_id", "started_at", "generation_ms")
    first: dict = {}
    for book_id, started_at, generation_ms in pages:
        if started_at is None or book_id not in requested or started_at < requested[book_id]:
            continue
        seconds = (started_at - requested[book_id]).total_seconds() + generation_ms / 1000
        first[book_id] = min(seconds, first.get(book_id, seconds))
    return _wait(list(first.values())), _wait(ready)


def _wait(seconds: list[float]) -> Wait:
    from ai.stats import percentile

    # percentile() works on whole numbers: tenths of a second are precise enough for a parent.
    tenths = [round(value * 10) for value in seconds]
    return Wait(books=len(seconds), p50=percentile(tenths, 0.50) / 10, p95=percentile(tenths, 0.95) / 10)
