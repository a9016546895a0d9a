"""A double click on "Make my book", and an API create retried with its Idempotency-Key."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
import requests

from tests.reliability.conftest import query

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

FORM = {
    "style": "cartoon",
    "num_pages": "5",
    "language": "pt-BR",
    "age_range": "4-6",
    "narrative_source": "generated",
    "theme": "dois cliques",
    "educational_goal": "",
    "title": "",
    "story": "",
}


def _at_once(*calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_the_form_posted_twice_at_once_makes_one_book(stack):
    parent = stack.parent("double-click@fabrica.local")
    new_url = f"{stack.base_url}/books/new/"
    html = parent.get(new_url, timeout=10).text
    token = re.search(r'name="submit_token" value="([0-9a-f]+)"', html).group(1)
    data = {**FORM, "submit_token": token, "csrfmiddlewaretoken": parent.cookies["csrftoken"]}

    def click():
        return parent.post(
            new_url, data=data, headers={"Referer": new_url}, allow_redirects=False, timeout=30
        )

    first, second = _at_once(click, click)

    assert (first.status_code, second.status_code) == (302, 302), (first.text[:500], second.text[:500])
    assert first.headers["Location"] == second.headers["Location"]
    [(count,)] = query(
        "SELECT count(*) FROM books_book b JOIN accounts_user u ON u.id = b.owner_id"
        " WHERE u.email = %s AND b.theme = %s",
        "double-click@fabrica.local",
        FORM["theme"],
    )
    assert count == 1


def test_an_api_create_retried_with_its_idempotency_key_returns_the_first_book(stack):
    stack.parent("api-retry@fabrica.local")
    token = stack.manage("api_token", "api-retry@fabrica.local").strip().splitlines()[-1]
    url = f"{stack.base_url}/api/v1/books/"
    key = str(uuid.uuid4())
    body = {"style": "cartoon", "num_pages": 5, "theme": "uma chamada repetida", "language": "pt-BR"}

    def create(payload=body):
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
        return requests.post(url, json=payload, headers=headers, timeout=30)

    first, again = _at_once(create, create)  # a client that retried before the first answer came
    later = create()
    other = create({**body, "theme": "outra coisa"})

    assert first.status_code == again.status_code == later.status_code == 202
    assert first.json()["id"] == again.json()["id"] == later.json()["id"]
    assert later.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    [(count,)] = query("SELECT count(*) FROM books_book WHERE theme = %s", body["theme"])
    assert count == 1
