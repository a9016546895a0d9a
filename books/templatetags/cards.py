from django import template

from books.cards import book_cards

register = template.Library()


@register.simple_tag
def book_card_list(books):
    """The cards of ``books``, from the cache when the book has not changed (books/cards.py)."""
    return book_cards(books)
