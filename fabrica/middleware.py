"""Request middleware of the operations side: how long each request takes (for Prometheus), the
request id every log line of the request carries, and the Content Security Policy header."""

from __future__ import annotations

import time

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


def _observe(request, response, seconds: float) -> None:
    # The view's name, not the path: one series per route, however many books there are.
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match else "<unmatched>"
    status = str(response.status_code)
    REQUEST_SECONDS.labels(method=request.method, view=view, status=status).observe(seconds)


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
