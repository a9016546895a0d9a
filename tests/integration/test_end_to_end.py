"""A parent's whole journey on the real stack: PostgreSQL, Redis, a Celery worker, uvicorn and a WebSocket.

Run with ``-s`` to see how long an 8-page book takes end to end.
"""

from __future__ import annotations

import io
import json
import re
import time

import pytest
from pypdf import PdfReader
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.integration.conftest import DEMO_EMAIL, DEMO_PASSWORD, Stack, book_post, log_in, ws_headers

pytestmark = [pytest.mark.integration]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
GENERATION_TIMEOUT = 120
# Longer than the 5 s the Redis channel layer blocks for while waiting for a message.
QUIET_SECONDS = 8


def _watch_until_finished(url: str, headers: dict[str, str]) -> list[dict]:
    """Collect every snapshot the socket pushes until the book is generated or failed."""
    snapshots: list[dict] = []
    deadline = time.monotonic() + GENERATION_TIMEOUT
    with connect(url, additional_headers=headers, open_timeout=10) as socket:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                last = snapshots[-1] if snapshots else None
                pytest.fail(f"not generated within {GENERATION_TIMEOUT} s; last snapshot: {last}")
            try:
                snapshot = json.loads(socket.recv(timeout=remaining))
            except TimeoutError:
                continue
            snapshots.append(snapshot)
            if snapshot["status"] in ("generated", "failed"):
                return snapshots


def test_a_parent_watches_an_8_page_book_drawn_live_and_downloads_the_pdf(stack):
    parent = log_in(stack, DEMO_EMAIL, DEMO_PASSWORD)

    posted_at = time.monotonic()
    book_id = book_post(parent, stack, num_pages="8")
    snapshots = _watch_until_finished(
        f"{stack.ws_url}/ws/books/{book_id}/progress/", ws_headers(parent, stack)
    )
    seconds = time.monotonic() - posted_at
    print(f"\n8-page book end to end on PostgreSQL/Redis/worker: {seconds:.1f}s ({len(snapshots)} snapshots)")

    final = snapshots[-1]
    assert final["status"] == "generated", f"the book failed: {final['error'] or final['message']}"
    assert final["id"] == book_id
    assert len(snapshots) >= 4, "the socket should push several updates while the pages are drawn"
    progress = [snapshot["progress"] for snapshot in snapshots]
    assert progress == sorted(progress), f"progress went backwards: {progress}"
    pages_done = [snapshot["pages_done"] for snapshot in snapshots]
    assert pages_done == sorted(pages_done), f"pages done went backwards: {pages_done}"
    assert len(set(pages_done)) >= 3, f"pages should appear one after another, saw {pages_done}"
    assert final["progress"] == 100
    assert [page["number"] for page in final["pages"]] == list(range(1, 9))
    assert all(page["status"] == "done" and page["thumbnail_url"] for page in final["pages"])

    thumbnail = parent.get(stack.base_url + final["pages"][0]["thumbnail_url"], timeout=10)
    assert thumbnail.status_code == 200
    assert thumbnail.headers["Content-Type"] == "image/png"
    assert thumbnail.content.startswith(PNG_SIGNATURE)

    download = parent.get(stack.base_url + final["pdf_url"], allow_redirects=False, timeout=30)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    pdf = PdfReader(io.BytesIO(download.content))
    assert len(pdf.pages) >= 8 + 2, "a cover, a title page and one page per picture"
    text = " ".join(" ".join(page.extract_text() or "" for page in pdf.pages).split())
    assert " ".join(final["title"].split()) in text


def test_another_parents_book_answers_404_everywhere(stack, parents_book, other_parent):
    book_url = f"{stack.base_url}/books/{parents_book}/"

    assert other_parent.get(book_url, allow_redirects=False, timeout=10).status_code == 404
    download = other_parent.get(f"{book_url}download/", allow_redirects=False, timeout=10)
    assert download.status_code == 404
    socket_url = f"{stack.ws_url}/ws/books/{parents_book}/progress/"
    with (
        pytest.raises((InvalidStatus, ConnectionClosed)) as refused,
        connect(socket_url, additional_headers=ws_headers(other_parent, stack), open_timeout=10) as socket,
    ):
        socket.recv(timeout=5)
    if isinstance(refused.value, InvalidStatus):
        assert refused.value.response.status_code == 403


def test_the_polling_fallback_that_finds_the_book_finished_swaps_in_the_whole_page(
    stack, parent, parents_book
):
    """Polling a finished book answers with the page body and tells HTMX to put it in #main."""
    url = f"{stack.ws_url}/ws/books/{parents_book}/progress/"
    assert _watch_until_finished(url, ws_headers(parent, stack))[-1]["status"] == "generated"
    response = parent.get(
        f"{stack.base_url}/books/{parents_book}/", headers={"HX-Request": "true"}, timeout=10
    )

    assert response.status_code == 200
    assert (response.headers["HX-Retarget"], response.headers["HX-Reselect"]) == ("#main", "#main")
    assert 'id="main"' in response.text and 'id="progress"' in response.text


def test_a_socket_stays_open_through_a_quiet_spell(stack, parent, parents_book):
    """A real illustrator takes 10–30 s a page, so a silent socket must stay open."""
    url = f"{stack.ws_url}/ws/books/{parents_book}/progress/"
    with connect(url, additional_headers=ws_headers(parent, stack), open_timeout=10) as socket:
        while json.loads(socket.recv(timeout=GENERATION_TIMEOUT))["status"] not in ("generated", "failed"):
            pass
        quiet_until = time.monotonic() + QUIET_SECONDS
        while (remaining := quiet_until - time.monotonic()) > 0:
            try:
                socket.recv(timeout=remaining)  # a late repeat of the final snapshot is fine
            except TimeoutError:
                break
            except ConnectionClosed as exc:
                pytest.fail(f"the server closed a socket that was quiet for under {QUIET_SECONDS} s: {exc!r}")
        assert socket.ping().wait(timeout=5), "the socket no longer answers pings"


def _progress_fragment(session, stack: Stack, book_id: str) -> tuple[str, int, int]:
    """Status, progress and pages drawn, as the HTMX polling fallback shows them."""
    html = session.get(f"{stack.base_url}/books/{book_id}/", headers={"HX-Request": "true"}, timeout=10).text
    status = re.search(r'class="badge badge-(\w+)"', html).group(1)
    progress = int(re.search(r'aria-valuenow="(\d+)"', html).group(1))
    return status, progress, html.count("page-thumb page-done")


def test_three_20_page_books_drawn_at_once_all_finish(stack, other_parent):
    """Pages of one book finishing at the same instant must still add up to a finished book."""
    book_ids = [book_post(other_parent, stack, num_pages="20", theme=f"piratas gentis {n}") for n in range(3)]
    history: dict[str, list[tuple[str, int, int]]] = {book_id: [] for book_id in book_ids}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for book_id in book_ids:
            history[book_id].append(_progress_fragment(other_parent, stack, book_id))
        if all(states[-1][0] in ("generated", "failed") for states in history.values()):
            break
        time.sleep(0.5)

    for book_id, states in history.items():
        status, progress, done = states[-1]
        assert status == "generated", (
            f"book {book_id} ended {status} with {done} of 20 pages drawn, {progress}%"
        )
        progresses = [value for _, value, _ in states]
        assert progresses == sorted(progresses), f"book {book_id}: progress went backwards: {progresses}"
