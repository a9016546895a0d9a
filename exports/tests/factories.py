from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile

from books.models import Book, Page
from books.tests.factories import book_factory
from exports.tests.helpers import line_art_png


def generated_book(*, owner, num_pages: int = 5, **fields) -> Book:
    """A finished book whose pages and cover have pictures in storage, as the pipeline leaves it."""
    fields.setdefault("title", "Júlia e o Jardim Mágico")
    book = book_factory(owner=owner, status=Book.Status.GENERATED, num_pages=num_pages, **fields)
    for page in book.pages.all():
        picture_save(page, line_art_png(seed=page.number % 5))
    book.cover_image.save(f"books/{book.id}/cover.png", ContentFile(line_art_png(seed=9)))
    return Book.objects.select_related("style", "owner").get(id=book.id)


def picture_save(page: Page, png: bytes) -> None:
    page.image.save(f"books/{page.book_id}/page-{page.number:02d}.png", ContentFile(png), save=False)
    page.sha256 = hashlib.sha256(png).hexdigest()
    page.status = Page.Status.DONE
    page.save()
