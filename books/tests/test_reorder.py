"""Putting the pages in another order: arrows that work without JavaScript, drag and drop with it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from books.editing import pages_reorder
from books.errors import BookInvalid, InvalidTransition
from books.models import Book
from books.tests.drawn import drawn_book
from books.tests.factories import book_factory
from exports.selectors import book_content_hash

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def book(owner):
    return book_factory(owner=owner, status=Book.Status.GENERATED)


def _texts(book) -> list[str]:
    return list(book.pages.order_by("number").values_list("text", flat=True))


def _order_url(book) -> str:
    return reverse("books:pages_reorder", args=[book.id])


def _move_url(book, number: int) -> str:
    return reverse("books:page_move", args=[book.id, number])


# --- the service ------------------------------------------------------------------------------------


def test_pages_take_their_new_numbers_with_their_words_and_pictures(owner):
    book = drawn_book(owner=owner)
    before = {page.text: page.sha256 for page in book.pages.all()}
    content = book_content_hash(book=book)

    pages = pages_reorder(book=book, user=owner, order=[3, 1, 2, 5, 4])

    assert [page.number for page in pages] == [1, 2, 3, 4, 5]
    assert _texts(book) == [f"Page {n} text." for n in (3, 1, 2, 5, 4)]
    assert {page.text: page.sha256 for page in book.pages.all()} == before
    assert book_content_hash(book=book) != content


def test_the_same_order_changes_nothing(book, owner):
    pages_reorder(book=book, user=owner, order=[1, 2, 3, 4, 5])
    assert _texts(book) == [f"Page {n} text." for n in range(1, 6)]


@pytest.mark.parametrize(
    "order",
    [[1, 2, 3, 4], [1, 2, 3, 4, 5, 6], [1, 1, 2, 3, 4], [0, 1, 2, 3, 4], ["a", 2, 3, 4, 5], []],
    ids=["missing", "extra", "twice", "unknown", "not-a-number", "empty"],
)
def test_an_order_that_is_not_the_books_pages_shuffled_is_refused(book, owner, order):
    with pytest.raises(BookInvalid, match="Send each of the book's page numbers once"):
        pages_reorder(book=book, user=owner, order=order)
    assert _texts(book) == [f"Page {n} text." for n in range(1, 6)]


def test_pages_stay_in_place_while_the_book_is_drawn(owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    with pytest.raises(InvalidTransition):
        pages_reorder(book=book, user=owner, order=[2, 1, 3, 4, 5])


def test_the_service_refuses_someone_elses_book(book, other_user):
    with pytest.raises(PermissionDenied):
        pages_reorder(book=book, user=other_user, order=[2, 1, 3, 4, 5])


# --- the arrows -------------------------------------------------------------------------------------


def test_without_javascript_an_arrow_moves_the_page_and_comes_back_to_the_list(owner_client, book):
    response = owner_client.post(_move_url(book, 3), {"direction": "up"})

    assert response.status_code == 302
    assert response["Location"] == reverse("books:detail", args=[book.id]) + "#pages"
    assert _texts(book)[1:3] == ["Page 3 text.", "Page 2 text."]
    follow = owner_client.get(response["Location"])
    assert "The pages are in their new order." in [str(m) for m in follow.context["messages"]]


def test_with_htmx_an_arrow_swaps_in_the_list_in_its_new_order(owner_client, book):
    response = owner_client.post(_move_url(book, 1), {"direction": "down"}, **HX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and body.lstrip().startswith('<div id="pages"')
    assert body.index("Page 2 text.") < body.index("Page 1 text.")
    assert _texts(book)[:2] == ["Page 2 text.", "Page 1 text."]


@pytest.mark.parametrize(("number", "direction"), [(1, "up"), (5, "down"), (2, "sideways"), (9, "up")])
def test_an_arrow_past_the_ends_is_refused(owner_client, book, number, direction):
    response = owner_client.post(_move_url(book, number), {"direction": direction})
    assert response.status_code == 400
    assert "This page cannot move further that way." in response.content.decode()
    assert _texts(book) == [f"Page {n} text." for n in range(1, 6)]


def test_the_list_has_arrows_except_past_the_ends_and_can_be_dragged(owner_client, book):
    body = owner_client.get(reverse("books:detail", args=[book.id])).content.decode()
    assert body.count('name="direction" value="up"') == 4
    assert body.count('name="direction" value="down"') == 4
    assert body.count('draggable="true"') == 5
    assert f'data-reorder-url="{_order_url(book)}"' in body
    assert "/static/js/reorder.js" in body
    assert "Move page 2 up" in body  # each arrow says what it does to a screen reader


def test_a_book_being_drawn_has_no_arrows_nor_dragging(owner_client, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    body = owner_client.get(reverse("books:detail", args=[book.id])).content.decode()
    assert 'name="direction"' not in body
    assert 'draggable="true"' not in body and "data-reorder-url" not in body


# --- drag and drop ----------------------------------------------------------------------------------


def test_the_dropped_order_arrives_as_one_comma_separated_value(owner_client, book):
    response = owner_client.post(_order_url(book), {"order": "5,4,3,2,1"}, **HX)
    assert response.status_code == 200
    assert _texts(book) == [f"Page {n} text." for n in (5, 4, 3, 2, 1)]


def test_the_order_can_also_be_repeated_values(owner_client, book):
    response = owner_client.post(_order_url(book), {"order": ["2", "1", "3", "4", "5"]})
    assert response.status_code == 302
    assert _texts(book)[:2] == ["Page 2 text.", "Page 1 text."]


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_bad_order_answers_400_with_a_message(owner_client, book, headers):
    response = owner_client.post(_order_url(book), {"order": "1,1,2,3,4"}, **headers)
    assert response.status_code == 400
    assert "Send each of the book&#x27;s page numbers once, in the new order." in response.content.decode()
    assert _texts(book) == [f"Page {n} text." for n in range(1, 6)]


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_book_being_drawn_answers_409(owner_client, owner, headers):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    response = owner_client.post(_order_url(book), {"order": "2,1,3,4,5"}, **headers)
    assert response.status_code == 409
    assert "it is being drawn right now" in response.content.decode()


@pytest.mark.parametrize("name", ["pages_reorder", "page_move", "pages"])
def test_someone_elses_book_answers_404(owner_client, other_user, name):
    book = book_factory(owner=other_user, status=Book.Status.GENERATED)
    url = _move_url(book, 2) if name == "page_move" else reverse(f"books:{name}", args=[book.id])
    response = owner_client.post(url, {"order": "2,1,3,4,5", "direction": "up"}, **HX)
    assert response.status_code == (405 if name == "pages" else 404)
    assert owner_client.get(url, **HX).status_code == (404 if name == "pages" else 405)
    assert _texts(book) == [f"Page {n} text." for n in range(1, 6)]


def test_the_list_fragment_is_for_htmx_and_sends_others_to_the_book(owner_client, book):
    url = reverse("books:pages", args=[book.id])
    assert owner_client.get(url)["Location"] == reverse("books:detail", args=[book.id]) + "#pages"
    assert owner_client.get(url, **HX).content.decode().lstrip().startswith('<div id="pages"')


def test_the_picture_follows_its_page(owner_client, owner):
    book = drawn_book(owner=owner)
    second = book.pages.get(number=2).image.read()

    owner_client.post(_move_url(book, 2), {"direction": "up"})

    picture = owner_client.get(reverse("books:page_image", args=[book.id, 1]))
    assert b"".join(picture.streaming_content) == second
