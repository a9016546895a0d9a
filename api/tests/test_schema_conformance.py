"""Regressions found by the live-server clients (schemathesis, httpx): each answer below used to be wrong."""

import pytest
from django.core.files.base import ContentFile

from api.tests.conftest import assert_error
from api.tests.test_schema import assert_matches
from books.models import Book
from books.tests.factories import book_factory
from exports.models import Export
from exports.tests.factories import generated_book

pytestmark = pytest.mark.django_db

SCHEMA_PATHS = {
    "styles": "/api/v1/styles/",
    "badges": "/api/v1/me/badges/",
    "missions": "/api/v1/me/missions/",
    "books": "/api/v1/books/",
}


@pytest.fixture
def spec(anonymous):
    response = anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _json_error(response, status: int) -> dict:
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    return assert_error(response, status)


@pytest.mark.parametrize("name", sorted(SCHEMA_PATHS))
def test_a_page_past_the_end_of_a_list_is_a_documented_404(spec, api, name):
    response = api.get(SCHEMA_PATHS[name], {"page": 99})
    _json_error(response, 404)
    assert_matches(spec, response, SCHEMA_PATHS[name], "get")


def test_page_zero_is_a_documented_404_too(spec, api):
    response = api.get("/api/v1/books/", {"page": 0, "page_size": 0})
    _json_error(response, 404)
    assert_matches(spec, response, "/api/v1/books/", "get")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/books/0.5/",  # not a UUID: the URL converter refuses it
        "/api/v1/books/0.5/exports/",
        "/api/v1/exports/null,null/",
        "/api/v1/books/00000000-0000-0000-0000-000000000000/pages/-1/regenerate/",
        "/api/v1/no-such-thing/",
        "/api/nothing/here/",
        "/api/v1/books/00000000-0000-0000-0000-000000000000/pages/%0A1/regenerate/",  # a newline in the path
    ],
)
def test_an_address_the_urls_refuse_is_a_json_404_not_the_html_page(api, path):
    for method in ("get", "post", "patch", "delete"):
        details = _json_error(getattr(api, method)(path), 404)
        assert details == {}


def test_the_json_404_needs_no_token(anonymous):
    _json_error(anonymous.get("/api/v1/no-such-thing/"), 404)


def test_an_address_without_its_slash_still_redirects_to_it(api):
    response = api.get("/api/v1/books")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/books/"


@pytest.mark.parametrize("kind", ["image", "thumbnail"])
@pytest.mark.parametrize("asked", [{"data": {"format": "file"}}, {"HTTP_ACCEPT": "image/png"}])
def test_a_missing_picture_asked_for_as_a_file_answers_a_json_404(spec, api, owner, kind, asked):
    book = book_factory(owner=owner, status=Book.Status.GENERATED)  # its pages have no pictures yet
    path = f"/api/v1/books/{book.id}/pages/1/{kind}/"
    response = api.get(path, **asked)
    _json_error(response, 404)
    assert_matches(spec, response, f"/api/v1/books/{{book_id}}/pages/{{number}}/{kind}/", "get")


def test_a_picture_still_comes_as_png(api, owner):
    book = generated_book(owner=owner)
    response = api.get(f"/api/v1/books/{book.id}/pages/1/image/", {"format": "file"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_a_bad_download_signature_asked_as_a_file_is_a_json_404(spec, anonymous, owner):
    book = generated_book(owner=owner)
    export = Export.objects.create(book=book, format=Export.Format.ZIP, status=Export.Status.READY)
    response = anonymous.get(f"/api/v1/exports/{export.id}/download/not-a-signature/", {"format": "file"})
    _json_error(response, 404)
    assert_matches(spec, response, "/api/v1/exports/{export_id}/download/{signature}/", "get")


@pytest.mark.parametrize("export_format", [Export.Format.DIGITAL, Export.Format.ZIP])
def test_the_download_answers_with_a_content_type_the_schema_documents(spec, api, owner, export_format):
    book = generated_book(owner=owner)
    export = Export.objects.create(book=book, format=export_format, status=Export.Status.READY)
    export.file.save(f"exports/{export.id}.bin", ContentFile(b"stand-in for the file"))
    detail = api.get(f"/api/v1/exports/{export.id}/").json()
    assert detail["download_url"], detail
    response = api.get(detail["download_url"])
    assert response.status_code == 200
    documented = spec["paths"]["/api/v1/exports/{export_id}/download/{signature}/"]["get"]["responses"]["200"]
    assert response["Content-Type"] in documented["content"]


BODY_OPERATIONS = [
    ("/api/v1/books/", "post"),
    ("/api/v1/books/{book_id}/", "patch"),
    ("/api/v1/books/{book_id}/exports/", "post"),
    ("/api/v1/books/{book_id}/pages/{number}/regenerate/", "post"),
    ("/api/v1/books/{book_id}/share/", "post"),
]


@pytest.mark.parametrize(("path", "method"), BODY_OPERATIONS)
def test_every_operation_with_a_json_body_documents_its_body_errors(spec, path, method):
    assert {"400", "413", "415"} <= set(spec["paths"][path][method]["responses"])


def test_a_too_large_body_on_patch_is_a_documented_413(spec, api, owner, settings):
    settings.API_MAX_BODY_BYTES = 100
    book = generated_book(owner=owner)
    response = api.patch(f"/api/v1/books/{book.id}/", {"title": "x" * 200}, format="json")
    _json_error(response, 413)
    assert_matches(spec, response, "/api/v1/books/{book_id}/", "patch")


def test_a_form_body_on_share_is_a_documented_415(spec, api, owner):
    book = generated_book(owner=owner)
    response = api.post(f"/api/v1/books/{book.id}/share/", {"expiry": "7d"})  # multipart, not JSON
    _json_error(response, 415)
    assert_matches(spec, response, "/api/v1/books/{book_id}/share/", "post")


def test_the_catch_all_is_not_an_operation_of_the_schema(spec):
    assert spec["paths"]
    assert not [path for path in spec["paths"] if "*" in path or "$" in path or "(" in path]


def test_the_202_shows_the_book_as_made_even_when_the_worker_has_already_started(api, monkeypatch):
    """On the live stack the worker could pick the book up before the answer was written: `generating`."""
    from api import views_books

    make = views_books.book_create

    def made_then_picked_up(**fields):
        book = make(**fields)
        Book.objects.filter(pk=book.pk).update(status=Book.Status.GENERATING)  # what the worker does
        return book

    monkeypatch.setattr(views_books, "book_create", made_then_picked_up)
    response = api.post(
        "/api/v1/books/", {"style": "cartoon", "num_pages": 5, "theme": "owls"}, format="json"
    )
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    assert response["Location"] == response.json()["url"]


def test_the_documented_example_of_making_a_book_is_accepted(spec, api):
    """schemathesis sends the schema's examples first: they must make a book, not a 400."""
    content = spec["paths"]["/api/v1/books/"]["post"]["requestBody"]["content"]["application/json"]
    examples = [example["value"] for example in content["examples"].values()]
    assert examples
    for example in examples:
        response = api.post("/api/v1/books/", example, format="json")
        assert response.status_code == 202, response.content
        assert_matches(spec, response, "/api/v1/books/", "post")
