"""An integrator's script on the real stack: a token, a book made and polled, a PDF downloaded."""

from __future__ import annotations

import time

import pytest
import requests

from tests.integration.conftest import DEMO_EMAIL, Stack

pytestmark = [pytest.mark.integration]

GENERATION_TIMEOUT = 120


@pytest.fixture(scope="module")
def api(stack: Stack) -> requests.Session:
    raw_key = stack.manage("api_token", DEMO_EMAIL, "--name", "integration").strip()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {raw_key}"
    return session


def _poll(api: requests.Session, url: str, done: tuple[str, ...]) -> dict:
    deadline = time.monotonic() + GENERATION_TIMEOUT
    while True:
        body = api.get(url, timeout=10).json()
        if body["status"] in done:
            return body
        if time.monotonic() > deadline:
            pytest.fail(f"{url} still {body['status']} after {GENERATION_TIMEOUT} s")
        time.sleep(0.5)


def test_a_script_makes_a_book_and_downloads_its_pdf(stack, api):
    new = {"style": "cartoon", "num_pages": 5, "theme": "um gato que divide", "language": "pt-BR"}
    created = api.post(f"{stack.base_url}/api/v1/books/", json=new, timeout=10)
    assert created.status_code == 202, created.text
    book = _poll(api, created.headers["Location"], ("generated", "failed"))
    assert book["status"] == "generated", book["error"]
    picture = api.get(book["pages"][0]["image_url"], timeout=10)
    assert picture.content.startswith(b"\x89PNG")

    asked = api.post(
        f"{stack.base_url}/api/v1/books/{book['id']}/exports/", json={"format": "digital"}, timeout=10
    )
    assert asked.status_code in (200, 202), asked.text
    export = _poll(api, asked.headers["Location"], ("ready", "failed"))
    assert export["status"] == "ready", export["error"]
    download = requests.get(export["download_url"], timeout=30)  # the signed link needs no token
    assert download.status_code == 200 and download.content.startswith(b"%PDF")


def test_without_a_token_the_api_answers_401_in_its_error_shape(stack):
    response = requests.get(f"{stack.base_url}/api/v1/books/", timeout=10)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_schema_and_docs_are_served(stack):
    assert requests.get(f"{stack.base_url}/api/schema/", timeout=10).status_code == 200
    docs = requests.get(f"{stack.base_url}/api/docs/", timeout=10)
    assert docs.status_code == 200 and "swagger-ui" in docs.text
