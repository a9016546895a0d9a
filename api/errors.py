"""One error shape for every failure: ``{"error": {"code", "message", "details"}}``.

DRF's own exceptions (validation, authentication, throttling, 404, 405, 415) and the apps'
``ApplicationError`` subclasses all come through ``api_exception_handler``; each
``ApplicationError`` answers with its own ``status_code``.
"""

from __future__ import annotations

import math
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from fabrica.errors import ApplicationError

# Asked of a client over a limit that has no fixed reset time (books being drawn at once).
QUOTA_RETRY_AFTER = 60


def api_exception_handler(exc, context):
    response = _error_response(exc, context)
    if response is not None:
        _render_as_json(context.get("request"))
    return response


def _error_response(exc, context) -> Response | None:
    if isinstance(exc, ApplicationError):
        return _application_error(exc)
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500 handling and logging take over
    response.data = error_body(_code(exc), _message(exc), _details(exc))
    return response


def _render_as_json(request) -> None:
    """An error is JSON even where the client asked for a file (``Accept: image/png``, ``?format=file``)."""
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type


class NotFound(APIView):
    """Any other address under ``/api/``: a 404 in the error shape, not the site's HTML page.

    It also catches ids the URL converters refuse (``/books/0.5/``), which would otherwise fall
    through to Django's HTML 404.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    schema = None  # not an operation of the API

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise Http404


def error_body(code: str, message, details) -> dict:
    return {"error": {"code": code, "message": str(message), "details": details}}


def _application_error(exc: ApplicationError) -> Response:
    details = exc.details
    if exc.status_code == status.HTTP_400_BAD_REQUEST:
        details = _as_field_messages(details)
    response = Response(error_body(exc.code, exc.message, details), status=exc.status_code)
    if exc.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        response["Retry-After"] = str(_retry_after(details))
    return response


def _retry_after(details: dict) -> int:
    resets_at = details.get("resets_at") if isinstance(details, dict) else None
    when = parse_datetime(resets_at) if isinstance(resets_at, str) else resets_at
    if isinstance(when, datetime):
        return max(1, math.ceil((when - timezone.now()).total_seconds()))
    return QUOTA_RETRY_AFTER


def _as_field_messages(details) -> dict:
    """``{field: [messages]}``, the shape DRF's own validation errors have."""
    if not isinstance(details, dict):
        return {"non_field_errors": [str(details)]} if details else {}
    return {
        field: [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]
        for field, value in details.items()
    }


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    return getattr(exc, "default_code", "error")


def _message(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return _("Some of the data sent is not valid.")
    return str(exc.detail)


def _details(exc: exceptions.APIException) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            return detail
        return {"non_field_errors": detail if isinstance(detail, list) else [detail]}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        return {"retry_after": math.ceil(exc.wait)}
    return {}
