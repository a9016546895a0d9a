from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from accounts.views import home


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("books/", include("books.urls")),
    path("books/", include("exports.urls")),
    path("me/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
