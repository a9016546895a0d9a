"""When the database cannot be reached, answer 503 with the friendly page instead of a 500.

A lost database is an outage, not a bug: the visitor is asked to try again in a moment
(``Retry-After``), API clients get the JSON error shape, and load balancers see 503.
Whichever layer met the error (a view, the session or user lookup in another middleware),
Django reports it through ``got_request_exception`` before rendering its 500 page; the request
is marked there, and this middleware, placed near the top of ``MIDDLEWARE``, swaps the 500
for the 503.
"""

from __future__ import annotations

import logging
import sys

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
_MARK = "_fabrica_database_unavailable"


def database_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached or dropped the connection (not a bad query)."""
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        if not isinstance(exc, DatabaseError):
            # psycopg's own errors arrive wrapped by Django; follow the chain once more.
            exc = exc.__cause__ or exc.__context__
            continue
        return False
    return False


@receiver(got_request_exception, dispatch_uid="fabrica.db_unavailable")
def _mark_request(sender, request=None, **kwargs) -> None:
    if request is not None and database_unavailable(sys.exc_info()[1]):
        setattr(request, _MARK, True)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        message = _("The service is briefly unavailable. Please try again in a few seconds.")
        response = JsonResponse(
            {"error": {"code": "service_unavailable", "message": message, "details": {}}}, status=503
        )
    else:
        # Rendered without context processors: they would ask the database again.
        try:
            body = loader.get_template("503.html").render({"request": request, "plain_error_page": True})
        except Exception:  # the page itself must not fail; fall back to a line of text
            logger.exception("The 503 page could not be rendered")
            body = "<h1>We will be right back.</h1>"
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self._acall(request)
        return self._answer(request, self.get_response(request))

    async def _acall(self, request):
        return self._answer(request, await self.get_response(request))

    def _answer(self, request, response):
        if response.status_code == 500 and getattr(request, _MARK, False):
            logger.warning("database unavailable: %s %s answered 503", request.method, request.path)
            return unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if database_unavailable(exception):
            return unavailable_response(request)
        return None
