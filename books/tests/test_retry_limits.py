"""How often a failed book may be tried again: ``BOOK_RETRIES_PER_DAY`` per book, on the web and the API.

Every failed retry is refunded, so without this cap a book that always fails could be retried
forever at the providers' cost.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api.tests.conftest import assert_error, token_client
from books.models import Book, GenerationJob
from books.services import book_retry
from books.tests import test_retry
from books.tests.test_retry import _failed_on_page_3, _get_messages

pytestmark = pytest.mark.django_db(transaction=True)


# The illustrator that refuses chosen pages, and quick small pictures, as in test_retry.
picky = test_retry.picky
_quick = test_retry._quick


@pytest.fixture(autouse=True)
def _three_a_day(settings):
    settings.BOOK_RETRIES_PER_DAY = 3


def _retry(client, book):
    return client.post(reverse("books:retry", args=[book.id]), follow=True)


def _always_failing(owner, illustrator) -> Book:
    book = _failed_on_page_3(owner, illustrator)
    illustrator.broken = {"3"}  # and it keeps failing on every retry
    return book


def test_after_three_failed_retries_today_the_fourth_is_refused_with_when_it_resets(
    owner, owner_client, picky, celery_eager
):
    book = _always_failing(owner, picky)
    for _ in range(3):
        _retry(owner_client, book)
        book.refresh_from_db()
        assert book.status == Book.Status.FAILED
    calls_before = len(picky.requests)

    response = _retry(owner_client, book)

    (message,) = _get_messages(response)
    assert "tried again 3 times today" in message
    assert "You can try again after" in message
    assert len(picky.requests) == calls_before  # no provider was asked
    assert book.jobs.count() == 4
    book.refresh_from_db()
    assert book.status == Book.Status.FAILED


def test_the_api_refuses_the_fourth_retry_with_a_429_naming_the_limit(owner, picky, celery_eager):
    book = _always_failing(owner, picky)
    api = token_client(owner)
    for _ in range(3):
        assert api.post(f"/api/v1/books/{book.id}/retry/").status_code == 202

    response = api.post(f"/api/v1/books/{book.id}/retry/")

    details = assert_error(response, 429, "quota_exceeded")
    assert details["limit"] == "book_retries"
    assert 0 < int(response["Retry-After"]) <= 24 * 3600
    assert "tried again 3 times today" in response.json()["error"]["message"]


def test_the_api_does_not_retry_someone_elses_book(owner, other_user, picky, celery_eager):
    book = _always_failing(owner, picky)
    assert_error(token_client(other_user).post(f"/api/v1/books/{book.id}/retry/"), 404)


def test_retries_made_yesterday_do_not_count_today(owner, owner_client):
    book = _book_with_retries(owner, retries=3)
    GenerationJob.objects.filter(book=book).update(created_at=timezone.now() - timedelta(days=1, hours=1))

    book_retry(book=book, user=owner)

    book.refresh_from_db()
    assert book.status == Book.Status.QUEUED


def test_staff_retrying_from_the_admin_are_not_capped(owner):
    book = _book_with_retries(owner, retries=3)

    book_retry(book=book, user=owner, capped=False)

    book.refresh_from_db()
    assert book.status == Book.Status.QUEUED


def _book_with_retries(owner, *, retries: int) -> Book:
    from books.tests.factories import book_factory

    book = book_factory(owner=owner, status=Book.Status.FAILED)
    for _ in range(retries + 1):  # the first request, then the retries
        GenerationJob.objects.create(
            book=book, user=owner, status=GenerationJob.Status.FAILED, quota_refunded=True
        )
    return book
