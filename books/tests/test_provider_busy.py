"""A provider with no room (every slot taken, or cooling down after a 429) sends nothing: the work
goes back to wait its turn, holding no worker, and it is never counted as a failure."""

from __future__ import annotations

import pytest
from celery.exceptions import Retry

from ai.capacity import provider_cooldown_start, provider_slots
from books import tasks
from books.models import Book, Page
from books.tests.factories import book_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_provider(settings):
    settings.PAGE_IMAGE_WIDTH, settings.PAGE_IMAGE_HEIGHT = 480, 600
    settings.AI_TEXT_PROVIDERS = ["offline"]
    settings.AI_IMAGE_PROVIDERS = ["offline"]
    settings.AI_CONCURRENCY_WAIT_SECONDS = 0
    provider_slots().clear()
    provider_cooldown_start(provider="offline", seconds=30)  # as after a 429 asking for 30 s
    yield
    provider_slots().clear()


def test_a_page_meeting_a_full_provider_waits_its_turn_without_using_an_attempt(owner, full_provider):
    page = book_factory(owner=owner, status=Book.Status.GENERATING).pages.get(number=1)

    # Called directly, Celery's retry raises the error it retries for; a worker re-queues it.
    with pytest.raises(Retry):
        tasks.book_draw_page(page.id)

    page.refresh_from_db()
    assert (page.status, page.attempts, page.error_message) == (Page.Status.PENDING, 0, "")
    assert Book.objects.get(id=page.book_id).status == Book.Status.GENERATING


def test_a_story_meeting_a_full_provider_waits_instead_of_failing_the_book(owner, full_provider):
    book = book_factory(owner=owner, status=Book.Status.QUEUED)

    with pytest.raises(Retry):
        tasks.book_write_story(str(book.id))

    book.refresh_from_db()
    assert book.status == Book.Status.GENERATING and book.error_message == ""


def test_a_cover_meeting_a_full_provider_waits_instead_of_failing_the_book(owner, full_provider):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)

    with pytest.raises(Retry):
        tasks.book_draw_cover(str(book.id))

    book.refresh_from_db()
    assert book.status == Book.Status.GENERATING and not book.cover_image
