"""The state machine: the one place Book, Page and GenerationJob status is written."""

import pytest

from books.generation import states
from books.models import Book, GenerationJob, Page
from books.tests.factories import book_factory

B, P, J = Book.Status, Page.Status, GenerationJob.Status


def test_every_status_of_each_model_has_a_row_in_its_table():
    assert set(states.BOOK_MOVES) == set(B.values)
    assert set(states.PAGE_MOVES) == set(P.values)
    assert set(states.JOB_MOVES) == set(J.values)


@pytest.mark.parametrize(
    ("source", "to"),
    [
        (B.QUEUED, B.GENERATING),  # a worker picks the book up
        (B.GENERATING, B.GENERATED),
        (B.GENERATING, B.FAILED),
        (B.QUEUED, B.FAILED),  # cancelled or overdue before a worker took it
        (B.FAILED, B.QUEUED),  # Try again
        (B.GENERATED, B.GENERATING),  # one page redrawn
    ],
)
def test_the_book_moves_the_pipeline_makes_are_allowed(source, to):
    assert to in states.BOOK_MOVES[source]


@pytest.mark.parametrize(
    ("source", "to"),
    [
        (B.GENERATED, B.FAILED),  # a late task never fails a finished book
        (B.GENERATED, B.QUEUED),
        (B.FAILED, B.GENERATED),  # a failed book is only ready after running again
        (B.QUEUED, B.GENERATED),
        (B.DRAFT, B.GENERATING),
    ],
)
def test_book_moves_that_would_skip_or_undo_work_are_refused(source, to):
    assert to not in states.BOOK_MOVES[source]
    with pytest.raises(states.StateError):
        states.book_move("00000000-0000-0000-0000-000000000000", source=source, to=to)


def test_finished_requests_never_change_status_again():
    assert states.JOB_MOVES[J.SUCCEEDED] == states.JOB_MOVES[J.FAILED] == frozenset()
    with pytest.raises(states.StateError):
        states.job_move(1, source=J.SUCCEEDED, to=J.RUNNING)


def test_a_done_page_is_never_failed_by_a_late_task():
    assert P.FAILED not in states.PAGE_MOVES[P.DONE]


@pytest.mark.django_db
def test_a_move_from_a_status_the_row_is_no_longer_in_changes_nothing(owner):
    book = book_factory(owner=owner, status=B.QUEUED)

    assert states.book_move(book.id, source=B.QUEUED, to=B.GENERATING) is True
    assert states.book_move(book.id, source=B.QUEUED, to=B.GENERATING) is False  # another worker won

    book.refresh_from_db()
    assert book.status == B.GENERATING


@pytest.mark.django_db
def test_a_finished_book_is_not_failed_by_a_move_without_a_source(owner):
    book = book_factory(owner=owner, status=B.GENERATED)

    assert states.book_move(book.id, to=B.FAILED, error_message="late") is False

    book.refresh_from_db()
    assert (book.status, book.error_message) == (B.GENERATED, "")


@pytest.mark.django_db
def test_a_page_claim_takes_only_pages_in_an_allowed_status(owner):
    book = book_factory(owner=owner)
    Page.objects.filter(book=book, number=1).update(status=P.DONE)

    moved = states.page_move(book.pages.all(), source=P.PENDING, to=P.RUNNING)

    assert moved == 4
    assert book.pages.get(number=1).status == P.DONE
