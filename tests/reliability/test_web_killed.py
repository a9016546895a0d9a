"""uvicorn SIGKILLed while a parent watches a book being drawn; started again on the same port.

The browser's script (static/js/book-progress.js) reconnects with a growing delay (1 s, 2 s, 4 s …
up to 15 s) and the HTMX polling fallback runs while the socket is down; this test plays both
with a websockets client and plain HTTP, and checks the first thing the new socket says is the
book's true state: it finished while nobody was serving.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.integration.conftest import ROOT, book_post, ws_headers
from tests.reliability.conftest import book_status, wait_finished

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

PAGES = 8


def _reconnect_with_backoff(url: str, headers: dict[str, str], *, timeout: float = 60):
    """What book-progress.js does: try again after 1 s, then 2 s, 4 s … (at most 15 s)."""
    delay, deadline, tries = 1.0, time.monotonic() + timeout, 0
    while True:
        tries += 1
        try:
            return connect(url, additional_headers=headers, open_timeout=5), tries
        except (OSError, ConnectionClosed, TimeoutError) as exc:
            if time.monotonic() + delay > deadline:
                pytest.fail(f"no socket after {tries} tries: {exc!r}")
        time.sleep(delay)
        delay = min(delay * 2, 15)


def test_the_progress_script_reconnects_with_backoff_and_polls_meanwhile():
    script = (Path(ROOT) / "static/js/book-progress.js").read_text()
    assert re.search(r"onclose\s*=\s*function", script)
    assert "setTimeout(connect, retryDelay)" in script
    assert re.search(r"retryDelay\s*=\s*Math\.min\(retryDelay \* 2,", script), "the delay grows"
    assert "window.fabricaLive = false" in script, "the polling fallback takes over while it is down"


def test_after_the_web_process_is_killed_and_restarted_the_watcher_sees_the_true_state(stack):
    parent = stack.parent("web-killed@fabrica.local")
    book_id = book_post(parent, stack, num_pages=str(PAGES), theme="uma tartaruga que corre")
    url = f"{stack.ws_url}/ws/books/{book_id}/progress/"
    headers = ws_headers(parent, stack)

    with connect(url, additional_headers=headers, open_timeout=10) as socket:
        first = json.loads(socket.recv(timeout=30))
        assert first["status"] in ("queued", "generating")
        stack.web_kill()
        killed_at = time.monotonic()
        with pytest.raises((ConnectionClosed, TimeoutError, OSError)):
            while True:
                socket.recv(timeout=10)

    # The worker goes on meanwhile; the book finishes with no web process up.
    assert wait_finished(book_id) == "generated"
    stack.web_start()
    socket, tries = _reconnect_with_backoff(url, headers)
    with socket:
        snapshot = json.loads(socket.recv(timeout=10))
    print(f"\nweb SIGKILL -> socket back in {time.monotonic() - killed_at:.1f} s ({tries} tries)")

    assert snapshot["status"] == "generated" == book_status(book_id)[0]
    assert snapshot["progress"] == 100
    assert len(snapshot["pages"]) == PAGES
    assert all(page["status"] == "done" and page["thumbnail_url"] for page in snapshot["pages"])
    # The polling fallback tells the same story, and swaps in the finished page.
    polled = parent.get(f"{stack.base_url}/books/{book_id}/", headers={"HX-Request": "true"}, timeout=10)
    assert polled.status_code == 200
    assert polled.headers.get("HX-Retarget") == "#main"
    # The session survived the restart (it lives in the database, not in the process).
    assert parent.get(f"{stack.base_url}/books/", allow_redirects=False, timeout=10).status_code == 200
