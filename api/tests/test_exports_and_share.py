"""Files and share links through the API."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from api.tests.conftest import assert_error
from books.models import Book, ShareLink
from books.tests.factories import book_factory
from exports.models import Export
from exports.services import export_build
from exports.tests.factories import generated_book

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(owner):
    return generated_book(owner=owner)


def _ready_export(api, book) -> dict:
    first = api.post(f"/api/v1/books/{book.id}/exports/", {"format": "digital"}, format="json")
    export_build(export_id=first.json()["id"])
    return api.post(f"/api/v1/books/{book.id}/exports/", {"format": "digital"}, format="json")


def test_asking_for_a_file_is_accepted_while_it_is_made(api, book):
    response = api.post(
        f"/api/v1/books/{book.id}/exports/", {"format": "print", "paper": "letter"}, format="json"
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending" and body["paper"] == "letter" and body["download_url"] is None
    assert response["Location"].endswith(f"/api/v1/exports/{body['id']}/")
    assert api.get(response["Location"]).json()["status"] == "pending"


def test_a_file_already_made_is_a_200_with_a_download_url_that_works(api, book):
    response = _ready_export(api, book)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready" and body["size_bytes"] > 0
    download = APIClient().get(body["download_url"])  # the signed link is enough on its own
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert Export.objects.get(id=body["id"]).download_count == 1


def test_the_download_url_stops_working_after_a_few_minutes(api, book, settings):
    url = _ready_export(api, book).json()["download_url"]
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.EXPORT_DOWNLOAD_URL_SECONDS + 5)):
        assert APIClient().get(url).status_code == 404


def test_a_tampered_download_url_is_a_404(api, book):
    url = _ready_export(api, book).json()["download_url"]
    assert APIClient().get(url.rstrip("/") + "x/").status_code == 404


def test_the_export_shows_a_fresh_download_url(api, book):
    export_id = _ready_export(api, book).json()["id"]
    body = api.get(f"/api/v1/exports/{export_id}/").json()
    assert body["status"] == "ready" and body["download_url"]


@pytest.mark.parametrize(
    "body, field",
    [({"format": "poster"}, "format"), ({"format": "print", "paper": "a3"}, "paper"), ({}, "format")],
)
def test_an_unknown_format_or_paper_is_a_400(api, book, body, field):
    details = assert_error(api.post(f"/api/v1/books/{book.id}/exports/", body, format="json"), 400, "invalid")
    assert field in details


def test_a_book_not_finished_has_no_files_yet(api, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    response = api.post(f"/api/v1/books/{book.id}/exports/", {"format": "print"}, format="json")
    assert_error(response, 409, "book_not_ready")


def test_another_users_export_is_a_404(api, other_api, book):
    export_id = api.post(f"/api/v1/books/{book.id}/exports/", {"format": "print"}, format="json").json()["id"]
    assert_error(other_api.get(f"/api/v1/exports/{export_id}/"), 404, "not_found")


def test_a_share_link_is_made_with_its_expiry(api, book):
    response = api.post(f"/api/v1/books/{book.id}/share/", {"expiry": "1d"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["url"].endswith(f"/s/{body['token']}/") and body["state"] == "active"
    expires_at = ShareLink.objects.get(id=body["id"]).expires_at
    assert timedelta(hours=23) < expires_at - timezone.now() <= timedelta(days=1)
    assert api.get(body["url"]).status_code == 200
    assert api.get(f"/api/v1/books/{book.id}/share/").json()["count"] == 1


def test_a_share_link_with_an_unknown_expiry_is_a_400(api, book):
    details = assert_error(api.post(f"/api/v1/books/{book.id}/share/", {"expiry": "1y"}, format="json"), 400)
    assert "expiry" in details


def test_an_unfinished_book_cannot_be_shared(api, owner):
    book = book_factory(owner=owner, status=Book.Status.FAILED)
    assert_error(api.post(f"/api/v1/books/{book.id}/share/", {"expiry": "7d"}, format="json"), 409)


@pytest.mark.parametrize("by", ["id", "token"])
def test_a_share_link_is_revoked_by_its_id_or_token(api, book, by):
    body = api.post(f"/api/v1/books/{book.id}/share/", {"expiry": "never"}, format="json").json()
    assert api.delete(f"/api/v1/books/{book.id}/share/{body[by]}/").status_code == 204
    assert ShareLink.objects.get(id=body["id"]).state == ShareLink.State.REVOKED


def test_another_users_share_link_cannot_be_revoked(api, other_api, book, other_user):
    body = api.post(f"/api/v1/books/{book.id}/share/", {"expiry": "never"}, format="json").json()
    other_book = generated_book(owner=other_user)
    assert_error(other_api.delete(f"/api/v1/books/{book.id}/share/{body['id']}/"), 404)
    assert_error(other_api.delete(f"/api/v1/books/{other_book.id}/share/{body['token']}/"), 404)
    assert ShareLink.objects.get(id=body["id"]).state == ShareLink.State.ACTIVE
