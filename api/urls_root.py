"""/api/: the versioned API, its OpenAPI schema and its interactive docs (served from the sidecar package)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api.errors import NotFound

urlpatterns = [
    path("v1/", include("api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    # Keep last: any other address ending in "/" is a JSON 404 (without the slash, APPEND_SLASH redirects).
    # [\s\S] and \Z: a path with a newline in it is an address too.
    re_path(r"^[\s\S]*/\Z", NotFound.as_view(), name="api-not-found"),
]
