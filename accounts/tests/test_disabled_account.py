"""A disabled account publishes nothing: its share links, signed downloads and WebSockets end, and
enabling it again brings back the share links that were working."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.backoffice import user_disable, user_enable
from accounts.consumers import CLOSED_BY_STAFF
from api.tests.conftest import token_client
from books.models import Book, ShareLink
from books.routing import websocket_urlpatterns as book_sockets
from books.sharing import share_link_create, share_link_revoke
from books.tests.factories import book_factory
from exports.services import export_build
from exports.tests.factories import generated_book
from gamification.routing import websocket_urlpatterns as user_sockets


@pytest.fixture
def book(owner) -> Book:
    return generated_book(owner=owner)


@pytest.fixture
def link(book) -> ShareLink:
    return share_link_create(book=book, expiry=ShareLink.Expiry.WEEK)


def _disabled(user):
    user_disable(user=user)
    user.refresh_from_db()
    return user


@pytest.mark.django_db
def test_a_disabled_owners_share_page_is_gone_until_the_account_is_enabled(owner, link):
    page = reverse("share:book", args=[link.token])
    assert Client().get(page).status_code == 200

    _disabled(owner)
    response = Client().get(page)
    assert response.status_code == 410
    assert "This book is not available right now." in response.content.decode()
    for name in ("cover", "download"):
        assert Client().get(reverse(f"share:{name}", args=[link.token])).status_code == 410
    assert Client().get(reverse("share:page", args=[link.token, 1])).status_code == 410

    user_enable(user=owner)
    assert Client().get(page).status_code == 200


@pytest.mark.django_db
def test_enabling_the_account_does_not_bring_back_a_revoked_link(owner, link, book):
    revoked = share_link_revoke(link=share_link_create(book=book, expiry=ShareLink.Expiry.WEEK))
    _disabled(owner)
    user_enable(user=owner)
    assert Client().get(reverse("share:book", args=[link.token])).status_code == 200
    assert Client().get(reverse("share:book", args=[revoked.token])).status_code == 410


@pytest.mark.django_db
def test_a_disabled_owners_book_builds_no_pdf_through_a_share_token(owner, link, book):
    url = reverse("exports:file", args=[book.id, "print"]) + f"?share={link.token}"
    _disabled(owner)
    assert Client().get(url).status_code == 404
    assert Client().get(reverse("share:download", args=[link.token])).status_code == 410
    assert not book.exports.exists()  # nothing was queued


@pytest.mark.django_db
def test_a_signed_download_link_stops_while_the_account_is_disabled(owner, book):
    api = token_client(owner)
    first = api.post(f"/api/v1/books/{book.id}/exports/", {"format": "digital"}, format="json")
    export_build(export_id=first.json()["id"])
    url = api.post(f"/api/v1/books/{book.id}/exports/", {"format": "digital"}, format="json").json()[
        "download_url"
    ]

    _disabled(owner)
    assert APIClient().get(url).status_code == 404

    user_enable(user=owner)
    assert APIClient().get(url).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_disabling_closes_the_users_open_websockets(owner, other_user):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    others_book = book_factory(owner=other_user, status=Book.Status.GENERATING)

    def socket(routes, path, user) -> WebsocketCommunicator:
        communicator = WebsocketCommunicator(URLRouter(routes), path)
        communicator.scope["user"] = user
        return communicator

    async def watch():
        progress = socket(book_sockets, f"/ws/books/{book.id}/progress/", owner)
        events = socket(user_sockets, "/ws/me/events/", owner)
        bystander = socket(book_sockets, f"/ws/books/{others_book.id}/progress/", other_user)
        for communicator in (progress, events, bystander):
            assert (await communicator.connect())[0]
        await progress.receive_json_from()
        await bystander.receive_json_from()
        await sync_to_async(user_disable, thread_sensitive=False)(user=owner)
        closed = [await progress.receive_output(timeout=3), await events.receive_output(timeout=3)]
        bystander_quiet = await bystander.receive_nothing(timeout=0.3)
        await bystander.disconnect()
        return closed, bystander_quiet

    closed, bystander_quiet = async_to_sync(watch)()
    assert closed == [{"type": "websocket.close", "code": CLOSED_BY_STAFF}] * 2
    assert bystander_quiet


@pytest.mark.django_db(transaction=True)
def test_a_disabled_user_cannot_open_a_websocket(owner):
    owner.is_active = False

    async def attempt():
        communicator = WebsocketCommunicator(URLRouter(user_sockets), "/ws/me/events/")
        communicator.scope["user"] = owner
        connected, _code = await communicator.connect()
        return connected

    assert not async_to_sync(attempt)()
