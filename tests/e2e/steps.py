"""What a parent does in the browser, as reusable steps.

The interface speaks pt-BR by default (and English or Spanish on request), so elements are
found by id, role, ARIA attributes or data-* hooks, never by their wording.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

PASSWORD = "lapis-de-cor-2026"
BOOK_URL = re.compile(r"/books/(?P<id>[0-9a-f-]{36})/$")
PROGRESS = "#progress [role=progressbar]"
GENERATION_TIMEOUT_MS = 90_000

# Records every value the progress bar shows, whichever element holds it after a swap.
_WATCH_PROGRESS = """() => {
  window.__e2eSamePage = true;
  window.__e2eProgress = [];
  setInterval(() => {
    const bar = document.querySelector("#progress [role=progressbar]");
    if (!bar) return;
    const value = Number(bar.getAttribute("aria-valuenow"));
    const seen = window.__e2eProgress;
    if (seen[seen.length - 1] !== value) seen.push(value);
  }, 25);
}"""


def sign_up(page: Page, email: str) -> None:
    page.goto("/accounts/signup/")
    page.fill("#id_email", email)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("main form:has(#id_password2) [type=submit]").click()
    expect(page.locator('header form[action$="/logout/"]')).to_have_count(1)


def book_form_fill(page: Page, *, theme: str, goal: str = "amizade") -> None:
    page.goto("/books/new/")
    page.locator('input[name="style"][value="cartoon"]').check(force=True)  # styled cards hide the radios
    expect(page.locator("#id_num_pages")).to_have_value("8")
    page.fill("#id_theme", theme)
    page.fill("#id_educational_goal", goal)


def book_form_submit(page: Page) -> str:
    """Send the filled form; return the new book's id."""
    page.locator("form:has(#id_theme) [type=submit]").click()
    page.wait_for_url(BOOK_URL)
    return BOOK_URL.search(page.url).group("id")


def progress_watch(page: Page) -> None:
    page.evaluate(_WATCH_PROGRESS)


def progress_wait_midway(page: Page) -> None:
    """Wait until the story is written and the pictures are being drawn (past 10 %, before 100 %)."""
    page.wait_for_function(
        """() => {
          const bar = document.querySelector("#progress [role=progressbar]");
          const value = bar && Number(bar.getAttribute("aria-valuenow"));
          return value > 10 && value < 100;
        }""",
        timeout=GENERATION_TIMEOUT_MS,
        polling=25,
    )


def progress_wait_done(page: Page, *, pages: int) -> list[int]:
    """Wait for 100 % and every thumbnail, in the same page load; return the values the bar showed."""
    expect(page.locator(PROGRESS)).to_have_attribute("aria-valuenow", "100", timeout=GENERATION_TIMEOUT_MS)
    expect(page.locator("#progress .page-grid img")).to_have_count(pages, timeout=GENERATION_TIMEOUT_MS)
    assert page.evaluate("window.__e2eSamePage === true"), "the page was reloaded while the book was drawn"
    return page.evaluate("window.__e2eProgress")


def pdf_download(page: Page, folder: Path) -> Path:
    link = page.locator('#progress a[href$="/download/"]')
    with page.expect_download() as info:
        link.click()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (
        f"{page.url} scrolls sideways: {widths[0]} px wide in a {widths[1]} px window"
    )


def book_make(page: Page, *, theme: str) -> str:
    """Make an 8-page book and wait on its page until it is drawn; return its id."""
    book_form_fill(page, theme=theme)
    book_id = book_form_submit(page)
    progress_watch(page)
    progress_wait_done(page, pages=8)
    return book_id
