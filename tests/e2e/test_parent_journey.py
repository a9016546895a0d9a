"""A parent in a real browser: sign up, make a book, watch it drawn, download it, get an API token."""

from __future__ import annotations

import os
import re

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import ARTIFACTS

try:
    from playwright.sync_api import expect

    from tests.e2e import steps
except ImportError:
    if os.environ.get("CI") == "true":
        raise
    pytest.skip(
        "e2e: the playwright package is not installed (set CI=true to require it)", allow_module_level=True
    )

pytestmark = pytest.mark.e2e


def test_a_parent_signs_up_makes_a_book_watches_it_drawn_and_downloads_the_pdf(page, screenshot):
    page.goto("/")
    expect(page.locator('main a[href="/accounts/signup/"]').first).to_be_visible()
    screenshot(page, "01-landing")

    steps.sign_up(page, "mae.da.ana@example.com")
    steps.book_form_fill(page, theme="um dinossauro que aprende a dividir")
    screenshot(page, "02-new-book-form")
    book_id = steps.book_form_submit(page)

    steps.progress_watch(page)
    steps.progress_wait_midway(page)
    screenshot(page, "03-progress-midway")
    seen = steps.progress_wait_done(page, pages=8)
    assert seen == sorted(seen), f"the progress bar went backwards: {seen}"
    assert any(0 < value < 100 for value in seen), f"no progress was shown on the way: {seen}"

    expect(page.locator('#progress a[href$="/download/"]')).to_be_visible()
    screenshot(page, "04-finished-book")
    pdf = steps.pdf_download(page, ARTIFACTS / "downloads")
    assert len(PdfReader(pdf).pages) >= 10  # cover, title page and the 8 pages at least

    page.goto("/books/")
    expect(page.locator(f'a[href="/books/{book_id}/"]')).to_be_visible()
    screenshot(page, "05-library")


def test_an_api_token_is_shown_once_then_only_its_prefix_and_can_be_revoked(page, screenshot):
    steps.sign_up(page, "pai.do.joao@example.com")
    page.goto("/me/")
    for section in ("#preferences", "#account", "#quota", "#tokens"):
        expect(page.locator(section)).to_be_visible()
    screenshot(page, "06-profile")

    page.fill("#tokens input[name=name]", "script da escola")
    page.locator("[data-create-token]").click()
    key = page.locator("[data-token-key]").input_value()
    assert key.startswith("fab_") and len(key) > 40
    expect(page.locator(f'[data-token="{key[:8]}"]')).to_be_visible()
    screenshot(page, "07-profile-new-token")

    page.reload()
    expect(page.locator(f'[data-token="{key[:8]}"]')).to_be_visible()
    expect(page.locator("[data-new-token]")).to_have_count(0)
    assert key not in page.content()

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f'[data-token="{key[:8]}"] [data-revoke]').click()
    expect(page.locator(f'[data-token="{key[:8]}"].token-revoked')).to_be_visible()


def test_on_a_phone_a_parent_makes_a_book_and_watches_it_drawn(mobile_page, screenshot):
    page = mobile_page
    steps.sign_up(page, "avo.da.bia@example.com")
    steps.book_form_fill(page, theme="abelhas no jardim", goal="natureza")
    steps.no_sideways_scroll(page)
    screenshot(page, "m1-new-book-form")
    steps.book_form_submit(page)

    steps.progress_watch(page)
    steps.progress_wait_midway(page)
    screenshot(page, "m2-progress-midway")
    steps.progress_wait_done(page, pages=8)
    steps.no_sideways_scroll(page)
    screenshot(page, "m3-finished-book")

    page.goto("/me/")
    steps.no_sideways_scroll(page)
    screenshot(page, "m4-profile")


def test_a_shared_link_opens_for_a_visitor_and_a_deleted_book_comes_back_from_the_trash(
    page, new_context, screenshot
):
    steps.sign_up(page, "tia.da.lia@example.com")
    book_id = steps.book_make(page, theme="um gato que aprende a contar")

    page.reload()  # the share panel is drawn with the page, not with the live progress panel
    page.locator("#share .share-create [type=submit]").click()
    share_url = page.locator("#share .share-new input.share-url").input_value()
    assert "/s/" in share_url

    visitor = new_context().new_page()
    response = visitor.goto(share_url)
    assert response.status == 200
    expect(visitor.locator(".shared-pages img")).to_have_count(8)
    expect(visitor.locator('header form[action$="/logout/"]')).to_have_count(0)
    screenshot(visitor, "08-shared-book")

    page.locator(f'a[href="/books/{book_id}/delete/"]').click()
    page.locator(f'form[action="/books/{book_id}/delete/"] [type=submit]').click()
    page.goto("/books/")
    expect(page.locator(f'a[href="/books/{book_id}/"]')).to_have_count(0)
    assert visitor.goto(share_url).status in (404, 410), "a deleted book's link still works"

    page.goto("/books/trash/")
    screenshot(page, "09-trash")
    page.locator(f'form[action="/books/trash/{book_id}/restore/"] [type=submit]').click()
    page.goto("/books/")
    expect(page.locator(f'a[href="/books/{book_id}/"]').first).to_be_visible()


def test_a_parent_reads_the_book_changes_a_page_text_and_draws_one_page_again(page, screenshot):
    steps.sign_up(page, "pai.da.rosa@example.com")
    book_id = steps.book_make(page, theme="uma tartaruga que aprende a esperar")
    page.reload()  # the page list offers edits once the book is finished

    page.locator(f'a[href="/books/{book_id}/read/"]').first.click()
    expect(page.locator("[data-reader] .reader-figure img")).to_be_visible()
    page.locator("[data-reader-next]").click()
    page.wait_for_url(f"**/books/{book_id}/read/1/")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(f"**/books/{book_id}/read/2/")
    expect(page.locator("[data-reader] .reader-figure img")).to_be_visible()
    screenshot(page, "10-reader-page")

    new_text = "A tartaruga Tina contou até dez e esperou a vez dela."
    page.locator("#page-text-2 .edit-link").click()
    page.locator("form#page-text-2 textarea").fill(new_text)
    page.locator("form#page-text-2 [type=submit]").click()
    expect(page.locator("div#page-text-2 p")).to_have_text(new_text)
    screenshot(page, "11-reader-page-edited")
    page.reload()
    expect(page.locator("div#page-text-2 p")).to_have_text(new_text)

    page.goto(f"/books/{book_id}/")
    page.locator("#redraw-1 summary").click()
    page.fill("#id_instructions_1", "a tartaruga sorrindo")
    page.locator("#redraw-1 [type=submit]").click()
    page.wait_for_url(f"**/books/{book_id}/#progress")
    steps.progress_watch(page)
    steps.progress_wait_done(page, pages=8)
    expect(page.locator('#progress a[href$="/download/"]')).to_be_visible()
    screenshot(page, "12-page-drawn-again")

    page.goto("/me/")
    expect(page.locator("[data-quota-used]")).to_have_text(re.compile(r"^2 / "))  # the book, then one page
