"""Liveness and readiness probes.

``/healthz`` answers as long as the process serves requests and touches nothing else, so an
orchestrator never restarts a web process because Redis is down. ``/readyz`` checks what a
request needs (database, cache, broker, storage) and answers 503 naming what failed, so a
load balancer stops sending traffic to a process that cannot serve it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

# Seconds a probe may wait for the broker; load balancers time out their probes in a few seconds.
BROKER_TIMEOUT = 2.0


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    key, token = "readyz:probe", uuid.uuid4().hex
    cache.set(key, token, timeout=10)
    if cache.get(key) != token:
        raise RuntimeError("the cache did not return what was just written")


def _broker() -> None:
    from fabrica.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT)


def _storage() -> None:
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "cache": _cache,
    "broker": _broker,
    "storage": _storage,
}


def readiness() -> dict[str, str]:
    """Each check's result: ``"ok"`` or the class of the error (details go to the log, not the probe)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure means "not ready"; which one is in the log
            logger.warning("readiness check %s failed: %r", name, exc)
            results[name] = f"failed: {type(exc).__name__}"
        else:
            results[name] = "ok"
    return results


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = readiness()
    failed = [name for name, result in checks.items() if result != "ok"]
    body = {"status": "fail" if failed else "ok", "checks": checks, "failed": failed}
    return JsonResponse(body, status=503 if failed else 200)
