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


def test_a_page_drawn_after_its_account_was_deleted_leaves_no_file(
    owner, settings, small_pictures, monkeypatch, django_capture_on_commit_callbacks
):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    page = book.pages.get(number=1)
    draw = generation.image_generate

    def drawn_while_the_parent_deletes_the_account(**kwargs):
        image = draw(**kwargs)
        account_delete(user=owner)  # the parent deletes everything while the picture is on its way
        return image

    monkeypatch.setattr(generation, "image_generate", drawn_while_the_parent_deletes_the_account)
    with django_capture_on_commit_callbacks(execute=True):
        generation.page_draw(page_id=page.id)

    assert not Book.objects.filter(id=book.id).exists() and not Page.objects.filter(id=page.id).exists()
    assert _pngs(settings) == []
    assert str(book.id) not in _folders(settings)


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


def test_a_page_drawn_normally_keeps_its_files(owner, settings, small_pictures):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    page = book.pages.get(number=1)
    generation.page_draw(page_id=page.id)
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
