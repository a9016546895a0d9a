"""The operator's commands on the real stack: PostgreSQL, Redis and a Celery worker process."""

from __future__ import annotations

import time

import pytest

from tests.integration.conftest import DEMO_EMAIL

pytestmark = pytest.mark.integration

# A book admitted ten minutes ago whose story task never reached the broker (it was down).
LOST_BOOK = f"""
from datetime import timedelta
from django.utils import timezone
from accounts.models import User
from books.models import Book, GenerationJob, Style
owner = User.objects.get(email="{DEMO_EMAIL}")
then = timezone.now() - timedelta(minutes=10)
book = Book.objects.create(
    owner=owner, style=Style.objects.get(slug="cartoon"), num_pages=5, theme="a book the broker lost",
    status=Book.Status.QUEUED, created_at=then, admitted_at=then,
)
GenerationJob.objects.create(book=book, user=owner, created_at=then)
print(book.id)
"""


def _status(stack, book_id: str) -> str:
    code = f"from books.models import Book; print(Book.objects.get(id='{book_id}').status)"
    return stack.manage("shell", "-c", code).strip().splitlines()[-1]


def test_resume_generations_finishes_a_book_whose_task_was_lost(stack):
    book_id = stack.manage("shell", "-c", LOST_BOOK).strip().splitlines()[-1]

    dry = stack.manage("resume_generations", "--dry-run", "--stale-minutes", "9")
    assert f"{book_id}  “a book the broker lost”" in dry
    assert "would re-queue the story" in dry
    assert _status(stack, book_id) == "queued"

    out = stack.manage("resume_generations", "--stale-minutes", "9")
    assert f"{book_id}  “a book the broker lost”" in out and "re-queued the story" in out

    deadline = time.monotonic() + 120
    while (status := _status(stack, book_id)) in ("queued", "generating") and time.monotonic() < deadline:
        time.sleep(1)
    assert status == "generated"


def test_cleanup_runs_every_category_on_postgresql(stack):
    dry = stack.manage("cleanup", "--dry-run")
    real = stack.manage("cleanup")

    for label in ("expired exports", "share links ended", "books in the trash", "download my data"):
        assert label in dry and label in real
    assert "Dry run: nothing was deleted." in dry
    assert "Cleanup finished." in real
    assert "failed" not in real
