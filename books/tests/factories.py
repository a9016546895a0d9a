from __future__ import annotations

from django.utils import timezone

from books.models import Book, Page, Style


def book_factory(*, owner, status: str = Book.Status.GENERATING, num_pages: int = 5, **fields) -> Book:
    """A book in a given state, with its pages, without running the pipeline."""
    book = Book.objects.create(
        owner=owner,
        style=Style.objects.get(slug=fields.pop("style", "cartoon")),
        num_pages=num_pages,
        theme=fields.pop("theme", "dinosaurs"),
        status=status,
        # Started books passed the admission queue; pass admitted_at=None for one waiting in line.
        admitted_at=fields.pop("admitted_at", timezone.now()),
        **fields,
    )
    if status != Book.Status.QUEUED:
        Page.objects.bulk_create(
            Page(book=book, number=n, text=f"Page {n} text.", illustration_prompt=f"a dinosaur, scene {n}")
            for n in range(1, num_pages + 1)
        )
    return book
