"""Structured logs: one JSON object per line, each carrying the id of the request that caused it.

The id comes from the ``X-Request-ID`` header of a trusted proxy or is made up at the door
(``fabrica.middleware.RequestIdMiddleware``); Celery carries it in the task's headers, so a
page drawn in the worker logs the id of the click that asked for the book.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar, Token
from datetime import UTC, datetime

from celery.signals import task_failure, task_postrun, task_prerun, task_success

_request_id: ContextVar[str] = ContextVar("request_id", default="")
VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id_get() -> str:
    return _request_id.get()


def request_id_set(value: str) -> Token:
    return _request_id.set(value)


def request_id_reset(token: Token) -> None:
    _request_id.reset(token)


def request_id_from(header: str | None) -> str:
    """The proxy's id when it looks like one, else a new one (a header must not forge log lines)."""
    if header and VALID_ID.match(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# --- one line per Celery task, carrying the id of the request that queued it --------------------
# (fabrica.celery restores the id in task_postrun, so the closing line is written on
# task_success/task_failure, which come before it.)

task_logger = logging.getLogger("fabrica.tasks")
_task_started: dict[str, float] = {}


@task_prerun.connect
def _task_log_start(task_id=None, task=None, **kwargs):
    _task_started[task_id] = time.monotonic()
    task_logger.debug("task %s[%s] started", getattr(task, "name", "?"), task_id)


@task_success.connect
def _task_log_success(sender=None, **kwargs):
    task_id = getattr(getattr(sender, "request", None), "id", None)
    task_logger.info("task %s[%s] succeeded in %s", sender.name, task_id, _task_seconds(task_id))


@task_failure.connect
def _task_log_failure(sender=None, task_id=None, exception=None, **kwargs):
    task_logger.warning(
        "task %s[%s] failed in %s: %r",
        getattr(sender, "name", "?"),
        task_id,
        _task_seconds(task_id),
        exception,
    )


@task_postrun.connect
def _task_log_forget(task_id=None, **kwargs):
    _task_started.pop(task_id, None)


def _task_seconds(task_id: str | None) -> str:
    started = _task_started.get(task_id)
    return f"{time.monotonic() - started:.2f} s" if started is not None else "? s"
