"""The Celery worker SIGKILLed in the middle of a 20-page book, a new one started.

Run with ``-s`` to see the recovery time.
"""

from __future__ import annotations

import time

import pytest

from tests.integration.conftest import book_post
from tests.reliability.conftest import page_rows, query, wait_finished, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

PAGES = 20


def _image_calls(book_id: str) -> dict[int, int]:
    """Pictures the providers drew for each page (successful calls recorded in ai_aicall)."""
    rows = query(
        "SELECT p.number, count(c.id) FROM books_page p LEFT JOIN ai_aicall c"
        " ON c.page_id = p.id AND c.capability = 'image' AND c.outcome = 'ok'"
        " WHERE p.book_id = %s GROUP BY p.number",
        book_id,
    )
    return dict(rows)


def test_a_book_whose_worker_is_killed_finishes_with_every_page_drawn_once_or_recorded(stack):
    parent = stack.parent("worker-killed@fabrica.local")
    book_id = book_post(parent, stack, num_pages=str(PAGES), theme="um robô que aprende a pintar")

    def half_way():
        pages = page_rows(book_id)
        done = [n for n, page in pages.items() if page["status"] == "done"]
        running = [n for n, page in pages.items() if page["status"] == "running"]
        return len(done) >= 4 and running and len(done) < PAGES - 4 and pages

    wait_until("some pages drawn and some being drawn", half_way, timeout=120, interval=0.05)
    stack.worker_kill()
    killed_at = time.time()
    at_kill = page_rows(book_id)
    running_at_kill = {n for n, page in at_kill.items() if page["status"] == "running"}
    done_at_kill = {n for n, page in at_kill.items() if page["status"] == "done"}
    assert done_at_kill and running_at_kill

    stack.worker_start()
    # The new worker goes on with the messages still queued; the resume job takes back the pages
    # the dead worker had claimed (claimed before the kill) and queues again what it had reserved.
    stack.resume(since=killed_at)
    assert wait_finished(book_id) == "generated"
    recovery = time.time() - killed_at
    print(
        f"\nworker SIGKILL -> book generated again in {recovery:.1f} s (resume run right after the restart)"
    )

    pages = page_rows(book_id)
    assert sorted(pages) == list(range(1, PAGES + 1)), "every page, none missing, none twice"
    assert all(
        page["status"] == "done" and page["image"] and len(page["sha256"]) == 64 for page in pages.values()
    )
    for number in done_at_kill:  # a page drawn before the kill is never drawn again
        assert (pages[number]["sha256"], pages[number]["attempts"]) == (
            at_kill[number]["sha256"],
            at_kill[number]["attempts"],
        ), f"page {number} was drawn again"
    for number in running_at_kill:  # taken back from the dead worker: the second attempt is recorded
        assert pages[number]["attempts"] >= 2, f"page {number}: {pages[number]}"
    calls = _image_calls(book_id)
    for number, page in pages.items():
        assert 1 <= calls[number] <= page["attempts"], f"page {number}: {calls[number]} pictures, {page}"
    redrawn = {number for number, page in pages.items() if page["attempts"] > 1}
    assert redrawn <= set(range(1, PAGES + 1)) - done_at_kill
    [(jobs_succeeded,)] = query(
        "SELECT count(*) FROM books_generationjob WHERE book_id = %s AND status = 'succeeded'", book_id
    )
    assert jobs_succeeded == 1
    [(exports,)] = query(
        "SELECT count(*) FROM exports_export WHERE book_id = %s AND status = 'ready'", book_id
    )
    assert exports >= 1
    print(f"pages running at the kill: {sorted(running_at_kill)}; drawn twice (recorded): {sorted(redrawn)}")
