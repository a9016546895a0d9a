"""The site's URLs plus views that fail on purpose, for the error page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path
from django_ratelimit.exceptions import Ratelimited

from fabrica import views
from fabrica.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def _forbidden(request):
    raise PermissionDenied


def _rate_limited(request):
    raise Ratelimited


def _broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("boom/403/", _forbidden),
    path("boom/429/", _rate_limited),
    path("boom/500/", _broken),
    path("boom/410/", views.gone),
    *urlpatterns,
]


def broken_context_processor(request):
    raise RuntimeError("the database is down")
