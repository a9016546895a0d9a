"""Running out of task time is a named condition: the page is drawn again, never an 'unexpected error'."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from books.generation.failures import UNEXPECTED_ERROR
from books.models import Book, GenerationJob, Page
from books.services import book_create
from books.tests.test_generation import _flaky_pictures

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_pictures(settings):
    from ai.providers import unregister_provider

    settings.AI_RETRY_BACKOFF_SECONDS = 0
    # The worker's soft time limit arrives in the middle of the provider call.
    yield lambda times: _flaky_pictures(
        settings,
        fail=lambda seed, seen: SoftTimeLimitExceeded() if seed.endswith(":3") and seen <= times else None,
    )
    unregister_provider("flaky")


def _make(owner):
    return book_create(owner=owner, style="cartoon", num_pages=5, theme="dinossauros", language="pt-BR")


def test_a_page_that_runs_out_of_time_goes_back_and_is_drawn_again(owner, celery_eager, slow_pictures):
    calls = slow_pictures(times=1)

    book = _make(owner)

    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED, book.error_message
    page = book.pages.get(number=3)
    assert (page.status, page.attempts) == (Page.Status.DONE, 2)
    assert calls.count(f"{book.id}:3") == 2


def test_a_page_that_keeps_running_out_of_time_stops_the_book_saying_so_and_keeps_the_pages(
    owner, celery_eager, slow_pictures
):
    slow_pictures(times=99)

    book = _make(owner)

    book.refresh_from_db()
    assert book.status == Book.Status.FAILED
    assert "We could not draw page 3: it took longer than allowed" in book.error_message
    assert str(UNEXPECTED_ERROR) not in book.error_message
    assert book.pages.get(number=3).attempts == 3
    assert set(book.pages.filter(number__lt=3).values_list("status", flat=True)) == {Page.Status.DONE}
    assert book.jobs.get(kind=GenerationJob.Kind.BOOK).quota_refunded
