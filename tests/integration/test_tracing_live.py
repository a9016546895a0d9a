"""Traces on the production wiring: uvicorn loading ``fabrica.asgi`` and a prefork Celery worker,
both with ``OTEL_EXPORTER_OTLP_ENDPOINT`` pointing at a local OTLP/HTTP collector. One book made
through the API is one trace across the two processes, every span of it with ``book.id``."""

from __future__ import annotations

import time

import pytest
import requests

from fabrica.tests.otlp_collector import otlp_collector
from tests.integration.conftest import (
    BIN,
    DEMO_EMAIL,
    Stack,
    _free_port,
    _healthz_ok,
    _start,
    _stop,
    _wait_for,
)

pytestmark = [pytest.mark.integration]

GENERATION_TIMEOUT = 120


def _traced_env(url: str) -> dict[str, str]:
    return {
        "OTEL_EXPORTER_OTLP_ENDPOINT": url,
        "OTEL_BSP_SCHEDULE_DELAY": "200",  # export within a fraction of a second, not every 5 s
    }


def _wait_generated(api: requests.Session, url: str) -> dict:
    deadline = time.monotonic() + GENERATION_TIMEOUT
    while (body := api.get(url, timeout=10).json())["status"] not in ("generated", "failed"):
        if time.monotonic() > deadline:
            pytest.fail(f"{url} still {body['status']} after {GENERATION_TIMEOUT} s")
        time.sleep(0.5)
    return body


def test_a_book_is_one_trace_across_the_web_and_a_prefork_worker(stack: Stack):
    raw_key = stack.manage("api_token", DEMO_EMAIL, "--name", "tracing").strip()
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {raw_key}"
    with otlp_collector() as collector, stack.worker_env(**_traced_env(collector.url)):
        port = _free_port()
        web_url = f"http://127.0.0.1:{port}"
        server, _ = _start(
            "uvicorn-traced",
            [str(BIN / "uvicorn"), "fabrica.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
            {**stack.env, **_traced_env(collector.url)},
            stack.tmp,
        )
        try:
            _wait_for("traced uvicorn", lambda: _healthz_ok(web_url), [server])
            new = {"style": "cartoon", "num_pages": 5, "theme": "um gato que divide", "language": "pt-BR"}
            created = api.post(f"{web_url}/api/v1/books/", json=new, timeout=10)
            assert created.status_code == 202, created.text
            book_id = created.json()["id"]
            assert _wait_generated(api, f"{web_url}/api/v1/books/{book_id}/")["status"] == "generated"

            def complete(spans):
                names = [s["name"] for s in spans if s["attributes"].get("book.id") == book_id]
                return "pdf.build" in names and "run/books.tasks.book_assemble" in names

            spans = collector.wait_for(complete)
        finally:
            _stop(server)

    book = [s for s in spans if s["attributes"].get("book.id") == book_id]
    post = [s for s in book if s["service"] == "fabrica-web" and s["name"].startswith("POST")]
    assert post, sorted({s["name"] for s in book})
    assert {s["trace"] for s in book} == {post[0]["trace"]}, "the book is one trace"
    worker = {s["name"] for s in book if s["service"] == "fabrica-worker"}
    assert {"run/books.tasks.book_write_story", "run/books.tasks.book_draw_page", "queue.wait"} <= worker
    assert {"ai.provider.call", "image.qc", "pdf.build"} <= worker
    assert any(s["name"].startswith(("SELECT", "UPDATE", "INSERT")) for s in book), "psycopg spans"
