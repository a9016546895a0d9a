"""Reading a book page by page: the cover, then each picture with its words; plain links, keys with JS."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from books.models import Book, Page
from books.tests.drawn import drawn_book
from books.tests.factories import book_factory

pytestmark = pytest.mark.django_db


def _read(book, number: int | None = None) -> str:
    if number is None:
        return reverse("books:read", args=[book.id])
    return reverse("books:read_page", args=[book.id, number])


@pytest.fixture
def book(owner):
    return drawn_book(owner=owner, title="Rex e a lua", num_pages=5)


def _nav(body: str) -> str:
    return re.search(r'<nav class="reader-nav".*?</nav>', body, re.S)[0]


def test_the_reader_opens_on_the_cover(owner_client, book):
    response = owner_client.get(_read(book))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Rex e a lua</h1>" in body
    assert f'src="{reverse("books:cover", args=[book.id])}"' in body
    assert 'alt="Cover of “Rex e a lua”"' in body
    nav = _nav(body)
    assert "Cover" in nav
    assert f'href="{_read(book, 1)}" rel="next"' in nav
    assert 'rel="prev"' not in nav  # nothing before the cover


def test_a_page_shows_its_picture_its_words_and_where_the_reader_is(owner_client, book):
    page = book.pages.get(number=3)

    body = owner_client.get(_read(book, 3)).content.decode()

    assert f'src="{reverse("books:page_image", args=[book.id, 3])}?v={page.sha256[:12]}"' in body
    assert 'alt="Coloring picture for page 3"' in body
    assert "<figcaption>" in body and "Page 3 text." in body
    nav = _nav(body)
    assert "Page 3 of 5" in nav
    assert f'href="{_read(book, 2)}" rel="prev"' in nav
    assert f'href="{_read(book, 4)}" rel="next"' in nav


def test_the_first_page_goes_back_to_the_cover_and_the_last_has_no_next(owner_client, book):
    first = _nav(owner_client.get(_read(book, 1)).content.decode())
    last = _nav(owner_client.get(_read(book, 5)).content.decode())
    assert f'href="{_read(book)}" rel="prev"' in first
    assert 'rel="next"' not in last and "Page 5 of 5" in last


def test_following_next_from_the_cover_reads_every_page_in_order(owner_client, book):
    url, seen = _read(book), []
    while url:
        body = owner_client.get(url).content.decode()
        seen.append(re.search(r'<p class="reader-indicator"[^>]*>(.*?)</p>', body)[1])
        following = re.search(r'href="([^"]+)" rel="next"', body)
        url = following[1] if following else None
    assert seen == ["Cover"] + [f"Page {n} of 5" for n in range(1, 6)]


def test_the_keys_are_a_small_script_over_plain_links(owner_client, book):
    body = owner_client.get(_read(book, 2)).content.decode()
    assert "/static/js/reader.js" in body
    assert "data-reader-prev" in body and "data-reader-next" in body and "data-reader-cover" in body
    # The page can take focus when the script turns to it, and says what it is.
    assert 'id="reader" tabindex="-1" aria-labelledby="reader-heading"' in body


def test_a_page_still_being_drawn_says_so_instead_of_a_picture(owner_client, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    body = owner_client.get(_read(book, 2)).content.decode()
    assert "This picture is being drawn…" in body
    assert reverse("books:page_image", args=[book.id, 2]) not in body
    assert "The cover is not drawn yet." in owner_client.get(_read(book)).content.decode()


def test_a_page_that_could_not_be_drawn_says_so(owner_client, owner):
    book = book_factory(owner=owner, status=Book.Status.FAILED)
    Page.objects.filter(book=book, number=2).update(status=Page.Status.FAILED)
    assert "This picture could not be drawn." in owner_client.get(_read(book, 2)).content.decode()


def test_the_words_can_be_changed_from_the_reader_and_it_comes_back_there(owner_client, book):
    body = owner_client.get(_read(book, 2)).content.decode()
    edit = reverse("books:page_edit", args=[book.id, 2])
    assert f'href="{edit}?next={_read(book, 2)}"' in body
    assert f'hx-get="{edit}' in body


@pytest.mark.parametrize("number", [6, 99])
def test_a_page_past_the_end_answers_404(owner_client, book, number):
    assert owner_client.get(_read(book, number)).status_code == 404


def test_the_book_page_links_to_the_reader(owner_client, book):
    body = owner_client.get(reverse("books:detail", args=[book.id])).content.decode()
    assert f'href="{_read(book)}"' in body
    assert f'href="{_read(book, 1)}"' in body


@pytest.mark.parametrize("number", [None, 1])
def test_someone_elses_book_answers_404(owner_client, other_user, number):
    book = drawn_book(owner=other_user)
    assert owner_client.get(_read(book, number)).status_code == 404


def test_a_visitor_is_sent_to_sign_in(client, book):
    response = client.get(_read(book, 1))
    assert response.status_code == 302 and "login" in response["Location"]


def test_html_in_the_page_text_is_shown_as_text(owner_client, book):
    Page.objects.filter(book=book, number=1).update(text='<img src=x onerror="alert(1)">')
    body = owner_client.get(_read(book, 1)).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body
    assert "<img src=x" not in body
