"""Request middleware of the operations side: how long each request takes (for Prometheus), the
request id every log line of the request carries, and the Content Security Policy header."""

from __future__ import annotations

import time
from http import HTTPStatus

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.core.exceptions import DisallowedHost

from fabrica.log import request_id_from, request_id_reset, request_id_set
from fabrica.metrics import REQUEST_SECONDS


class RequestMetricsMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self._acall(request)
        started = time.perf_counter()
        response = self.get_response(request)
        _observe(request, response, time.perf_counter() - started)
        return response

    async def _acall(self, request):
        started = time.perf_counter()
        response = await self.get_response(request)
        _observe(request, response, time.perf_counter() - started)
        return response


# Every label comes from a fixed set: anything a client can choose freely (a method named M123, a
# made-up path) would otherwise add a new series, 13 lines of /metrics each, until memory runs out.
KNOWN_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
KNOWN_STATUSES = frozenset(str(status.value) for status in HTTPStatus)


def _observe(request, response, seconds: float) -> None:
    REQUEST_SECONDS.labels(
        method=_method_label(request.method),
        view=_view_label(request),
        status=_status_label(response.status_code),
    ).observe(seconds)


def _method_label(method: str | None) -> str:
    return method if method in KNOWN_METHODS else "other"


def _view_label(request) -> str:
    # The URL pattern's name, not the path: one series per route, however many books there are.
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else "unmatched"


def _status_label(status_code: int) -> str:
    code = str(status_code)
    return code if code in KNOWN_STATUSES else f"{code[:1]}xx"


class RequestIdMiddleware:
    """Gives the request an id (the proxy's ``X-Request-ID`` or a new one) and answers with it."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self._acall(request)
        request.request_id = request_id_from(request.headers.get("X-Request-ID"))
        token = request_id_set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_reset(token)
        response["X-Request-ID"] = request.request_id
        return response

    async def _acall(self, request):
        request.request_id = request_id_from(request.headers.get("X-Request-ID"))
        token = request_id_set(request.request_id)
        try:
            response = await self.get_response(request)
        finally:
            request_id_reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, letting the page open WebSockets to the host that served it.

    ``connect-src 'self'`` covers ws:/wss: of the same host only in CSP Level 3 browsers; naming
    the host keeps older ones working without allowing sockets to anywhere else.
    """

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        try:
            host = request.get_host()
        except DisallowedHost:
            return parts
        sockets = [f"wss://{host}"] if request.is_secure() else [f"ws://{host}", f"wss://{host}"]
        update = dict(parts.update or {})
        already = update.get("connect-src") or []
        update["connect-src"] = [*([already] if isinstance(already, str) else already), *sockets]
        parts.update = update
        return parts
