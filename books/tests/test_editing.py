"""Changing a book's title and a page's text: inline with HTMX, on a plain page without JavaScript."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from books.editing import book_rename, page_update_text
from books.errors import BookInvalid, InvalidTransition
from books.models import Book
from books.tests.drawn import drawn_book, pdf_text
from books.tests.factories import book_factory
from exports.models import Export
from exports.selectors import book_content_hash
from exports.services import export_print_pdf

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
SCRIPT = '<script>alert("hi")</script> & <b>bold</b>'
ESCAPED = "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"


@pytest.fixture
def book(owner):
    return book_factory(owner=owner, status=Book.Status.GENERATED, title="Rex e os amigos")


def _title_url(book) -> str:
    return reverse("books:title_edit", args=[book.id])


def _text_url(book, number: int = 2) -> str:
    return reverse("books:page_edit", args=[book.id, number])


# --- the services ------------------------------------------------------------------------------


def test_renaming_trims_the_title_and_changes_the_content_hash(owner):
    book = drawn_book(owner=owner)
    before = book_content_hash(book=book)

    book_rename(book=book, user=owner, title="  Rex   e a\nlua  ")

    book.refresh_from_db()
    assert book.title == "Rex e a lua"
    assert book_content_hash(book=book) != before


def test_editing_a_page_keeps_its_lines_and_changes_the_content_hash(owner):
    book = drawn_book(owner=owner)
    page = book.pages.get(number=2)
    before = book_content_hash(book=book)

    page_update_text(page=page, user=owner, text="  Rex dormiu.\r\nA lua brilhou.  ")

    page.refresh_from_db()
    assert page.text == "Rex dormiu.\nA lua brilhou."
    assert book_content_hash(book=book) != before


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "Give the book a title."),
        ("x" * 201, "This has 201 characters; the limit is 200."),
        ("Rex and the gun", "please remove “gun”"),
    ],
)
def test_a_bad_title_is_refused_and_the_book_keeps_its_own(book, owner, title, message):
    with pytest.raises(BookInvalid, match=message):
        book_rename(book=book, user=owner, title=title)
    book.refresh_from_db()
    assert book.title == "Rex e os amigos"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Write a few words for this page."),
        ("x" * 2001, "This has 2,001 characters; the limit is 2,000."),
        ("Rex bebeu cerveja.", "please remove “cerveja”"),
    ],
)
def test_bad_page_text_is_refused_and_the_page_keeps_its_own(book, owner, text, message):
    page = book.pages.get(number=2)
    with pytest.raises(BookInvalid, match=message):
        page_update_text(page=page, user=owner, text=text)
    page.refresh_from_db()
    assert page.text == "Page 2 text."


def test_the_longest_page_text_allowed_is_saved(book, owner):
    page = page_update_text(page=book.pages.get(number=1), user=owner, text="y" * 2000)
    assert len(page.text) == 2000


def test_nothing_changes_while_the_book_is_being_drawn(owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    with pytest.raises(InvalidTransition, match="it is being drawn right now"):
        book_rename(book=book, user=owner, title="Another title")
    with pytest.raises(InvalidTransition):
        page_update_text(page=book.pages.get(number=1), user=owner, text="New words.")


def test_the_services_refuse_someone_elses_book(book, other_user):
    with pytest.raises(PermissionDenied):
        book_rename(book=book, user=other_user, title="Mine now")
    with pytest.raises(PermissionDenied):
        page_update_text(page=book.pages.get(number=1), user=other_user, text="Mine now.")


# --- inline, with HTMX ------------------------------------------------------------------------


def test_the_edit_link_swaps_in_a_form_with_the_title(owner_client, book):
    response = owner_client.get(_title_url(book), **HX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f'hx-post="{_title_url(book)}"' in body
    assert 'value="Rex e os amigos"' in body
    assert "autofocus" in body


def test_saving_inline_returns_the_title_as_shown(owner_client, book):
    response = owner_client.post(_title_url(book), {"title": "Rex e a lua"}, **HX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "<form" not in body
    assert "<h1>Rex e a lua</h1>" in body
    assert 'id="book-title"' in body
    book.refresh_from_db()
    assert book.title == "Rex e a lua"


def test_a_bad_title_inline_keeps_the_form_with_the_message(owner_client, book):
    response = owner_client.post(_title_url(book), {"title": "x" * 201}, **HX)

    body = response.content.decode()
    assert response.status_code == 400
    assert "<form" in body and "<html" not in body
    assert "This has 201 characters; the limit is 200." in body
    assert "data-inline-edit" in body  # inline-edit.js lets HTMX show 4xx answers of these forms


def test_cancel_swaps_the_title_back(owner_client, book):
    response = owner_client.get(reverse("books:title", args=[book.id]), **HX)
    assert response.status_code == 200
    assert "<h1>Rex e os amigos</h1>" in response.content.decode()


def test_a_page_text_is_edited_inline(owner_client, book):
    form = owner_client.get(_text_url(book), **HX).content.decode()
    assert "<textarea" in form and "Page 2 text." in form

    response = owner_client.post(_text_url(book), {"text": "Rex encontrou a lua."}, **HX)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="page-text-2"' in body and "Rex encontrou a lua." in body
    assert "<textarea" not in body
    assert book.pages.get(number=2).text == "Rex encontrou a lua."


def test_a_page_cannot_be_edited_inline_while_the_book_is_drawn(owner_client, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)

    response = owner_client.post(_text_url(book), {"text": "New words."}, **HX)

    assert response.status_code == 409
    assert "Wait until the book is ready: it is being drawn right now." in response.content.decode()
    assert book.pages.get(number=2).text == "Page 2 text."


# --- without JavaScript --------------------------------------------------------------------------


def test_without_htmx_the_form_is_a_page_of_its_own(owner_client, book):
    response = owner_client.get(_title_url(book) + "?next=" + reverse("books:read", args=[book.id]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body and f'action="{_title_url(book)}"' in body
    assert f'name="next" value="{reverse("books:read", args=[book.id])}"' in body


def test_without_htmx_saving_goes_back_where_the_parent_came_from(owner_client, book):
    back = reverse("books:read_page", args=[book.id, 2])

    response = owner_client.post(_text_url(book), {"text": "Rex sorriu.", "next": back})

    assert response.status_code == 302
    assert response["Location"] == back
    assert "Saved." in [str(m) for m in owner_client.get(back).context["messages"]]
    assert book.pages.get(number=2).text == "Rex sorriu."


def test_without_htmx_saving_goes_to_the_book_page_by_default_and_never_elsewhere(owner_client, book):
    response = owner_client.post(_title_url(book), {"title": "Rex", "next": "https://evil.example/"})
    assert response["Location"] == reverse("books:detail", args=[book.id])


def test_without_htmx_a_bad_text_is_shown_on_the_form_page(owner_client, book):
    response = owner_client.post(_text_url(book), {"text": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert "<html" in body and "Write a few words for this page." in body


def test_without_htmx_the_fragments_send_back_to_the_book(owner_client, book):
    for url in (reverse("books:title", args=[book.id]), reverse("books:page_text", args=[book.id, 2])):
        response = owner_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("books:detail", args=[book.id]))


def test_a_ready_book_page_offers_the_edits(owner_client, book):
    body = owner_client.get(reverse("books:detail", args=[book.id])).content.decode()
    assert f'href="{_title_url(book)}"' in body
    assert f'href="{_text_url(book)}"' in body
    assert f'hx-get="{_text_url(book)}"' in body


def test_a_book_being_drawn_offers_no_edits(owner_client, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    body = owner_client.get(reverse("books:detail", args=[book.id])).content.decode()
    assert _title_url(book) not in body
    assert _text_url(book) not in body


# --- whose book, and what the parent typed ---------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["title", "title_edit", "page_text", "page_edit"], ids=lambda name: name.replace("_", "-")
)
@pytest.mark.parametrize("hx", [False, True], ids=["plain", "htmx"])
def test_someone_elses_book_answers_404(owner_client, other_user, name, hx):
    book = book_factory(owner=other_user, status=Book.Status.GENERATED, title="Theirs")
    args = [book.id, 1] if name.startswith("page") else [book.id]
    url = reverse(f"books:{name}", args=args)
    headers = HX if hx else {}
    assert owner_client.get(url, **headers).status_code == 404
    if name.endswith("edit"):
        assert owner_client.post(url, {"title": "Mine", "text": "Mine."}, **headers).status_code == 404
    book.refresh_from_db()
    assert book.title == "Theirs" and book.pages.get(number=1).text == "Page 1 text."


def test_a_visitor_is_sent_to_sign_in(client, book):
    response = client.post(_title_url(book), {"title": "Mine"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_html_in_the_title_and_text_is_shown_as_typed_everywhere(owner_client, owner):
    book = drawn_book(owner=owner)
    owner_client.post(_title_url(book), {"title": SCRIPT})
    owner_client.post(_text_url(book), {"text": SCRIPT})

    pages = [
        owner_client.get(reverse("books:detail", args=[book.id])),
        owner_client.get(reverse("books:read", args=[book.id])),
        owner_client.get(reverse("books:read_page", args=[book.id, 2])),
        owner_client.post(_text_url(book), {"text": SCRIPT}, **HX),
        owner_client.post(_title_url(book), {"title": SCRIPT}, **HX),
    ]
    for response in pages:
        body = response.content.decode()
        assert ESCAPED in body
        assert "<script>alert" not in body


def test_html_in_the_title_and_text_is_printed_as_typed_in_the_pdf(owner):
    book = drawn_book(owner=owner)
    book_rename(book=book, user=owner, title="<b>Rex</b> & <i>Lua</i>")
    page_update_text(page=book.pages.get(number=1), user=owner, text=SCRIPT)

    export = export_print_pdf(book=Book.objects.select_related("style", "owner").get(id=book.id))

    text = pdf_text(export)
    assert "<b>Rex</b> & <i>Lua</i>" in text
    assert '<script>alert("hi")</script> & <b>bold</b>' in text


def test_the_next_download_is_a_new_file_after_an_edit(owner):
    book = drawn_book(owner=owner)
    first = export_print_pdf(book=book)

    page_update_text(page=book.pages.get(number=1), user=owner, text="Rex dormiu cedo.")
    second = export_print_pdf(book=Book.objects.select_related("style", "owner").get(id=book.id))

    assert second.id != first.id
    assert second.content_hash != first.content_hash
    assert "Rex dormiu cedo." in pdf_text(second)
    assert Export.objects.filter(book=book).count() == 2
