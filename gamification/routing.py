from django.urls import path

from gamification.consumers import UserEventsConsumer

websocket_urlpatterns = [
    path("ws/me/events/", UserEventsConsumer.as_asgi()),
]
