from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.webhook_list, name="list"),
    path("<int:webhook_id>/delete/", views.webhook_remove, name="delete"),
    path("<int:webhook_id>/enable/", views.webhook_turn_on, name="enable"),
    path("<int:webhook_id>/test/", views.webhook_send_test, name="test"),
]
