"""OpenTelemetry traces, on only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set.

One book is one trace: the POST that queues it, the story task, every picture task (with the
time it waited in its queue as a ``queue.wait`` span), each provider call, the normalization and
QC of a picture, and the PDF. The Celery instrumentation carries the trace context in the task
headers; the book id travels beside it (header ``fabrica_book_id``) so every span a book causes,
down to its SQL and Redis calls, carries ``book.id`` and an operator can filter a trace store by
book.

Started by ``tracing_configure``: from ``fabrica/asgi.py`` for the web (and embedded mode), and
from the Celery worker/beat start signals in ``fabrica/celery.py``. With the endpoint unset
nothing of OpenTelemetry is imported and ``span()`` costs one ``if``.

Environment: ``OTEL_EXPORTER_OTLP_ENDPOINT`` (the collector's base URL; spans go by OTLP/HTTP
protobuf to ``<endpoint>/v1/traces``), ``OTEL_SERVICE_NAME`` (default ``fabrica-web``,
``fabrica-worker`` or ``fabrica-beat``), and the SDK's own ``OTEL_EXPORTER_OTLP_HEADERS``,
``OTEL_TRACES_SAMPLER``/``OTEL_TRACES_SAMPLER_ARG``, ``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_SDK_DISABLED``.
"""

from __future__ import annotations

import contextlib
import contextvars
import inspect
import logging
import os
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

logger = logging.getLogger(__name__)

BOOK_ID = "book.id"
BOOK_HEADER = "fabrica_book_id"
PUBLISHED_HEADER = "fabrica_published_at_ns"

_book_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("fabrica_book_id", default=None)
_lock = threading.Lock()
_state: dict[str, Any] = {}  # the provider, tracer and instrumentors while tracing is on


def tracing_enabled() -> bool:
    return "tracer" in _state


def tracing_configure(*, service: str) -> bool:
    """Start tracing in this process if an OTLP endpoint is configured; True when it is on.

    Called once per process (again is harmless). ``service`` is the default service name.
    """
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip()
    disabled = os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true"
    if not endpoint or disabled:
        return False
    with _lock:
        if not tracing_enabled():
            _start(service=os.environ.get("OTEL_SERVICE_NAME") or service)
    return True


def tracing_shutdown() -> None:
    """Send what is buffered and stop tracing in this process (tests, and a clean exit)."""
    with _lock:
        if not tracing_enabled():
            return
        from celery import signals

        for instrumentor in _state["instrumentors"]:
            instrumentor.uninstrument()
        signals.before_task_publish.disconnect(_task_publish_stamp)
        signals.task_prerun.disconnect(_task_book_enter)
        signals.task_prerun.disconnect(_task_queue_wait)
        signals.task_postrun.disconnect(_task_book_leave)
        _state["provider"].shutdown()
        _state.clear()


def tracing_flush(timeout_millis: int = 5000) -> None:
    if tracing_enabled():
        _state["provider"].force_flush(timeout_millis)


@contextlib.contextmanager
def span(name: str, **attributes: Any) -> Iterator[None]:
    """A child span of whatever is current; a no-op when tracing is off.

    Keyword names become dotted attribute names: ``span("ai.provider.call", ai_provider="gemini")``
    sets ``ai.provider``. The book id is added by itself inside a book's work.
    """
    if not tracing_enabled():
        yield
        return
    named = {key.replace("_", "."): value for key, value in attributes.items() if value is not None}
    with _state["tracer"].start_as_current_span(name, attributes=named):
        yield


@contextlib.contextmanager
def book_context(book_id: Any) -> Iterator[None]:
    """Work done inside is the book's: its spans, and the tasks it queues, carry ``book.id``."""
    if not tracing_enabled():
        yield
        return
    from opentelemetry import trace

    trace.get_current_span().set_attribute(BOOK_ID, str(book_id))
    token = _book_id.set(str(book_id))
    try:
        yield
    finally:
        _book_id.reset(token)


# --- setting up ---------------------------------------------------------------------------------


def _start(*, service: str) -> None:
    from celery import signals
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    provider.add_span_processor(_BookSpanProcessor())
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    # The instrumentors are handed the provider, so a second start in one process (tests) works
    # even though the API keeps the first global provider.
    if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        trace.set_tracer_provider(provider)
    # Before the Celery instrumentation's own handlers: the book id is known when its spans start.
    signals.before_task_publish.connect(_task_publish_stamp, weak=False)
    signals.task_prerun.connect(_task_book_enter, weak=False)
    signals.task_postrun.connect(_task_book_leave, weak=False)
    instrumentors = [
        DjangoInstrumentor(),
        CeleryInstrumentor(),
        PsycopgInstrumentor(),
        RedisInstrumentor(),
        HTTPXClientInstrumentor(),
    ]
    for instrumentor in instrumentors:
        instrumentor.instrument(tracer_provider=provider)
    # After the Celery instrumentation's: the task's span exists and is current.
    signals.task_prerun.connect(_task_queue_wait, weak=False)
    _state.update(provider=provider, tracer=provider.get_tracer("fabrica"), instrumentors=instrumentors)
    logger.info("OpenTelemetry traces on: service %s", service)


class _BookSpanProcessor:
    """Stamps ``book.id`` on every span started inside a book's work (SQL, Redis, HTTP included)."""

    def on_start(self, span, parent_context=None) -> None:
        book_id = _book_id.get()
        if book_id is not None:
            span.set_attribute(BOOK_ID, book_id)

    def on_end(self, span) -> None:
        pass

    def _on_ending(self, span) -> None:
        pass

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


# --- Celery: the book id and the time a task waited in its queue ---------------------------------


def _task_publish_stamp(headers=None, **kwargs) -> None:
    if headers is None:
        return
    headers[PUBLISHED_HEADER] = str(time.time_ns())  # a retry is published again: a new wait
    book_id = _book_id.get()
    if book_id is not None:
        headers[BOOK_HEADER] = book_id


def _task_book_enter(task=None, args=None, kwargs=None, **_) -> None:
    if task is None:
        return
    book_id = getattr(task.request, BOOK_HEADER, None) or _book_id_argument(task, args, kwargs)
    if book_id:
        task.request.fabrica_book_token = _book_id.set(str(book_id))


def _book_id_argument(task, args, kwargs) -> str | None:
    # Work queued without the header (the resume jobs, beat) still names its book by argument.
    try:
        bound = inspect.signature(task.run).bind_partial(*(args or ()), **(kwargs or {}))
    except (TypeError, ValueError):
        return None
    book_id = bound.arguments.get("book_id")
    return str(book_id) if book_id else None


def _task_book_leave(task=None, **_) -> None:
    token = getattr(task.request, "fabrica_book_token", None) if task is not None else None
    if token is not None:
        task.request.fabrica_book_token = None
        with contextlib.suppress(ValueError):  # set in another context (an eager task's caller)
            _book_id.reset(token)


def _task_queue_wait(task=None, **_) -> None:
    """Record how long the task waited for a worker, as an attribute and a ``queue.wait`` span."""
    published = getattr(task.request, PUBLISHED_HEADER, None) if task is not None else None
    if not published or not tracing_enabled():
        return
    from opentelemetry import trace

    now = time.time_ns()
    ready = max(int(published), _eta_ns(task.request))  # a countdown is not time spent waiting
    if ready >= now:
        return
    current = trace.get_current_span()
    current.set_attribute("messaging.queue_wait_ms", (now - ready) / 1e6)
    parent = getattr(current, "parent", None)
    context = trace.set_span_in_context(trace.NonRecordingSpan(parent)) if parent else None
    queue = (getattr(task.request, "delivery_info", None) or {}).get("routing_key") or ""
    wait = _state["tracer"].start_span(
        "queue.wait",
        context=context,
        start_time=ready,
        attributes={"messaging.destination.name": queue, "celery.task_name": task.name},
    )
    wait.end(end_time=now)


def _eta_ns(request) -> int:
    eta = getattr(request, "eta", None)
    if not eta:
        return 0
    try:
        moment = eta if isinstance(eta, datetime) else datetime.fromisoformat(str(eta))
    except ValueError:
        return 0
    return int(moment.timestamp() * 1e9) if moment.tzinfo else 0
