"""Webhooks on the real stack: the Celery worker delivers to a real HTTP server on 127.0.0.1.

The receiver checks every request with the snippet docs/api.md shows (``webhooks/verify.py``).
The worker runs with short retry waits and small limits so retries, timeouts and turning a
failing webhook off all happen within the test.
"""

from __future__ import annotations

import json
import time

import pytest
import requests

from tests.integration.conftest import DEMO_EMAIL, Stack
from webhooks.tests.receiver import Answer, Receiver
from webhooks.verify import verify_fabrica_signature

pytestmark = [pytest.mark.integration]

WAIT = 120  # seconds for a book to be drawn, or an event to arrive with its retries
WORKER_ENV = {
    "WEBHOOKS_RETRY_BASE_SECONDS": "0.2",
    "WEBHOOKS_MAX_ATTEMPTS": "3",
    "WEBHOOKS_READ_TIMEOUT": "1",
    "WEBHOOKS_DISABLE_AFTER_FAILURES": "2",
}


@pytest.fixture(scope="module")
def worker(stack: Stack):
    with stack.worker_env(**WORKER_ENV):
        yield stack


@pytest.fixture(scope="module")
def api(stack: Stack) -> requests.Session:
    raw_key = stack.manage("api_token", DEMO_EMAIL, "--name", "webhooks").strip()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {raw_key}"
    return session


@pytest.fixture
def receiver():
    with Receiver() as server:
        yield server


def _register(stack: Stack, api: requests.Session, url: str, events: list[str]) -> dict:
    response = api.post(f"{stack.base_url}/api/v1/webhooks/", json={"url": url, "events": events}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def _unregister(stack: Stack, api: requests.Session, webhook: dict) -> None:
    assert api.delete(f"{stack.base_url}/api/v1/webhooks/{webhook['id']}/", timeout=10).status_code == 204


def _poll(api: requests.Session, url: str, done: tuple[str, ...]) -> dict:
    deadline = time.monotonic() + WAIT
    while (body := api.get(url, timeout=10).json())["status"] not in done:
        if time.monotonic() > deadline:
            pytest.fail(f"{url} still {body['status']} after {WAIT} s")
        time.sleep(0.5)
    return body


def _deliveries(stack: Stack, api: requests.Session, webhook: dict, count: int) -> list[dict]:
    """The webhook's log once ``count`` attempts are finished (oldest first)."""
    deadline = time.monotonic() + 30
    while True:
        rows = api.get(webhook["deliveries_url"], timeout=10).json()["results"]
        finished = [row for row in rows if row["outcome"] not in ("pending", "sending")]
        if len(finished) >= count or time.monotonic() > deadline:
            return sorted(rows, key=lambda row: (row["created_at"], row["attempt"]))
        time.sleep(0.3)


def _verified(request, secret: str) -> dict:
    headers = request.headers
    assert verify_fabrica_signature(
        secret, request.body, headers["X-Fabrica-Timestamp"], headers["X-Fabrica-Signature"]
    ), "the documented snippet refuses the signature"
    body = json.loads(request.body)
    assert body["id"] == headers["X-Fabrica-Event-Id"] and body["type"] == headers["X-Fabrica-Event"]
    return body


def _export(stack: Stack, api: requests.Session, book_id: str, **options) -> dict:
    asked = api.post(f"{stack.base_url}/api/v1/books/{book_id}/exports/", json=options, timeout=10)
    assert asked.status_code == 202, asked.text  # a new file: it will be made, and announced
    return asked.json()


@pytest.fixture(scope="module")
def generated(worker, api):
    """A book made through the API while a webhook waits for ``book.generated``."""
    with Receiver() as receiver:
        webhook = _register(worker, api, receiver.url, ["book.generated"])
        new = {"style": "cartoon", "num_pages": 5, "theme": "um gato que divide", "language": "pt-BR"}
        created = api.post(f"{worker.base_url}/api/v1/books/", json=new, timeout=10)
        assert created.status_code == 202, created.text
        book = _poll(api, created.headers["Location"], ("generated", "failed"))
        assert book["status"] == "generated", book["error"]
        received = receiver.wait_for(1, timeout=30)
        log = _deliveries(worker, api, webhook, 1)
        _unregister(worker, api, webhook)
    return {"book": book, "webhook": webhook, "received": received, "log": log}


def test_a_generated_book_is_announced_with_a_signed_book_generated(generated):
    book, webhook = generated["book"], generated["webhook"]
    (request,) = generated["received"]
    body = _verified(request, webhook["secret"])
    assert body["type"] == "book.generated"
    assert body["data"]["id"] == book["id"] and body["data"]["status"] == "generated"
    assert [page["number"] for page in body["data"]["pages"]] == [1, 2, 3, 4, 5]
    assert request.headers["User-Agent"].startswith("FabricaDeLivros-Webhooks/")
    (row,) = generated["log"]
    assert row["outcome"] == "succeeded" and row["status_code"] == 200 and row["attempt"] == 1
    assert row["event_id"] == body["id"] and row["duration_ms"] is not None


def test_a_500_is_retried_and_the_retry_carries_the_same_event_id(worker, api, generated, receiver):
    receiver.plan(Answer(500, b"try later"), Answer(200))
    webhook = _register(worker, api, receiver.url, ["export.ready"])
    try:
        export = _export(worker, api, generated["book"]["id"], format="digital", paper="letter")
        first, second = receiver.wait_for(2, timeout=WAIT)[:2]
        log = _deliveries(worker, api, webhook, 2)
    finally:
        _unregister(worker, api, webhook)
    bodies = [_verified(first, webhook["secret"]), _verified(second, webhook["secret"])]
    assert bodies[0] == bodies[1] and bodies[0]["type"] == "export.ready"
    assert bodies[0]["data"]["id"] == export["id"] and bodies[0]["data"]["status"] == "ready"
    assert first.headers["X-Fabrica-Event-Id"] == second.headers["X-Fabrica-Event-Id"]
    assert [(row["attempt"], row["outcome"], row["status_code"]) for row in log] == [
        (1, "retrying", 500), (2, "succeeded", 200),
    ]  # fmt: skip
    assert log[0]["response_excerpt"] == "try later"
    assert {row["event_id"] for row in log} == {bodies[0]["id"]}


def test_an_endpoint_that_does_not_answer_in_time_gets_the_event_again(worker, api, generated, receiver):
    receiver.plan(Answer(200, delay=3), Answer(200))  # the worker waits 1 s for an answer
    webhook = _register(worker, api, receiver.url, ["export.ready"])
    try:
        _export(worker, api, generated["book"]["id"], format="zip")
        first, second = receiver.wait_for(2, timeout=WAIT)[:2]
        log = _deliveries(worker, api, webhook, 2)
    finally:
        _unregister(worker, api, webhook)
    assert first.headers["X-Fabrica-Event-Id"] == second.headers["X-Fabrica-Event-Id"]
    assert _verified(second, webhook["secret"])["type"] == "export.ready"
    assert log[0]["outcome"] == "retrying" and log[0]["status_code"] is None
    assert " 1 " in log[0]["error"]  # "did not answer within 1 seconds", in the user's language
    assert log[1]["outcome"] == "succeeded" and log[1]["attempt"] == 2


def test_an_endpoint_that_keeps_failing_is_turned_off(worker, api, generated, receiver):
    receiver.default = Answer(503)
    webhook = _register(worker, api, receiver.url, ["export.ready"])
    url = f"{worker.base_url}/api/v1/webhooks/{webhook['id']}/"
    try:
        for options in ({"format": "print", "paper": "letter"}, {"format": "digital", "paper": "a4"}):
            _export(worker, api, generated["book"]["id"], **options)
            # WEBHOOKS_MAX_ATTEMPTS = 3 for each event; the next event only once this one is given up
            receiver.wait_for(len(receiver.received) + 3, timeout=WAIT)
            _deliveries(worker, api, webhook, len(receiver.received))
        deadline = time.monotonic() + 30
        while (state := api.get(url, timeout=10).json())["is_active"] and time.monotonic() < deadline:
            time.sleep(0.3)
        log = _deliveries(worker, api, webhook, 6)
    finally:
        _unregister(worker, api, webhook)
    assert state["is_active"] is False, state
    assert state["disabled_at"] and "503" in state["disabled_reason"]  # the reason, in the user's language
    assert (
        len(receiver.received) == 6 and len({r.headers["X-Fabrica-Event-Id"] for r in receiver.received}) == 2
    )
    assert [row["outcome"] for row in log].count("failed") == 2
