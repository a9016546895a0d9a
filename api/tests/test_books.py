"""Books through the API: the same services, rules and quotas as the web pages."""

import pytest

from api.tests.conftest import assert_error
from books.models import Book, GenerationJob, Page
from books.tests.factories import book_factory
from exports.tests.factories import generated_book

pytestmark = pytest.mark.django_db

NEW_BOOK = {"style": "cartoon", "num_pages": 5, "theme": "dinosaurs who share", "language": "en"}


def test_styles_are_listed_paginated(api):
    body = api.get("/api/v1/styles/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert "cartoon" in [style["slug"] for style in body["results"]]


def test_my_books_are_listed_without_anyone_elses(api, owner, other_user):
    mine = book_factory(owner=owner, theme="dragons")
    book_factory(owner=other_user, theme="pirates")
    body = api.get("/api/v1/books/").json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == str(mine.id)


def test_the_list_searches_filters_and_sorts(api, owner):
    book_factory(owner=owner, theme="dragons", status=Book.Status.GENERATED, title="Zebra")
    book_factory(owner=owner, theme="pirates", status=Book.Status.FAILED, title="Apple")
    assert [b["theme"] for b in api.get("/api/v1/books/?search=drag").json()["results"]] == ["dragons"]
    assert [b["theme"] for b in api.get("/api/v1/books/?status=failed").json()["results"]] == ["pirates"]
    titles = [b["title"] for b in api.get("/api/v1/books/?ordering=title").json()["results"]]
    assert titles == ["Apple", "Zebra"]


def test_a_list_is_paginated(api, owner):
    for _ in range(3):
        book_factory(owner=owner)
    body = api.get("/api/v1/books/?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert "page=2" in body["next"]


@pytest.mark.parametrize("query", ["ordering=sideways", "status=lost"])
def test_an_unknown_filter_value_is_a_400_naming_the_parameter(api, query):
    details = assert_error(api.get(f"/api/v1/books/?{query}"), 400, "invalid")
    assert query.split("=")[0] in details


def test_a_new_book_is_accepted_and_queued(api, owner):
    response = api.post("/api/v1/books/", NEW_BOOK, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert response["Location"].endswith(f"/api/v1/books/{body['id']}/")
    book = Book.objects.get(id=body["id"])
    assert book.owner == owner and GenerationJob.objects.filter(book=book).count() == 1


def test_a_new_book_with_bad_values_is_a_400_per_field(api):
    response = api.post("/api/v1/books/", {**NEW_BOOK, "num_pages": 30, "style": "cubism"}, format="json")
    details = assert_error(response, 400, "invalid")
    assert set(details) == {"num_pages", "style"}
    assert all(isinstance(messages, list) and messages for messages in details.values())
    assert not Book.objects.exists()


def test_a_new_book_with_wrong_types_is_a_400(api):
    details = assert_error(api.post("/api/v1/books/", {"num_pages": "many"}, format="json"), 400, "invalid")
    assert {"style", "num_pages"} <= set(details)


def test_over_the_daily_quota_a_new_book_is_a_429_with_the_reset_time(api, owner):
    owner.daily_requests_override = 0
    owner.save()
    response = api.post("/api/v1/books/", NEW_BOOK, format="json")
    details = assert_error(response, 429, "quota_exceeded")
    assert details["limit"] == "daily_requests"
    assert 0 < int(response["Retry-After"]) <= 24 * 3600


def test_with_too_many_books_being_drawn_a_new_book_is_a_429(api, owner):
    owner.max_concurrent_books_override = 1
    owner.save()
    book_factory(owner=owner, status=Book.Status.GENERATING)
    response = api.post("/api/v1/books/", NEW_BOOK, format="json")
    assert assert_error(response, 429, "quota_exceeded")["limit"] == "concurrent_books"
    assert int(response["Retry-After"]) > 0


def test_a_book_comes_with_its_pages_and_picture_urls(api, owner):
    book = generated_book(owner=owner)
    body = api.get(f"/api/v1/books/{book.id}/").json()
    assert body["status"] == "generated"
    assert [page["number"] for page in body["pages"]] == [1, 2, 3, 4, 5]
    picture = api.get(body["pages"][0]["image_url"])
    assert picture.status_code == 200
    assert b"".join(picture.streaming_content).startswith(b"\x89PNG")


def test_a_page_without_a_picture_has_no_url(api, owner):
    book = book_factory(owner=owner)
    body = api.get(f"/api/v1/books/{book.id}/").json()
    assert body["pages"][0]["image_url"] is None
    assert api.get(f"/api/v1/books/{book.id}/pages/1/image/").status_code == 404


def test_patch_renames_and_rewrites_pages(api, owner):
    book = generated_book(owner=owner)
    changes = {"title": "  The   Garden ", "pages": [{"number": 2, "text": "A new sentence."}]}
    body = api.patch(f"/api/v1/books/{book.id}/", changes, format="json").json()
    assert body["title"] == "The Garden"
    assert body["pages"][1]["text"] == "A new sentence."


def test_patch_keeps_nothing_when_one_change_is_refused(api, owner):
    book = generated_book(owner=owner)
    changes = {"title": "New title", "pages": [{"number": 1, "text": "Fine."}, {"number": 2, "text": " "}]}
    details = assert_error(api.patch(f"/api/v1/books/{book.id}/", changes, format="json"), 400, "invalid")
    assert list(details) == ["pages.2.text"]
    book.refresh_from_db()
    assert book.title != "New title"
    assert book.pages.get(number=1).text == "Page 1 text."


def test_patch_of_a_page_the_book_does_not_have_is_a_400(api, owner):
    book = generated_book(owner=owner)
    response = api.patch(f"/api/v1/books/{book.id}/", {"pages": [{"number": 9, "text": "x"}]}, format="json")
    assert "pages.9.text" in assert_error(response, 400)


def test_a_book_being_drawn_cannot_be_edited(api, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    assert_error(api.patch(f"/api/v1/books/{book.id}/", {"title": "x"}, format="json"), 409, "conflict")


def test_delete_moves_the_book_to_the_trash_and_restore_brings_it_back(api, owner):
    book = generated_book(owner=owner)
    assert api.delete(f"/api/v1/books/{book.id}/").status_code == 204
    assert api.get(f"/api/v1/books/{book.id}/").status_code == 404
    assert Book.objects.filter(id=book.id, deleted_at__isnull=False).exists()
    response = api.post(f"/api/v1/books/{book.id}/restore/")
    assert response.status_code == 200 and response.json()["id"] == str(book.id)
    assert api.get(f"/api/v1/books/{book.id}/").status_code == 200


def test_a_book_being_drawn_cannot_be_deleted(api, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    assert_error(api.delete(f"/api/v1/books/{book.id}/"), 409)


def test_restoring_a_book_that_is_not_in_the_trash_is_a_404(api, owner):
    book = generated_book(owner=owner)
    assert_error(api.post(f"/api/v1/books/{book.id}/restore/"), 404, "not_found")


def test_a_page_is_redrawn_in_the_background(api, owner):
    book = generated_book(owner=owner)
    url = f"/api/v1/books/{book.id}/pages/3/regenerate/"
    response = api.post(url, {"instructions": "add a kite"}, format="json")
    assert response.status_code == 202
    assert response.json()["status"] == "generating"
    assert book.pages.get(number=3).status == Page.Status.PENDING
    assert GenerationJob.objects.filter(kind=GenerationJob.Kind.PAGE, book=book).count() == 1


def test_a_page_of_a_book_being_drawn_cannot_be_redrawn(api, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    assert_error(api.post(f"/api/v1/books/{book.id}/pages/1/regenerate/"), 409, "conflict")


def test_over_the_quota_a_page_cannot_be_redrawn(api, owner):
    book = generated_book(owner=owner)
    owner.daily_requests_override = 0
    owner.save()
    response = api.post(f"/api/v1/books/{book.id}/pages/1/regenerate/")
    assert_error(response, 429, "quota_exceeded")
    assert "Retry-After" in response


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("get", "", None),
        ("patch", "", {"title": "Mine now"}),
        ("delete", "", None),
        ("post", "restore/", None),
        ("post", "pages/1/regenerate/", {}),
        ("get", "pages/1/image/", None),
        ("post", "exports/", {"format": "print"}),
        ("get", "share/", None),
        ("post", "share/", {"expiry": "7d"}),
    ],
)
def test_another_users_book_is_a_404_everywhere(other_api, owner, method, path, body):
    book = generated_book(owner=owner)
    if path == "restore/":
        Book.objects.filter(id=book.id).update(deleted_at=book.created_at)
    response = getattr(other_api, method)(f"/api/v1/books/{book.id}/{path}", body, format="json")
    assert_error(response, 404, "not_found")
    book.refresh_from_db()
    assert book.title != "Mine now" and not book.share_links.exists() and not book.exports.exists()


def test_patch_changes_the_characters_and_the_page_order(api, owner):
    book = generated_book(owner=owner)
    changes = {"character_sheet": "Júlia, 6, curly hair", "order": [2, 1, 3, 4, 5]}
    body = api.patch(f"/api/v1/books/{book.id}/", changes, format="json").json()
    assert body["character_sheet"] == "Júlia, 6, curly hair"
    assert [page["text"] for page in body["pages"][:2]] == ["Page 2 text.", "Page 1 text."]


def test_patch_with_an_order_missing_a_page_is_a_400(api, owner):
    book = generated_book(owner=owner)
    response = api.patch(f"/api/v1/books/{book.id}/", {"order": [1, 2, 3]}, format="json")
    assert "order" in assert_error(response, 400, "invalid")
