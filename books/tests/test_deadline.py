"""The 5-minute deadline counts from the start of drawing; a book out of time keeps its pages."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from ai.models import AICall
from books.generation import page_draw
from books.generation.recovery import books_fail_overdue
from books.models import Book, GenerationJob, Page
from books.services import book_retry
from books.tests.factories import book_factory


def _ago(minutes: float):
    return timezone.now() - timedelta(minutes=minutes)


def _running(owner, **fields) -> Book:
    book = book_factory(owner=owner, status=Book.Status.GENERATING, **fields)
    GenerationJob.objects.create(book=book, user=owner, status=GenerationJob.Status.RUNNING, step="pages")
    return book


@pytest.mark.django_db
def test_the_deadline_counts_from_the_start_of_drawing(owner):
    overdue = _running(owner, generation_started_at=_ago(7), drawing_started_at=_ago(6))
    drawing = _running(owner, generation_started_at=_ago(30), drawing_started_at=_ago(1))

    assert books_fail_overdue() == 1

    overdue.refresh_from_db()
    drawing.refresh_from_db()
    assert (overdue.status, drawing.status) == (Book.Status.FAILED, Book.Status.GENERATING)


@pytest.mark.django_db
def test_waiting_in_line_never_fails_a_book(owner):
    queued = book_factory(owner=owner, status=Book.Status.QUEUED, created_at=_ago(60))
    waiting_for_a_picture_worker = _running(owner, created_at=_ago(60), generation_started_at=_ago(59))

    assert books_fail_overdue() == 0

    queued.refresh_from_db()
    waiting_for_a_picture_worker.refresh_from_db()
    assert queued.status == Book.Status.QUEUED
    assert waiting_for_a_picture_worker.status == Book.Status.GENERATING


@pytest.mark.django_db(transaction=True)
def test_the_clock_starts_when_the_first_page_is_claimed_and_does_not_move_after(
    owner, settings, celery_eager
):
    settings.PAGE_IMAGE_WIDTH, settings.PAGE_IMAGE_HEIGHT = 480, 600
    book = _running(owner, generation_started_at=_ago(30))
    first, second = book.pages.order_by("number")[:2]

    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False) as traveller:
        page_draw(page_id=first.id)
        started = Book.objects.get(id=book.id).drawing_started_at
        traveller.shift(timedelta(minutes=2))
        page_draw(page_id=second.id)

    book.refresh_from_db()
    assert started is not None
    assert book.drawing_started_at == started
    assert book.pages.filter(status=Page.Status.DONE).count() == 2  # 30 min after the story: still drawn


@pytest.mark.django_db(transaction=True)
def test_a_book_out_of_time_keeps_its_pages_and_try_again_draws_only_the_missing_ones(
    owner, celery_eager, settings
):
    settings.PAGE_IMAGE_WIDTH, settings.PAGE_IMAGE_HEIGHT = 480, 600
    settings.AI_OFFLINE_FAILURE_RATE = 0
    book = _running(owner)
    for page in book.pages.filter(number__lte=3):
        page_draw(page_id=page.id)
    drawn = dict(book.pages.filter(status=Page.Status.DONE).values_list("number", "sha256"))
    Book.objects.filter(id=book.id).update(drawing_started_at=_ago(6))

    assert books_fail_overdue() == 1

    book.refresh_from_db()
    assert book.status == Book.Status.FAILED
    assert "The pages already drawn are kept" in book.error_message
    assert dict(book.pages.filter(status=Page.Status.DONE).values_list("number", "sha256")) == drawn
    assert book.jobs.get().quota_refunded

    last_call = AICall.objects.latest("id").id
    book_retry(book=book, user=owner)

    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED, book.error_message
    new_calls = AICall.objects.filter(id__gt=last_call, page__book=book)
    assert set(new_calls.values_list("page__number", flat=True)) == {4, 5}
    assert dict(book.pages.filter(number__lte=3).values_list("number", "sha256")) == drawn
