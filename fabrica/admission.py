"""Admission at the door: a web process that already has WEB_MAX_INFLIGHT requests in hand
refuses the next one at once, politely, instead of queueing it behind the others until the
database pool times out halfway through.

The refusal is the same 503 as a database outage (fabrica/db_unavailable.py): ``Retry-After``,
the JSON error shape under /api/, the friendly page elsewhere, in the visitor's language (their
cookie or browser; the session is not read, that is the work being refused). Health probes and
static files are always let in: a busy process is alive, and its readiness is for /readyz to say.
"""

from __future__ import annotations

import logging
import threading

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from fabrica.db_unavailable import unavailable_response

logger = logging.getLogger(__name__)

EXEMPT_PATHS = ("/healthz", "/readyz", "/metrics")


class InFlight:
    """Requests this process is answering now; ``enter`` says whether one more may come in."""

    def __init__(self):
        self._lock = threading.Lock()
        self.count = 0

    def enter(self, limit: int) -> bool:
        with self._lock:
            if limit and self.count >= limit:
                return False
            self.count += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self.count -= 1


def _exempt(request: HttpRequest) -> bool:
    path = request.path_info
    return path in EXEMPT_PATHS or path.startswith(settings.STATIC_URL)


def refusal(request: HttpRequest) -> HttpResponse:
    logger.warning("web process saturated: %s %s answered 503", request.method, request.path)
    with translation.override(translation.get_language_from_request(request)):
        return unavailable_response(request)


class AdmissionMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.in_flight = InFlight()
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self._acall(request)
        if _exempt(request):
            return self.get_response(request)
        if not self.in_flight.enter(settings.WEB_MAX_INFLIGHT):
            return refusal(request)
        try:
            return self.get_response(request)
        finally:
            self.in_flight.leave()

    async def _acall(self, request):
        if _exempt(request):
            return await self.get_response(request)
        if not self.in_flight.enter(settings.WEB_MAX_INFLIGHT):
            return refusal(request)
        try:
            return await self.get_response(request)
        finally:
            self.in_flight.leave()
