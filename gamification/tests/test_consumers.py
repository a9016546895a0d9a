"""Toasts over Channels: every open page of the user gets them, nobody else does."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from gamification.models import MissionTemplate
from gamification.routing import websocket_urlpatterns
from gamification.tests.factories import book_generated

pytestmark = pytest.mark.django_db(transaction=True)


def _communicator(user) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/me/events/")
    communicator.scope["user"] = user
    return communicator


def _first_book(user) -> None:
    with transaction.atomic():  # toasts leave after commit, from a worker thread as in Celery
        book_generated(user)


def test_every_open_page_of_the_user_gets_the_badge_toast_and_others_get_nothing(owner, other_user):
    owner.language = "en"  # toasts speak the user's language, whatever the worker's
    owner.save()
    MissionTemplate.objects.update(is_active=False)  # today's missions depend on the date; none here

    async def watch():
        tab_one, tab_two, stranger = _communicator(owner), _communicator(owner), _communicator(other_user)
        for communicator in (tab_one, tab_two, stranger):
            connected, _ = await communicator.connect()
            assert connected
        await sync_to_async(_first_book, thread_sensitive=False)(owner)
        toasts = [await tab_one.receive_json_from(timeout=3), await tab_two.receive_json_from(timeout=3)]
        nothing = await stranger.receive_nothing(timeout=0.3)
        for communicator in (tab_one, tab_two, stranger):
            await communicator.disconnect()
        return toasts, nothing

    toasts, nothing = async_to_sync(watch)()
    assert [toast["kind"] for toast in toasts] == ["badge", "badge"]
    assert toasts[0]["title"] == "New badge: First book"
    assert toasts[0]["url"] == "/me/progress/"
    assert nothing


def test_a_visitor_who_is_not_signed_in_is_refused():
    async def attempt():
        communicator = _communicator(AnonymousUser())
        connected, code = await communicator.connect()
        await communicator.disconnect()
        return connected, code

    connected, code = async_to_sync(attempt)()
    assert not connected
    assert code == 4401
