"""PostgreSQL out of reach for a few seconds (the proxy in front of it stopped, open connections cut).

Pages answer 503 with the friendly page, the API its error shape, ``/readyz`` names the
database; a book being made when the database went away exists whole or not at all; and once it
is back the site works again and every book that was accepted is finished.
"""

from __future__ import annotations

import threading
import time

import pytest
import requests

from tests.reliability.conftest import book_status, query, wait_finished, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

FORM = {
    "style": "cartoon",
    "num_pages": "5",
    "language": "pt-BR",
    "age_range": "4-6",
    "narrative_source": "generated",
    "educational_goal": "",
    "title": "",
    "story": "",
}


def _post_form(session: requests.Session, stack, theme: str) -> int:
    new_url = f"{stack.base_url}/books/new/"
    response = session.post(
        new_url,
        data={**FORM, "theme": theme, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": new_url},
        allow_redirects=False,
        timeout=30,
    )
    return response.status_code


def _books_with_theme(theme: str) -> list[tuple]:
    return query(
        "SELECT b.id, b.status, (SELECT count(*) FROM books_generationjob j WHERE j.book_id = b.id)"
        " FROM books_book b WHERE b.theme = %s",
        theme,
    )


def test_with_the_database_away_pages_answer_503_and_nothing_is_half_written(stack):
    parent = stack.parent("db-outage@fabrica.local")
    assert parent.get(f"{stack.base_url}/books/new/", timeout=10).status_code == 200

    stack.pg.stop()
    down_at = time.monotonic()
    try:
        page = parent.get(f"{stack.base_url}/books/", timeout=30)
        assert page.status_code == 503
        assert 'class="error-card"' in page.text and "503" in page.text  # the friendly page
        assert page.headers["Retry-After"].isdigit()
        assert "Traceback" not in page.text
        anonymous = requests.get(f"{stack.base_url}/accounts/login/", timeout=30)
        assert anonymous.status_code == 503
        ready = requests.get(f"{stack.base_url}/readyz", timeout=30)
        assert ready.status_code == 503
        assert ready.json()["failed"] == ["database"], ready.json()
        assert _post_form(parent, stack, "um livro durante a queda") == 503
        api = requests.get(
            f"{stack.base_url}/api/v1/books/", headers={"Authorization": "Bearer fab_x"}, timeout=30
        )
        assert api.status_code == 503
        assert api.json()["error"]["code"] == "service_unavailable"
    finally:
        stack.pg.start()

    wait_until(
        "the site ready again",
        lambda: requests.get(f"{stack.base_url}/readyz", timeout=10).status_code == 200,
        timeout=60,
        interval=0.5,
    )
    print(f"\nPostgreSQL away -> /readyz ok again {time.monotonic() - down_at:.1f} s after the outage began")
    assert parent.get(f"{stack.base_url}/books/", timeout=10).status_code == 200
    assert _books_with_theme("um livro durante a queda") == []


def test_books_made_while_the_database_goes_away_exist_whole_or_not_at_all(stack):
    parent = stack.parent("db-cut@fabrica.local")
    assert parent.get(f"{stack.base_url}/books/new/", timeout=10).status_code == 200
    answers: dict[str, int] = {}
    themes = [f"livro cortado {n}" for n in range(6)]

    def send(theme: str) -> None:
        try:
            answers[theme] = _post_form(parent, stack, theme)
        except requests.RequestException:
            answers[theme] = 0

    for n, theme in enumerate(themes):
        thread = threading.Thread(target=send, args=(theme,))
        thread.start()
        time.sleep(0.08 * n)  # cut at a different moment of each request (or after it)
        stack.pg.stop()
        thread.join(timeout=60)
        restored_at = time.time()
        stack.pg.start()

    wait_until(
        "the site ready again",
        lambda: requests.get(f"{stack.base_url}/readyz", timeout=10).status_code == 200,
        timeout=60,
        interval=0.5,
    )
    # Work the worker lost to the outage is queued again by the resume job.
    stack.resume(since=restored_at)
    print(f"\nanswers while the database was cut: {answers}")
    made = []
    for theme in themes:
        rows = _books_with_theme(theme)
        assert len(rows) <= 1, f"{theme}: {rows}"
        if answers[theme] == 302:
            assert rows, f"{theme} was accepted but is not there"
        for book_id, status, jobs in rows:
            assert jobs == 1, f"{theme}: a book without its generation request"
            assert status in ("queued", "generating", "generated"), status
            made.append(str(book_id))
        assert answers[theme] in (302, 503), answers
    for book_id in made:
        assert wait_finished(book_id) == "generated", book_status(book_id)
