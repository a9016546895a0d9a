"""The progress socket: the owner gets live snapshots, anyone else is turned away."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from books.models import Book, Page
from books.progress import progress_notify
from books.routing import websocket_urlpatterns
from books.tests.factories import book_factory

pytestmark = pytest.mark.django_db(transaction=True)


def _communicator(user, book) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/books/{book.id}/progress/")
    communicator.scope["user"] = user
    return communicator


def _finish_first_page(book: Book) -> None:
    Page.objects.filter(book=book, number=1).update(status=Page.Status.DONE)
    Book.objects.filter(id=book.id).update(progress=26)
    progress_notify(book.id)  # called from a worker thread, as Celery would


def test_the_owner_gets_the_current_state_then_live_changes(owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING, progress=10)

    async def watch():
        communicator = _communicator(owner, book)
        connected, _ = await communicator.connect()
        assert connected
        first = await communicator.receive_json_from()
        await sync_to_async(_finish_first_page, thread_sensitive=False)(book)
        second = await communicator.receive_json_from(timeout=3)
        await communicator.disconnect()
        return first, second

    first, second = async_to_sync(watch)()
    assert (first["status"], first["progress"], first["pages_done"]) == ("generating", 10, 0)
    assert (second["progress"], second["pages_done"]) == (26, 1)
    assert second["pages"][0]["thumbnail_url"].endswith("/pages/1/thumbnail.png")


@pytest.mark.parametrize("who", ["other", "anonymous"])
def test_anyone_but_the_owner_is_refused(owner, other_user, who):
    book = book_factory(owner=owner)
    user = other_user if who == "other" else AnonymousUser()

    async def attempt():
        communicator = _communicator(user, book)
        connected, code = await communicator.connect()
        await communicator.disconnect()
        return connected, code

    connected, code = async_to_sync(attempt)()
    assert not connected
    assert code == 4404
