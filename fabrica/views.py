"""Site-wide pages: the friendly error pages and the styles' public sample pictures."""

from __future__ import annotations

import logging

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.views.decorators.cache import cache_control
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions

from books.models import Style

logger = logging.getLogger(__name__)

# How long a visitor over a rate limit is asked to wait; the limits count per minute.
RATE_LIMIT_RETRY_AFTER = 60
# Under /api/ a client reads JSON: the API's error shape, with DRF's (translated) words.
_API_ERRORS = {
    400: exceptions.ParseError,
    403: exceptions.PermissionDenied,
    404: exceptions.NotFound,
    429: exceptions.Throttled,
    500: exceptions.APIException,
}


def _error_page(request: HttpRequest, status: int) -> HttpResponse:
    if _is_api(request):
        return _api_error(status)
    return render(request, f"{status}.html", status=status)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _api_error(status: int) -> JsonResponse:
    error = _API_ERRORS[status]
    body = {"error": {"code": error.default_code, "message": str(error.default_detail), "details": {}}}
    return JsonResponse(body, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _error_page(request, 400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if isinstance(exception, Ratelimited):
        return too_many_requests(request)
    return _error_page(request, 403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _error_page(request, 404)


def gone(request: HttpRequest) -> HttpResponse:
    """For links that existed and expired (a share link past its date, a purged book)."""
    return _error_page(request, 410)


def too_many_requests(request: HttpRequest, exception=None) -> HttpResponse:
    response = _error_page(request, 429)
    response["Retry-After"] = str(RATE_LIMIT_RETRY_AFTER)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without context processors: whatever broke (the database, the cache) may break them too."""
    if _is_api(request):
        return _api_error(500)
    try:
        body = loader.get_template("500.html").render({"request": request, "plain_error_page": True})
    except Exception:  # the page itself must not fail; fall back to a line of text
        logger.exception("The 500 page could not be rendered")
        body = "<h1>Something went wrong on our side.</h1>"
    return HttpResponse(body, status=500)


@cache_control(public=True, max_age=3600)
def style_sample(request: HttpRequest, slug: str) -> FileResponse:
    style = get_object_or_404(Style, slug=slug, is_active=True)
    if not style.sample_image:
        raise Http404
    return FileResponse(style.sample_image.open("rb"), content_type="image/png")
