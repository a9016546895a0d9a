"""POST /api/v1/books/ with an ``Idempotency-Key``: a retried request makes no second book."""

from __future__ import annotations

import pytest

from api.tests.conftest import assert_error
from books.models import Book

pytestmark = pytest.mark.django_db

NEW_BOOK = {"style": "cartoon", "num_pages": 5, "theme": "dinosaurs who share", "language": "en"}
URL = "/api/v1/books/"


def _post(client, body=NEW_BOOK, key="retry-me-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(URL, body, format="json", **headers)


def test_the_same_key_and_body_answer_with_the_first_book(api, owner):
    first = _post(api)
    again = _post(api)

    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Book.objects.filter(owner=owner).count() == 1


def test_the_same_body_under_the_same_key_in_another_field_order_is_the_same_request(api, owner):
    first = _post(api)
    again = _post(api, dict(reversed(list(NEW_BOOK.items()))))
    assert again.json()["id"] == first.json()["id"]
    assert Book.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422_and_makes_nothing(api, owner):
    _post(api)
    response = _post(api, {**NEW_BOOK, "theme": "a cat who learns to swim"})

    details = assert_error(response, 422, "idempotency_key_reused")
    assert details == {"Idempotency-Key": "retry-me-1"}
    assert Book.objects.count() == 1


def test_another_key_makes_another_book(api, owner):
    first = _post(api, key="one")
    second = _post(api, key="two")
    assert first.json()["id"] != second.json()["id"]
    assert Book.objects.count() == 2


def test_without_a_key_every_request_makes_a_book(api, owner):
    _post(api, key=None)
    _post(api, key=None)
    assert Book.objects.count() == 2


def test_keys_belong_to_their_user(api, other_api, owner, other_user):
    mine = _post(api, key="shared-key")
    theirs = _post(other_api, key="shared-key")

    assert theirs.status_code == 202
    assert theirs.json()["id"] != mine.json()["id"]
    assert Book.objects.get(id=theirs.json()["id"]).owner == other_user
    # Another body under the same key is no conflict either: the keys never meet.
    assert _post(other_api, {**NEW_BOOK, "theme": "owls"}, key="other").status_code == 202


def test_a_refused_request_does_not_use_up_its_key(api, owner):
    refused = _post(api, {**NEW_BOOK, "num_pages": 30})
    assert_error(refused, 400, "invalid")

    owner.daily_requests_override = 0
    owner.save()
    assert_error(_post(api), 429, "quota_exceeded")

    owner.daily_requests_override = None
    owner.save()
    accepted = _post(api)
    assert accepted.status_code == 202 and "Idempotent-Replayed" not in accepted
    assert Book.objects.count() == 1


@pytest.mark.parametrize("key", ["", "   ", "x" * 256, "tab\there"])
def test_a_malformed_key_is_a_400_naming_the_header(api, key):
    details = assert_error(_post(api, key=key), 400, "invalid")
    assert "Idempotency-Key" in details
    assert not Book.objects.exists()


def test_a_replay_of_a_book_sent_to_the_trash_is_a_404(api, owner):
    first = _post(api)
    Book.objects.filter(id=first.json()["id"]).update(status=Book.Status.GENERATED)
    assert api.delete(f"{URL}{first.json()['id']}/").status_code == 204
    assert_error(_post(api), 404, "not_found")


def test_the_schema_documents_the_header_and_the_422(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/books/"]["post"]
    headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert "Idempotency-Key" in headers
    assert {"409", "422"} <= set(operation["responses"])
