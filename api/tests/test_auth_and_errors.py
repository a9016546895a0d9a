"""Who may call the API, and the one error shape every failure has."""

from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from api.tests.conftest import assert_error
from api.throttles import UserThrottle
from books.tests.factories import book_factory

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/styles/",
    "/api/v1/books/",
    "/api/v1/me/",
    "/api/v1/me/badges/",
    "/api/v1/me/missions/",
    "/api/v1/leaderboard/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_nobody_gets_anything_without_a_token_or_session(anonymous, url):
    response = anonymous.get(url)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_or_revoked_token_is_refused(owner):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer fab_not-a-real-key")
    assert_error(client.get("/api/v1/me/"), 401, "authentication_failed")


def test_the_browser_session_works_too(client, owner):
    client.force_login(owner)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["email"] == owner.email


def test_a_session_write_needs_the_csrf_token(owner):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post("/api/v1/books/", {"style": "cartoon", "num_pages": 5, "theme": "cats"})
    assert_error(response, 403, "permission_denied")


def test_the_api_token_command_prints_a_key_that_works(owner):
    out = StringIO()
    call_command("api_token", owner.email, "--name", "my script", stdout=out, stderr=StringIO())
    raw_key = out.getvalue().strip()
    assert raw_key.startswith("fab_")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert client.get("/api/v1/me/").json()["email"] == owner.email
    assert owner.api_tokens.get().name == "my script"


def test_the_api_token_command_refuses_an_unknown_email(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("api_token", "nobody@example.com", stdout=StringIO(), stderr=StringIO())


def test_over_the_rate_limit_a_client_is_told_when_to_come_back(api, monkeypatch):
    monkeypatch.setattr(UserThrottle, "THROTTLE_RATES", {"user": "3/min"})
    for _ in range(3):
        assert api.get("/api/v1/me/").status_code == 200
    response = api.get("/api/v1/me/")
    details = assert_error(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60
    assert details["retry_after"] == int(response["Retry-After"])


def test_the_rate_limit_counts_per_user(api, other_api, monkeypatch):
    monkeypatch.setattr(UserThrottle, "THROTTLE_RATES", {"user": "1/min"})
    assert api.get("/api/v1/me/").status_code == 200
    assert api.get("/api/v1/me/").status_code == 429
    assert other_api.get("/api/v1/me/").status_code == 200


def test_a_method_the_endpoint_does_not_have_is_a_405(api, owner):
    book = book_factory(owner=owner)
    assert_error(api.put(f"/api/v1/books/{book.id}/", {}, format="json"), 405, "method_not_allowed")


def test_malformed_json_is_a_400_not_a_500(api):
    response = api.post("/api/v1/books/", "{not json", content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_a_body_that_is_not_json_is_a_415(api):
    response = api.post("/api/v1/books/", "style=cartoon", content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")


def test_a_body_over_the_limit_is_a_413(api, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = api.post("/api/v1/books/", {"style": "cartoon", "story": "x" * 2000}, format="json")
    assert_error(response, 413, "too_large")


def test_an_unknown_url_under_the_api_is_a_404(api):
    assert api.get("/api/v1/books/not-a-uuid/").status_code == 404


HUGE = "9" * 30


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("get", "pages/{huge}/image/", None),
        ("post", "pages/{huge}/regenerate/", {}),
        ("delete", "share/{huge}/", None),
        ("patch", "", {"pages": [{"number": int(HUGE), "text": "x"}]}),
        ("patch", "", {"title": "nul\u0000byte"}),
        ("patch", "", {"pages": "not a list"}),
        ("post", "exports/", {"format": ["print"]}),
        ("post", "exports/", {"format": "print", "single_sided": "maybe"}),
        ("post", "share/", {"expiry": None}),
    ],
)
def test_odd_input_is_a_4xx_never_a_500(api, owner, method, path, body):
    from exports.tests.factories import generated_book

    book = generated_book(owner=owner)
    url = f"/api/v1/books/{book.id}/{path.format(huge=HUGE)}"
    response = getattr(api, method)(url, body, format="json")
    assert_error(response, response.status_code)
    assert response.status_code in (400, 404)


def test_odd_list_parameters_are_a_4xx_never_a_500(api):
    assert api.get(f"/api/v1/books/?page={HUGE}").status_code == 404
    assert api.get("/api/v1/books/?page_size=-1").status_code == 200
    assert api.get(f"/api/v1/books/?search={'x' * 500}").status_code == 400


def test_making_books_has_its_own_tighter_limit(api, monkeypatch):
    from api.throttles import BookCreateThrottle

    monkeypatch.setattr(BookCreateThrottle, "THROTTLE_RATES", {"book_create": "1/min"})
    new = {"style": "cartoon", "num_pages": 5, "theme": "owls"}
    assert api.post("/api/v1/books/", new, format="json").status_code == 202
    response = api.post("/api/v1/books/", new, format="json")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert api.get("/api/v1/books/").status_code == 200  # reading is not limited by it


def test_a_forged_forwarded_for_does_not_change_who_the_throttle_counts():
    from django.test import RequestFactory
    from rest_framework.request import Request

    forged = RequestFactory().get(
        "/api/v1/me/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )

    assert UserThrottle().get_ident(Request(forged)) == "198.51.100.4"
