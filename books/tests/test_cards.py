"""Library cards come from the cache until the book changes, in the reader's language."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test.signals import template_rendered
from django.utils import translation

from books.cards import CARD_TEMPLATE, book_cards
from books.models import Book
from books.tests.factories import book_factory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _cards_rendered(books) -> tuple[str, int]:
    rendered = []

    def count(sender, template, **kwargs):
        if template.name == CARD_TEMPLATE:
            rendered.append(template.name)

    template_rendered.connect(count)
    try:
        html = book_cards(Book.objects.select_related("style").filter(id__in=[b.id for b in books]))
    finally:
        template_rendered.disconnect(count)
    return html, len(rendered)


def test_an_unchanged_library_is_drawn_from_the_cache(owner):
    books = [book_factory(owner=owner, title=f"Livro {n}") for n in range(3)]

    first, drawn_first = _cards_rendered(books)
    second, drawn_second = _cards_rendered(books)

    assert (drawn_first, drawn_second) == (3, 0)
    assert second == first and "Livro 2" in second


def test_a_card_follows_a_status_change_made_without_touching_updated_at(owner):
    book = book_factory(owner=owner, title="O dragão", status=Book.Status.GENERATING)
    _cards_rendered([book])

    Book.objects.filter(id=book.id).update(status=Book.Status.GENERATED)  # updated_at stays
    html, drawn = _cards_rendered([book])

    assert drawn == 1
    assert "badge-generated" in html and "badge-generating" not in html


def test_a_renamed_book_gets_a_new_card(owner):
    book = book_factory(owner=owner, title="Antes")
    _cards_rendered([book])
    book.title = "Depois"
    book.save()

    html, drawn = _cards_rendered([book])

    assert drawn == 1 and "Depois" in html and "Antes" not in html


def test_each_language_has_its_own_card(owner):
    book = book_factory(owner=owner, title="Livro", status=Book.Status.GENERATED)
    with translation.override("en"):
        english, _ = _cards_rendered([book])
    with translation.override("es"):
        spanish, drawn = _cards_rendered([book])

    assert drawn == 1
    assert english != spanish
