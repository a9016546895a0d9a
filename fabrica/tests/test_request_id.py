"""Every log line names its request; a task queued by a request logs the same id."""

from __future__ import annotations

import io
import json
import logging
from types import SimpleNamespace

import pytest

from fabrica.celery import _task_request_id_restore, _task_request_id_send, _task_request_id_set
from fabrica.log import JsonFormatter, RequestIdFilter, request_id_get, request_id_reset, request_id_set


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("fabrica.tests.request_id")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)


def _lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_response_carries_a_new_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert len(first) == 32 and first != second


def test_the_proxys_request_id_is_kept_and_a_forged_one_replaced(client):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.91")["X-Request-ID"]
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x"}\n{"level": "CRITICAL')["X-Request-ID"]

    assert kept == "lb-7f3a.91"
    assert forged != 'x"}\n{"level": "CRITICAL' and len(forged) == 32


def test_log_lines_are_json_with_the_request_id(json_log):
    logger, stream = json_log
    token = request_id_set("req-123")
    try:
        logger.warning("page %s failed", 3)
    finally:
        request_id_reset(token)
    logger.info("outside any request")

    inside, outside = _lines(stream)
    assert inside["message"] == "page 3 failed"
    assert (inside["level"], inside["request_id"]) == ("WARNING", "req-123")
    assert outside["request_id"] == "-"


def test_a_queued_task_carries_the_request_id_into_the_worker(json_log):
    logger, stream = json_log
    headers: dict = {}
    token = request_id_set("req-456")
    try:
        _task_request_id_send(headers=headers)
    finally:
        request_id_reset(token)
    # In the worker: the header arrives as an attribute of the task's request.
    task = SimpleNamespace(request=SimpleNamespace(request_id=headers["request_id"]))

    _task_request_id_set(task=task)
    logger.info("drawing a page")
    _task_request_id_restore(task=task)

    assert _lines(stream)[0]["request_id"] == "req-456"
    assert request_id_get() == ""


def test_a_task_queued_outside_a_request_gets_no_header():
    headers: dict = {}

    _task_request_id_send(headers=headers)

    assert "request_id" not in headers
