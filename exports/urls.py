from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("<uuid:book_id>/exports/", views.export_panel, name="panel"),
    # The format is any string so an unknown one gets a clear 400, not a bare 404.
    path("<uuid:book_id>/export/<str:format>/", views.export_file, name="file"),
]
