from django.contrib import admin
from django.urls import include, path

from accounts.language import language_switch
from accounts.views import home, password_change
from fabrica import health, metrics, views

urlpatterns = [
    path("", home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("i18n/setlang/", language_switch, name="set_language"),
    path("styles/<slug:slug>/sample.png", views.style_sample, name="style_sample"),
    path("books/", include("books.urls")),
    path("books/", include("exports.urls")),
    path("me/", include("accounts.urls")),
    path("me/webhooks/", include("webhooks.urls")),
    path("", include("gamification.urls")),
    path("s/", include("books.urls_share")),
    path("api/", include("api.urls_root")),
    path("accounts/google/", include("accounts.urls_google")),
    # Before allauth's own: the same page, with "sign out everywhere else".
    path("accounts/password/change/", password_change, name="account_change_password"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "fabrica.views.bad_request"
handler403 = "fabrica.views.permission_denied"
handler404 = "fabrica.views.page_not_found"
handler500 = "fabrica.views.server_error"
