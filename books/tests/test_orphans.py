"""A book's files go even when a task writes them after the book (or its account) was deleted."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from accounts.privacy import account_delete
from books import tasks
from books.generation import pages as generation
from books.models import Book, Page
from books.tests.factories import book_factory
from exports.models import Export
from exports.tests.factories import generated_book

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pictures(settings):
    settings.PAGE_IMAGE_WIDTH, settings.PAGE_IMAGE_HEIGHT = 480, 600
    settings.AI_OFFLINE_FAILURE_RATE = 0


def _folders(settings) -> set[str]:
    return {Path(root).name for root, _dirs, _files in os.walk(settings.MEDIA_ROOT)}


def _pngs(settings) -> list[str]:
    return [name for _root, _dirs, files in os.walk(settings.MEDIA_ROOT) for name in files if "page-" in name]


@pytest.fixture
def finishes(monkeypatch) -> list:
    """The line-art tasks the provider-call half queues, held back so the test runs them."""
    queued = []
    monkeypatch.setattr(tasks.book_finish_page, "apply_async", lambda args, **options: queued.append(args))
    return queued


def test_a_page_drawn_after_its_account_was_deleted_leaves_no_file(
    owner, settings, small_pictures, monkeypatch, finishes, django_capture_on_commit_callbacks
):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    page = book.pages.get(number=1)
    with django_capture_on_commit_callbacks(execute=True):
        generation.page_draw(page_id=page.id)
    ((page_id, raw_name, meta),) = finishes
    finish = generation.picture_finish

    def finished_while_the_parent_deletes_the_account(**kwargs):
        image = finish(**kwargs)
        account_delete(user=owner)  # the parent deletes everything while the line art is made
        return image

    monkeypatch.setattr(generation, "picture_finish", finished_while_the_parent_deletes_the_account)
    with django_capture_on_commit_callbacks(execute=True):
        generation.page_finish(page_id=page_id, raw_name=raw_name, meta=meta)

    assert not Book.objects.filter(id=book.id).exists() and not Page.objects.filter(id=page.id).exists()
    assert _pngs(settings) == []
    assert str(book.id) not in _folders(settings)
    assert not default_storage.exists(raw_name)


def test_a_cover_drawn_after_its_book_was_deleted_is_dropped_quietly(
    owner, settings, small_pictures, monkeypatch
):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    draw = generation.image_generate

    def drawn_while_the_book_is_deleted(**kwargs):
        image = draw(**kwargs)
        Book.objects.filter(id=book.id).delete()
        return image

    monkeypatch.setattr(generation, "image_generate", drawn_while_the_book_is_deleted)
    generation.cover_draw(book_id=book.id)  # no error: there is nothing left to draw for
    assert str(book.id) not in _folders(settings)


def test_a_page_drawn_normally_keeps_its_files(
    owner, settings, small_pictures, finishes, django_capture_on_commit_callbacks
):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    page = book.pages.get(number=1)
    with django_capture_on_commit_callbacks(execute=True):
        generation.page_draw(page_id=page.id)
    ((page_id, raw_name, meta),) = finishes
    generation.page_finish(page_id=page_id, raw_name=raw_name, meta=meta)
    page.refresh_from_db()
    assert page.status == Page.Status.DONE and default_storage.exists(page.image.name)


def _orphan(storage, name: str, content: bytes = b"x") -> str:
    return storage.save(name, ContentFile(content))


@pytest.mark.django_db(transaction=True)
def test_cleanup_deletes_the_files_of_books_that_no_longer_exist(owner, settings):
    kept = generated_book(owner=owner)
    export_storage = Export._meta.get_field("file").storage
    gone_id = uuid.uuid4()
    orphans = [
        (default_storage, _orphan(default_storage, f"books/books/{gone_id}/page-01-abc.png")),
        (default_storage, _orphan(default_storage, f"books/books/{gone_id}/page-01-abc-thumb.png")),
        (export_storage, _orphan(export_storage, f"exports/{gone_id}/{uuid.uuid4()}.pdf")),
    ]
    not_a_book = _orphan(default_storage, "books/books/notes/readme.txt")

    fresh = StringIO()
    call_command("cleanup", stdout=fresh)
    assert "files of books that no longer exist: deleted 0" in fresh.getvalue()  # too young to judge

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        dry = StringIO()
        call_command("cleanup", "--dry-run", stdout=dry)
        assert "files of books that no longer exist: would delete 3" in dry.getvalue()
        out = StringIO()
        call_command("cleanup", stdout=out)

    assert "files of books that no longer exist: deleted 3" in out.getvalue()
    assert not any(storage.exists(name) for storage, name in orphans)
    assert str(gone_id) not in _folders(settings)
    assert default_storage.exists(not_a_book)
    assert default_storage.exists(kept.cover_image.name)
    assert all(default_storage.exists(page.image.name) for page in kept.pages.all())


@pytest.mark.django_db
def test_a_providers_picture_whose_line_art_task_was_lost_goes_after_an_hour(owner):
    drawing = book_factory(owner=owner, status=Book.Status.GENERATING)
    lost = _orphan(default_storage, f"raw/{drawing.id}/page-01.bin")
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        call_command("cleanup", stdout=StringIO())
        assert default_storage.exists(lost)  # its finishing task may still be on its way

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        out = StringIO()
        call_command("cleanup", stdout=out)

    assert "files of books that no longer exist: deleted 1" in out.getvalue()
    assert not default_storage.exists(lost)


@pytest.mark.django_db
def test_finishing_a_page_whose_book_was_deleted_drops_the_providers_picture(owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    page = book.pages.get(number=1)
    raw = _orphan(default_storage, f"raw/{book.id}/page-01.bin", b"\x89PNG")
    book.delete()

    generation.page_finish(page_id=page.id, raw_name=raw, meta={})

    assert not default_storage.exists(raw)
