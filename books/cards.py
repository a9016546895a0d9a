"""The library's book cards, rendered once per book version and language and then read from the
cache (Redis in production) with one round trip for the whole grid.

The key holds everything a card shows (status, title, cover, style, pages, date) besides
``updated_at``, so any change to the book, whether through ``save()`` or a queryset
``update()`` that leaves ``updated_at`` alone, makes a new key: nothing has to be deleted.
Old keys expire on their own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from books.models import Book

CARD_SECONDS = 24 * 3600
CARD_TEMPLATE = "books/_card.html"
# Raise when _card.html changes: cards cached by the previous release must not be shown.
CARD_VERSION = 1


def card_key(book: Book) -> str:
    version = (
        book.updated_at, book.status, book.title, book.theme, book.cover_image.name, book.style_id,
        book.style.name, book.num_pages, book.created_at, timezone.get_current_timezone_name(),
    )  # fmt: skip
    digest = hashlib.sha256(repr(version).encode()).hexdigest()[:32]
    return f"book-card:{CARD_VERSION}:{book.id}:{translation.get_language()}:{digest}"


def book_cards(books: Iterable[Book]) -> SafeString:
    keyed = {card_key(book): book for book in books}
    cached = cache.get_many(list(keyed))
    missing = {
        key: render_to_string(CARD_TEMPLATE, {"book": book})
        for key, book in keyed.items()
        if key not in cached
    }
    if missing:
        cache.set_many(missing, CARD_SECONDS)
    return mark_safe("".join(cached.get(key) or missing[key] for key in keyed))  # noqa: S308 (our templates' output)
