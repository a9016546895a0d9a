from django.urls import path

from accounts import views, views_privacy

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("preferences/", views.preferences, name="preferences"),
    path("tokens/", views.token_create, name="token_create"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("privacy/", views_privacy.consents, name="consents"),
    path("data-export/", views_privacy.data_export_start, name="data_export_start"),
    path("data-export/status/", views_privacy.data_export_status, name="data_export_status"),
    path(
        "data-export/<uuid:export_id>/download/",
        views_privacy.data_export_download,
        name="data_export_download",
    ),
    path("delete/", views_privacy.delete_account, name="delete_account"),
]
