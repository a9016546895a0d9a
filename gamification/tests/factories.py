"""Helpers that make things happen the way the other apps report them."""

from __future__ import annotations

import itertools

from books.models import Book, GenerationJob
from books.tests.factories import book_factory
from gamification.models import Action
from gamification.services import Activity, activity_record, on_book_generated

_keys = itertools.count(1)


def book_generated(user, *, style: str = "cartoon", language: str = "en", num_pages: int = 5) -> Book:
    """A finished book, reported to gamification as books.generation does."""
    book = book_factory(
        owner=user, status=Book.Status.GENERATED, style=style, language=language, num_pages=num_pages
    )
    on_book_generated(book_id=book.id)
    return book


def activity(user, action: str = Action.PDF_DOWNLOADED, **fields) -> bool:
    """Any activity with a fresh key (for counts that need many events)."""
    counters = fields.pop("counters", {"pdfs_downloaded": 1} if action == Action.PDF_DOWNLOADED else {})
    goals = fields.pop("goals", {"pdfs": 1} if action == Action.PDF_DOWNLOADED else {})
    key = fields.pop("key", f"test:{next(_keys)}")
    return activity_record(
        user=user, activity=Activity(action=action, key=key, counters=counters, goals=goals), **fields
    )


def redraw_job(user, book: Book, number: int = 1) -> GenerationJob:
    page = book.pages.get(number=number)
    return GenerationJob.objects.create(
        kind=GenerationJob.Kind.PAGE, book=book, page=page, user=user, status=GenerationJob.Status.SUCCEEDED
    )
