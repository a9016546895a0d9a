"""The same web-process crash in a real browser: Chromium runs static/js/book-progress.js.

The page is open on a book being drawn, its socket live; uvicorn is SIGKILLed and the book
finishes while nothing serves; once uvicorn is back the page, by itself (the socket's
reconnection with backoff, or the HTMX polling fallback), shows the finished book.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.integration.conftest import book_post
from tests.reliability.conftest import wait_finished

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

CHROMIUM = Path("/usr/bin/chromium")
PAGES = 8


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {CHROMIUM} is missing", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            browser.close()


def test_the_open_page_reconnects_after_a_web_restart_and_shows_the_finished_book(stack, chromium):
    parent = stack.parent("web-killed-browser@fabrica.local")
    book_id = book_post(parent, stack, num_pages=str(PAGES), theme="um peixe que voa")
    context = chromium.new_context(base_url=stack.base_url, bypass_csp=True)  # for wait_for_function
    context.add_cookies([{"name": "sessionid", "value": parent.cookies["sessionid"], "url": stack.base_url}])
    page = context.new_page()
    try:
        page.goto(f"/books/{book_id}/")
        page.wait_for_function("window.fabricaLive === true", timeout=20_000)
        assert page.locator("[data-ws-url]").count() == 1, "the book is still being drawn"

        stack.web_kill()
        killed_at = time.monotonic()
        page.wait_for_function("window.fabricaLive === false", timeout=20_000)
        assert wait_finished(book_id) == "generated"
        stack.web_start()

        page.wait_for_selector(".badge-generated", timeout=60_000)
        page.wait_for_function("document.querySelector('[data-ws-url]') === null", timeout=30_000)
        print(
            f"\nweb SIGKILL -> open page shows the finished book {time.monotonic() - killed_at:.1f} s later"
        )
        assert page.locator(f'a[href*="/books/{book_id}/"]').count() > 0
    finally:
        context.close()
