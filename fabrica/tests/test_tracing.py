"""OpenTelemetry traces: one book is one trace, from the POST to the PDF, sent to a real OTLP/HTTP
endpoint (a local collector stub that decodes the protobuf the exporter sends)."""

from __future__ import annotations

import contextlib
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache
from opentelemetry.proto.trace.v1.trace_pb2 import Span as ProtoSpan

from api.tests.conftest import token_client
from books.models import Book
from fabrica import tracing
from fabrica.celery import app
from fabrica.tests.otlp_collector import otlp_collector

NEW_BOOK = {"style": "cartoon", "num_pages": 5, "theme": "a fox who shares", "language": "en"}


@pytest.fixture
def collector(monkeypatch):
    with otlp_collector() as collector:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url)
        monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
        monkeypatch.delenv("OTEL_SDK_DISABLED", raising=False)
        yield collector
        tracing.tracing_shutdown()


def _spans(collector) -> list[dict]:
    tracing.tracing_flush()
    return collector.spans()


@pytest.fixture
def _quick(settings):
    settings.PAGE_IMAGE_WIDTH, settings.PAGE_IMAGE_HEIGHT = 480, 600
    settings.AI_RETRY_BACKOFF_SECONDS = 0
    settings.AI_OFFLINE_FAILURE_RATE = 0
    settings.AI_TEXT_PROVIDERS = ["offline"]
    settings.AI_IMAGE_PROVIDERS = ["offline"]
    cache.clear()
    yield
    cache.clear()


def _wait_for_span(collector, name: str, seconds: float = 90) -> None:
    # Watching the spans, not the database: SQLite's shared test database locks a table while
    # the worker thread writes it, and a read from here could make the worker's write fail.
    deadline = time.monotonic() + seconds
    while not any(span["name"] == name for span in _spans(collector)):
        assert time.monotonic() < deadline, f"no {name} span after {seconds} s"
        time.sleep(0.3)


@pytest.mark.django_db(transaction=True)
def test_one_book_is_one_trace_from_the_post_through_a_real_worker_to_the_pdf(collector, owner, _quick):
    assert tracing.tracing_configure(service="fabrica-web")
    api = token_client(owner)  # made after the Django instrumentation added its middleware

    queues = ",".join(settings.WORK_QUEUES)  # every kind of work, as the embedded worker does
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=15, queues=queues):
        response = api.post("/api/v1/books/", NEW_BOOK, format="json")
        assert response.status_code == 202, response.content[:300]
        book_id = response.json()["id"]
        _wait_for_span(collector, "run/books.tasks.book_assemble")
    book = Book.objects.get(id=book_id)
    assert book.status == Book.Status.GENERATED, book.error_message

    spans = _spans(collector)
    post = next(s for s in spans if s["kind"] == ProtoSpan.SPAN_KIND_SERVER and "POST" in s["name"])
    assert post["attributes"]["book.id"] == book_id
    books = [s for s in spans if s["attributes"].get("book.id") == book_id]
    assert {s["trace"] for s in books} == {post["trace"]}, "the whole book is one trace"
    names = [s["name"] for s in books]
    assert "run/books.tasks.book_write_story" in names
    assert names.count("run/books.tasks.book_draw_page") == 5
    assert "run/books.tasks.book_assemble" in names
    assert names.count("ai.provider.call") >= 7  # the story, five pages and the cover
    assert names.count("image.qc") >= 6
    assert "pdf.build" in names
    # The picture tasks waited in the queue, and each wait is a span before the task's own.
    waits = [s for s in books if s["name"] == "queue.wait"]
    assert len(waits) >= 7
    assert all(s["end"] >= s["start"] for s in waits)
    pages = [s for s in books if s["name"] == "run/books.tasks.book_draw_page"]
    assert all("messaging.queue_wait_ms" in s["attributes"] for s in pages)


@pytest.mark.django_db
def test_spans_inside_a_book_carry_its_id_and_name_their_attributes(collector):
    tracing.tracing_configure(service="fabrica-test")

    with tracing.book_context("book-42"), tracing.span("image.qc", ai_provider="offline"):
        pass
    with tracing.span("outside"):
        pass

    spans = {s["name"]: s for s in _spans(collector)}
    assert spans["image.qc"]["attributes"] == {"book.id": "book-42", "ai.provider": "offline"}
    assert spans["image.qc"]["service"] == "fabrica-test"
    assert "book.id" not in spans["outside"]["attributes"]


def test_without_an_endpoint_tracing_stays_off(monkeypatch):
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)

    assert tracing.tracing_configure(service="fabrica-web") is False
    assert not tracing.tracing_enabled()
    with tracing.book_context("book-42"), tracing.span("image.qc"):
        pass  # no-ops


def test_the_service_name_comes_from_the_environment(collector, monkeypatch):
    monkeypatch.setenv("OTEL_SERVICE_NAME", "fabrica-pictures")
    tracing.tracing_configure(service="fabrica-worker")

    with tracing.span("anything"):
        pass

    assert {s["service"] for s in _spans(collector)} == {"fabrica-pictures"}


def test_a_prefork_worker_leaves_tracing_to_its_children_and_a_thread_pool_starts_it(collector):
    from types import SimpleNamespace

    from fabrica.celery import _tracing_worker, _tracing_worker_process

    _tracing_worker(sender=SimpleNamespace(pool_cls="prefork"))
    assert not tracing.tracing_enabled()  # the parent forks: each child starts its own exporter
    _tracing_worker_process()
    assert tracing.tracing_enabled()

    tracing.tracing_shutdown()
    _tracing_worker(sender=SimpleNamespace(pool_cls="threads"))
    assert tracing.tracing_enabled()


def test_a_picture_from_a_real_provider_is_normalized_and_checked_under_their_own_spans(collector):
    import io
    from types import SimpleNamespace

    from PIL import Image, ImageDraw

    from ai.errors import ProviderError
    from ai.schemas import ImageRequest
    from ai.services import _clean_image

    tracing.tracing_configure(service="fabrica-worker")
    photo = Image.new("RGB", (400, 500), "white")  # what a provider sends: colour, its own size
    ImageDraw.Draw(photo).ellipse((80, 100, 320, 400), outline="navy", width=8)
    raw = io.BytesIO()
    photo.save(raw, format="PNG")
    provider = SimpleNamespace(name="gemini", model="m", draws_finished_pages=False)

    # A picture the QC turns down still went through both steps.
    with tracing.book_context("book-7"), contextlib.suppress(ProviderError):
        _clean_image(
            raw.getvalue(),
            request=ImageRequest(prompt="a fox", style="cartoon", width=480, height=600),
            provider=provider,
        )

    spans = {s["name"]: s for s in _spans(collector)}
    assert spans["image.normalize"]["attributes"]["book.id"] == "book-7"
    assert spans["image.qc"]["attributes"]["book.id"] == "book-7"
    assert spans["image.normalize"]["end"] <= spans["image.qc"]["start"]
