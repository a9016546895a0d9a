from django.urls import path

from books.consumers import BookProgressConsumer

websocket_urlpatterns = [
    path("ws/books/<uuid:book_id>/progress/", BookProgressConsumer.as_asgi()),
]
