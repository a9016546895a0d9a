"""An integrator's journey with httpx against the live server: every step a real client would take.

List the styles, make a book (202 + ``Location``), poll it until it is drawn, read it with its
pages, rename it, ask for a PDF and poll the export until ``download_url`` appears, download the
file with no token (a signed link) and count its pages, share and revoke a link, trash and restore
the book; and the failures an integrator meets: 404 for another user's book, 401 without a
token, 400 with ``details`` for bad input, each in the one error shape. The client honours
``Retry-After`` as a well-behaved script would, since the server keeps its normal rate limits.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

import httpx
import pytest
from pypdf import PdfReader

from tests.integration.conftest import Stack

pytestmark = [pytest.mark.integration]

GENERATION_TIMEOUT = 120
NUM_PAGES = 5
# The home PDF (print, double-sided): cover, title page, then one page per story page.
PDF_EXTRA_PAGES = 2


def _user_token(stack: Stack, email: str) -> str:
    stack.manage(
        "shell",
        "-c",
        "from accounts.models import Tier, User\n"
        f"User.objects.create_user(email={email!r}, password='httpx-integrator-2026', tier=Tier.default())\n",
    )
    return stack.manage("api_token", email, "--name", "httpx").strip()


def _client(stack: Stack, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=f"{stack.base_url}/api/v1", headers=headers, timeout=30)


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[httpx.Client]:
    with _client(stack, _user_token(stack, "integrador@fabrica.local")) as client:
        yield client


@pytest.fixture(scope="module")
def someone_else(stack: Stack) -> Iterator[httpx.Client]:
    with _client(stack, _user_token(stack, "outro-integrador@fabrica.local")) as client:
        yield client


def call(client: httpx.Client, method: str, url: str, **kwargs) -> httpx.Response:
    """One request; a 429 is waited out for its ``Retry-After`` seconds and asked again."""
    deadline = time.monotonic() + GENERATION_TIMEOUT
    while True:
        response = client.request(method, url, **kwargs)
        if response.status_code != 429 or time.monotonic() > deadline:
            return response
        time.sleep(min(int(response.headers["Retry-After"]), 10))


def poll(client: httpx.Client, url: str, done: tuple[str, ...]) -> dict:
    deadline = time.monotonic() + GENERATION_TIMEOUT
    while True:
        response = call(client, "GET", url)
        assert response.status_code == 200, response.text
        body = response.json()
        if body["status"] in done:
            return body
        if time.monotonic() > deadline:
            pytest.fail(f"{url} still {body['status']} after {GENERATION_TIMEOUT} s")
        time.sleep(1)


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]["details"]


@pytest.fixture(scope="module")
def book(api: httpx.Client) -> dict:
    """Styles listed, a book made (202 + Location) and polled until it is drawn."""
    styles = call(api, "GET", "/styles/")
    assert styles.status_code == 200
    listing = styles.json()
    assert set(listing) == {"count", "next", "previous", "results"}
    slugs = [style["slug"] for style in listing["results"]]
    assert "cartoon" in slugs

    made = call(
        api,
        "POST",
        "/books/",
        json={"style": "cartoon", "num_pages": NUM_PAGES, "theme": "uma tartaruga que aprende a nadar"},
    )
    assert made.status_code == 202, made.text
    queued = made.json()
    assert queued["status"] == "queued"
    assert made.headers["Location"] == queued["url"]
    assert queued["url"].endswith(f"/api/v1/books/{queued['id']}/")

    drawn = poll(api, made.headers["Location"], ("generated", "failed"))
    assert drawn["status"] == "generated", drawn["error"]
    return drawn


def test_the_book_reads_back_with_its_pages(api, book):
    detail = call(api, "GET", f"/books/{book['id']}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["progress"] == 100
    assert [page["number"] for page in body["pages"]] == list(range(1, NUM_PAGES + 1))
    for page in body["pages"]:
        assert page["status"] == "done", page
        assert page["text"]
        picture = call(api, "GET", page["image_url"])
        assert picture.status_code == 200
        assert picture.headers["content-type"] == "image/png"
        assert picture.content.startswith(b"\x89PNG")
    listed = call(api, "GET", "/books/", params={"status": "generated", "search": "tartaruga"}).json()
    assert [item["id"] for item in listed["results"]] == [book["id"]]


def test_patch_renames_the_book(api, book):
    renamed = call(api, "PATCH", f"/books/{book['id']}/", json={"title": "A Tartaruga Nadadora"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["title"] == "A Tartaruga Nadadora"
    assert call(api, "GET", f"/books/{book['id']}/").json()["title"] == "A Tartaruga Nadadora"


def test_a_pdf_export_is_polled_and_downloaded_through_its_signed_link(stack, api, book):
    asked = call(
        api,
        "POST",
        f"/books/{book['id']}/exports/",
        json={"format": "print", "paper": "a4", "single_sided": False},
    )
    assert asked.status_code in (200, 202), asked.text
    assert asked.json()["format"] == "print"
    export = poll(api, asked.headers["Location"], ("ready", "failed"))
    assert export["status"] == "ready", export["error"]
    assert export["download_url"]

    download = httpx.get(export["download_url"], timeout=30)  # no token: the signature is the credential
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(download.content)).pages) == NUM_PAGES + PDF_EXTRA_PAGES

    again = call(
        api,
        "POST",
        f"/books/{book['id']}/exports/",
        json={"format": "print", "paper": "a4", "single_sided": False},
    )
    assert again.status_code == 200, again.text  # the same file, already made
    assert again.json()["id"] == export["id"]

    tampered = httpx.get(export["download_url"].rstrip("/") + "x/", timeout=30)
    assert_error(tampered, 404)


def test_a_share_link_opens_the_book_until_it_is_revoked(stack, api, book):
    shared = call(api, "POST", f"/books/{book['id']}/share/", json={"expiry": "7d"})
    assert shared.status_code == 201, shared.text
    link = shared.json()
    assert link["url"] and link["expires_at"] and link["state"] == "active"
    public = httpx.get(link["url"], timeout=30)
    assert public.status_code == 200 and "text/html" in public.headers["content-type"]

    links = call(api, "GET", f"/books/{book['id']}/share/").json()
    assert link["id"] in [item["id"] for item in links["results"]]

    revoked = call(api, "DELETE", f"/books/{book['id']}/share/{link['id']}/")
    assert revoked.status_code == 204 and not revoked.content
    assert httpx.get(link["url"], timeout=30).status_code in (404, 410)
    states = {
        item["id"]: item["state"]
        for item in call(api, "GET", f"/books/{book['id']}/share/").json()["results"]
    }
    assert states[link["id"]] == "revoked"
    assert call(api, "DELETE", f"/books/{book['id']}/share/{link['id']}/").status_code == 204  # idempotent
    assert_error(call(api, "DELETE", f"/books/{book['id']}/share/no-such-token/"), 404)


def test_delete_moves_the_book_to_the_trash_and_restore_brings_it_back(api, book):
    deleted = call(api, "DELETE", f"/books/{book['id']}/")
    assert deleted.status_code == 204 and not deleted.content
    assert_error(call(api, "GET", f"/books/{book['id']}/"), 404, "not_found")
    assert book["id"] not in [item["id"] for item in call(api, "GET", "/books/").json()["results"]]

    restored = call(api, "POST", f"/books/{book['id']}/restore/")
    assert restored.status_code == 200, restored.text
    assert restored.json()["id"] == book["id"]
    assert call(api, "GET", f"/books/{book['id']}/").status_code == 200
    assert_error(call(api, "POST", f"/books/{book['id']}/restore/"), 404)  # not in the trash any more


def test_another_users_book_is_a_404_whatever_they_try(someone_else, book):
    for method, path, body in [
        ("GET", f"/books/{book['id']}/", None),
        ("PATCH", f"/books/{book['id']}/", {"title": "meu"}),
        ("DELETE", f"/books/{book['id']}/", None),
        ("POST", f"/books/{book['id']}/exports/", {"format": "zip"}),
        ("POST", f"/books/{book['id']}/share/", {"expiry": "1d"}),
        ("GET", f"/books/{book['id']}/pages/1/image/", None),
    ]:
        assert_error(call(someone_else, method, path, json=body), 404, "not_found")


def test_without_a_token_every_call_is_a_401(stack):
    with _client(stack, None) as anonymous:
        for method, path in [("GET", "/books/"), ("POST", "/books/"), ("GET", "/me/"), ("GET", "/styles/")]:
            response = anonymous.request(method, path, json={} if method == "POST" else None)
            assert_error(response, 401, "not_authenticated")
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
    with _client(stack, "fab_not-a-real-token") as forged:
        assert_error(forged.get("/me/"), 401, "authentication_failed")


def test_bad_input_gets_the_error_shape_with_field_details(api):
    details = assert_error(
        call(api, "POST", "/books/", json={"style": "cartoon", "num_pages": "muitas"}), 400, "invalid"
    )
    assert details["num_pages"]
    details = assert_error(call(api, "POST", "/books/", json={"style": "no-such-style", "num_pages": 5}), 400)
    assert details
    broken = call(api, "POST", "/books/", content=b'{"style": ', headers={"Content-Type": "application/json"})
    assert_error(broken, 400)
    form = call(api, "POST", "/books/", data={"style": "cartoon", "num_pages": "5"})
    assert_error(form, 415)
    assert_error(call(api, "GET", "/books/not-a-uuid/"), 404)
