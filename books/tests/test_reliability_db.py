"""The database out of reach: 503 with the friendly page (or the API's error shape), never a 500."""

from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import OperationalError, ProgrammingError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from fabrica.db_unavailable import database_unavailable

pytestmark = pytest.mark.django_db


@contextmanager
def database_down():
    def refuse(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse):
        yield


@pytest.fixture
def browser(owner) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    return client


def test_a_page_answers_503_with_the_friendly_page(browser):
    with database_down():
        response = browser.get("/books/")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    body = response.content.decode()
    assert "We will be right back" in body
    assert "Traceback" not in body and "OperationalError" not in body


def test_a_visitor_gets_the_same_page(client, catalog):
    anonymous = Client(raise_request_exception=False)
    with database_down():
        response = anonymous.get("/accounts/login/")
    assert response.status_code == 503
    assert "We will be right back" in response.content.decode()


def test_a_form_sent_while_the_database_is_down_answers_503_and_makes_nothing(browser, owner):
    from books.models import Book

    with database_down():
        response = browser.post("/books/new/", {"style": "cartoon", "num_pages": "5", "theme": "x"})
    assert response.status_code == 503
    assert not Book.objects.exists()


def test_the_api_answers_503_in_its_error_shape(owner):
    from api.tests.conftest import token_client

    api = token_client(owner)
    api.raise_request_exception = False
    with database_down():
        response = api.get("/api/v1/books/")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_readyz_names_the_database(client):
    with database_down():
        response = Client(raise_request_exception=False).get("/readyz")
    assert response.status_code == 503
    assert "database" in response.json()["failed"]


def test_the_site_works_again_once_the_database_is_back(browser):
    with database_down():
        assert browser.get("/books/").status_code == 503
    assert browser.get("/books/").status_code == 200


def test_a_bug_in_a_query_is_still_a_500():
    assert database_unavailable(OperationalError("server closed the connection unexpectedly"))
    assert not database_unavailable(ProgrammingError('relation "nope" does not exist'))
    assert not database_unavailable(ValueError("a bug"))
