"""Prometheus metrics: what the code counts, what a scrape reads from the database and Redis,
and the protected ``/metrics`` endpoint.

Counters and histograms live in the process that moves them. With ``PROMETHEUS_MULTIPROC_DIR``
set (uvicorn ``--workers N``, prefork Celery workers, all sharing the folder), every process writes
its samples there and a scrape of any web process adds them up, so the books a worker finished
show on the web's ``/metrics``. The folder must exist and be emptied before the processes start
(the Procfile's and docker-compose's release step does it). Gauges that describe the whole site (books being
drawn, tasks waiting per queue, books waiting for admission, provider calls in flight; see
``fabrica.workload``) are read at scrape time, so any web process reports the same figure.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import socket

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client import values as prometheus_values
from prometheus_client.core import GaugeMetricFamily

from fabrica import workload

logger = logging.getLogger(__name__)


def _process_identifier() -> str:
    # The host name too: containers sharing one metrics volume each number their processes from 1.
    return f"{socket.gethostname().replace('_', '-')}-{os.getpid()}"


if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Before the metrics below are made: each process writes its own file in the shared folder.
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
    prometheus_values.ValueClass = prometheus_values.MultiProcessValue(_process_identifier)

REQUEST_SECONDS = Histogram(
    "fabrica_http_request_duration_seconds",
    "Time to answer an HTTP request, by view and status code.",
    ["method", "view", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
BOOKS_CREATED = Counter("fabrica_books_created", "Books queued for generation.")
BOOKS_GENERATED = Counter("fabrica_books_generated", "Books whose generation finished.")
BOOKS_FAILED = Counter("fabrica_books_failed", "Books whose generation failed.")
GENERATION_SECONDS = Histogram(
    "fabrica_book_generation_duration_seconds",
    "From the story's first word to the finished PDF.",
    buckets=(15, 30, 60, 90, 120, 180, 240, 300, 450, 600),
)
AI_CALLS = Counter("fabrica_ai_calls", "Calls to AI providers.", ["provider", "capability", "outcome"])
# Both from the parent's request (the generation job's creation), waiting in line included.
FIRST_PICTURE_SECONDS = Histogram(
    "fabrica_book_first_picture_seconds",
    "From the request for a book to its first drawn page.",
    buckets=(2.5, 5, 10, 15, 20, 25, 30, 45, 60, 90, 120, 180, 300),
)
READY_SECONDS = Histogram(
    "fabrica_book_ready_seconds",
    "From the request for a book to the finished book.",
    buckets=(15, 30, 60, 90, 105, 120, 150, 180, 240, 300, 450, 600, 900),
)


def book_created() -> None:
    # Counted as the row is written (last thing in book_create): an outer rollback is too rare to matter.
    BOOKS_CREATED.inc()


def book_generated(*, seconds: float | None) -> None:
    def record() -> None:
        BOOKS_GENERATED.inc()
        if seconds is not None:
            GENERATION_SECONDS.observe(seconds)

    transaction.on_commit(record)


def book_failed() -> None:
    transaction.on_commit(BOOKS_FAILED.inc)


def ai_call(*, provider: str, capability: str, outcome: str) -> None:
    AI_CALLS.labels(provider=provider, capability=capability, outcome=outcome).inc()


def book_first_picture_observe(seconds: float) -> None:
    """The first page of a book was saved ``seconds`` after the parent asked for the book."""
    transaction.on_commit(lambda: FIRST_PICTURE_SECONDS.observe(seconds))


def book_ready_observe(seconds: float) -> None:
    """A book became generated ``seconds`` after the parent asked for it."""
    transaction.on_commit(lambda: READY_SECONDS.observe(seconds))


# --- read at scrape time ------------------------------------------------------------------------


class SiteCollector:
    """Figures about the whole site, read when Prometheus asks."""

    def collect(self):
        yield from self._generations()
        yield from self._queues()
        yield from self._admission()
        yield from self._providers()

    def _generations(self):
        from books.models import Book

        gauge = GaugeMetricFamily(
            "fabrica_active_generations", "Books queued or being drawn right now.", labels=["status"]
        )
        rows = Book.objects.in_progress().order_by().values("status").annotate(n=Count("id"))
        try:
            counts = {row["status"]: row["n"] for row in rows}
        except DatabaseError as exc:  # the other metrics still matter most when the database is down
            logger.warning("could not count the active generations: %r", exc)
            return
        for status in (Book.Status.QUEUED, Book.Status.GENERATING):
            gauge.add_metric([status], counts.get(status, 0))
        yield gauge

    def _queues(self):
        depths = workload.celery_queue_depths()
        if depths is None:
            return
        gauge = GaugeMetricFamily(
            "fabrica_celery_queue_depth", "Tasks waiting in each Celery queue.", labels=["queue"]
        )
        for queue, depth in depths.items():
            gauge.add_metric([queue], depth)
        yield gauge

    def _admission(self):
        try:
            waiting = workload.admission_queue_length()
        except DatabaseError as exc:
            logger.warning("could not count the admission queue: %r", exc)
            return
        yield GaugeMetricFamily(
            "fabrica_admission_queue_length",
            "Books accepted and waiting for drawing to start.",
            value=waiting,
        )

    def _providers(self):
        inflight = workload.provider_inflight()
        if inflight is None:
            return
        gauge = GaugeMetricFamily(
            "fabrica_provider_calls_in_flight", "Calls to each AI provider in flight.", labels=["provider"]
        )
        for provider, calls in sorted(inflight.items()):
            gauge.add_metric([provider], calls)
        yield gauge


class _Scrape:
    def __init__(self, *sources):
        self.sources = sources

    def collect(self):
        for source in self.sources:
            yield from source.collect()


def _process_metrics():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


# --- the endpoint -------------------------------------------------------------------------------


def _from_loopback(request: HttpRequest) -> bool:
    # Behind a proxy on the same host every request comes from loopback: a forwarded one is not local.
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def _has_token(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not (_from_loopback(request) or _has_token(request)):
        if not settings.DEBUG:
            raise Http404  # in production the endpoint does not exist for strangers
        return HttpResponseForbidden("metrics: loopback or METRICS_TOKEN only")
    body = generate_latest(_Scrape(_process_metrics(), SiteCollector()))
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
