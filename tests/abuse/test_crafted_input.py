"""Crafted addresses and parameters answer 4xx, never 500: JSON under /api/, the site's pages elsewhere.

Each of these was a 500 (with a traceback in the log) in a probe of the production run. A NUL
byte only fails on PostgreSQL (tests/integration/test_abuse.py sends these to the real stack);
here the test checks that it never reaches a query at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test import RequestFactory
from rest_framework.test import APIClient

from accounts.tokens import api_token_create
from books.models import Book
from books.sharing import share_link_create
from books.tests.factories import book_factory
from fabrica.views import server_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(owner) -> APIClient:
    _token, raw_key = api_token_create(user=owner, name="crafted")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


@contextmanager
def _query_params() -> Iterator[list]:
    """Every parameter sent to the database meanwhile."""
    seen: list = []

    def record(execute, sql, params, many, context):
        seen.extend(params or ())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


def _no_nul_in(params: list) -> bool:
    return not any(isinstance(value, str) and "\x00" in value for value in params)


def test_a_share_token_with_a_nul_byte_is_a_404_without_a_query(client, catalog):
    with _query_params() as params:
        response = client.get("/s/%00/")
    assert response.status_code == 404
    assert _no_nul_in(params)


def test_a_search_with_a_nul_byte_is_only_a_search(owner_client, owner):
    book_factory(owner=owner, title="A lua e o gato")
    with _query_params() as params:
        response = owner_client.get("/books/", {"q": "\x00lua\x00"})
    assert response.status_code == 200
    assert "A lua e o gato" in response.content.decode()
    assert _no_nul_in(params)


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"date_to": "9999-12-31"}, True),
        ({"date_from": "0001-01-01"}, True),
        ({"date_from": "9999-12-31"}, False),
        ({"date_to": "0001-01-01"}, False),
    ],
)
def test_dates_at_the_ends_of_the_calendar_filter_without_failing(owner_client, owner, params, shown):
    book_factory(owner=owner, title="A lua e o gato")
    response = owner_client.get("/books/", params)
    assert response.status_code == 200
    assert ("A lua e o gato" in response.content.decode()) is shown


@pytest.mark.parametrize("key", ["%C2%B2", "%00", "%E0%A5%A7", "x" * 65])
def test_a_share_key_that_is_neither_an_id_nor_a_token_is_a_json_404(api, owner, key):
    book = book_factory(owner=owner, status=Book.Status.GENERATED)
    link = share_link_create(book=book, expiry="7d")
    with _query_params() as params:
        response = api.delete(f"/api/v1/books/{book.id}/share/{key}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert _no_nul_in(params)
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_share_link_is_still_revoked_by_its_id_or_its_token(api, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATED)
    by_id, by_token = share_link_create(book=book, expiry="7d"), share_link_create(book=book, expiry="7d")
    assert api.delete(f"/api/v1/books/{book.id}/share/{by_id.id}/").status_code == 204
    assert api.delete(f"/api/v1/books/{book.id}/share/{by_token.token}/").status_code == 204
    by_id.refresh_from_db(), by_token.refresh_from_db()
    assert by_id.revoked_at and by_token.revoked_at


def test_google_sign_in_is_a_404_when_google_is_not_set_up(client, catalog):
    for path in ("/accounts/google/login/", "/accounts/google/login/callback/?code=x&state=y"):
        response = client.get(path)
        assert response.status_code == 404, path
    assert client.post("/accounts/google/login/token/", {"access_token": "x"}).status_code == 404
    assert "Google" not in client.get("/accounts/login/").content.decode()
    assert "Continue with Google" not in client.get("/").content.decode()


def test_google_sign_in_still_starts_when_google_is_set_up(client, catalog, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {"APPS": [{"client_id": "id.apps.googleusercontent.com", "secret": "secret", "key": ""}]}
    }
    response = client.post("/accounts/google/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("https://accounts.google.com/o/oauth2/")


def test_a_websocket_to_an_unknown_address_is_refused_at_the_handshake():
    from fabrica.asgi import application

    async def handshake(path: str):
        communicator = WebsocketCommunicator(application, path, headers=[(b"origin", b"http://localhost")])
        connected, _code = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert async_to_sync(handshake)("/ws/no-such-thing/") is False
    assert async_to_sync(handshake)("/ws/books/not-a-uuid/progress/") is False


def test_a_server_error_under_the_api_answers_in_the_json_error_shape():
    response = server_error(RequestFactory().get("/api/v1/books/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    error = json.loads(response.content)["error"]
    assert error["code"] == "error" and error["message"] and error["details"] == {}
    assert server_error(RequestFactory().get("/books/"))["Content-Type"].startswith("text/html")
