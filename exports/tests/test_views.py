"""Asking for and downloading a book's files on the web: access, errors, HTMX and JSON."""

import pytest
from django.urls import reverse

from books.models import Book
from books.tests.factories import book_factory
from exports.models import Export
from exports.services import export_print_pdf
from exports.tests.factories import generated_book

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def book(owner):
    return generated_book(owner=owner)


@pytest.fixture
def built(celery_eager, django_capture_on_commit_callbacks):
    """Run the Celery tasks a request queues, as a worker would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def url(book, format, **query) -> str:
    path = reverse("exports:file", args=[book.id, format])
    return path + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def test_the_owner_asks_for_a_print_pdf_and_downloads_it(owner_client, book, built):
    form = {"paper": "letter", "single_sided": "1"}
    with built():
        asked = owner_client.post(url(book, "print"), form)
    assert asked["Location"] == reverse("books:detail", args=[book.id]) + "#exports"  # being made
    export = Export.objects.get()
    assert (export.status, export.paper, export.single_sided) == ("ready", "letter", True)
    asked = owner_client.post(url(book, "print"), form)  # made by now: straight to the file
    assert asked.status_code == 302 and asked["Location"] == url(
        book, "print", paper="letter", single_sided=1
    )
    download = owner_client.get(asked["Location"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        'attachment; filename="julia-e-o-jardim-magico-print-letter-single-sided.pdf"'
    )
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    export.refresh_from_db()
    assert export.download_count == 1 and export.last_downloaded_at


def test_a_file_not_made_yet_is_queued_and_the_parent_sent_back_to_the_book(owner_client, book):
    response = owner_client.get(url(book, "zip"))
    assert response.status_code == 302
    assert response["Location"] == reverse("books:detail", args=[book.id]) + "#exports"
    assert Export.objects.get().status == Export.Status.PENDING
    page = owner_client.get(response["Location"]).content.decode()
    assert "We are making this file" in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_book_answers_404(owner_client, other_user, method):
    book = generated_book(owner=other_user)
    assert getattr(owner_client, method)(url(book, "print")).status_code == 404
    assert owner_client.get(reverse("exports:panel", args=[book.id])).status_code == 404
    response = getattr(owner_client, method)(url(book, "print"), **JSON)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert not Export.objects.exists()


def test_a_visitor_is_sent_to_log_in(client, book):
    response = client.get(url(book, "print"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("status", [Book.Status.GENERATING, Book.Status.QUEUED, Book.Status.FAILED])
def test_a_book_not_ready_answers_409_with_a_clear_message(owner_client, owner, status):
    book = book_factory(owner=owner, status=status)
    page = owner_client.post(url(book, "print"))
    assert page.status_code == 409
    assert "Its files can be downloaded once it is ready" in page.content.decode()
    response = owner_client.get(url(book, "print"), **JSON)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "book_not_ready" and "still being made" in error["message"]
    assert error["details"] == {"status": status}


@pytest.mark.parametrize(
    ("format", "query", "field"),
    [
        ("poster", {}, "format"),
        ("print", {"paper": "a3"}, "paper"),
        ("kdp", {"single_sided": "maybe"}, "single_sided"),
    ],
)
def test_unknown_formats_and_options_answer_400(owner_client, book, format, query, field):
    page = owner_client.get(url(book, format, **query))
    assert page.status_code == 400
    assert "We could not make this file" in page.content.decode()
    response = owner_client.post(url(book, format), query, **JSON)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_export"
    assert field in response.json()["error"]["details"]


def test_json_clients_get_the_export_and_then_its_download_url(owner_client, book, built):
    queued = owner_client.post(url(book, "digital"), **JSON)
    assert queued.status_code == 202
    assert queued.json()["export"]["status"] == "pending" and queued.json()["export"]["download_url"] is None
    with built():
        export = Export.objects.get()
        from exports.tasks import export_build

        export_build(str(export.id))
    ready = owner_client.post(url(book, "digital"), **JSON)
    assert ready.status_code == 200
    assert ready.json()["export"]["download_url"] == url(book, "digital", paper="a4")


def test_htmx_asks_and_gets_the_panel_showing_the_file_being_made(owner_client, book):
    response = owner_client.post(url(book, "kdp"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="exports"' in body and f"/ws/books/{book.id}/progress/" in body
    assert 'hx-trigger="every 3s [!window.fabricaLive]"' in body
    assert 'data-status="pending"' in body


def test_htmx_asking_for_a_ready_file_goes_straight_to_the_download(owner_client, book, built):
    with built():
        owner_client.post(url(book, "zip"))
    response = owner_client.post(url(book, "zip"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == url(book, "zip")


def test_the_panel_stops_polling_once_every_file_is_ready(owner_client, book, built):
    with built():
        owner_client.post(url(book, "print"))
    body = owner_client.get(reverse("exports:panel", args=[book.id]), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="ready"' in body and "hx-trigger" not in body
    assert url(book, "print", paper="a4", single_sided=0) in body.replace("&amp;", "&")


def test_the_book_page_offers_every_download_on_the_owners_paper(owner_client, owner):
    owner.paper_size = "letter"
    owner.save()
    book = generated_book(owner=owner)
    body = owner_client.get(reverse("books:detail", args=[book.id])).content.decode()
    assert 'id="exports"' in body and '<option value="letter" selected>' in body
    for format in ("print", "digital", "zip", "kdp", "kdp-cover"):
        assert reverse("exports:file", args=[book.id, format]) in body
    assert 'name="single_sided"' in body


def test_a_book_still_drawing_has_no_download_panel(owner_client, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    assert 'id="exports"' not in owner_client.get(reverse("books:detail", args=[book.id])).content.decode()


def test_the_book_download_link_serves_the_cached_print_pdf(owner_client, owner, book):
    export = export_print_pdf(book=book, paper=owner.paper_size)  # made when the book was assembled
    response = owner_client.get(reverse("books:download", args=[book.id]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="julia-e-o-jardim-magico-print-a4.pdf"'
    export.refresh_from_db()
    assert export.download_count == 1 and Export.objects.count() == 1


def test_the_book_download_link_after_an_edit_makes_a_new_pdf(owner_client, owner, book):
    export_print_pdf(book=book, paper=owner.paper_size)
    book.pages.filter(number=1).update(text="Texto editado")
    response = owner_client.get(reverse("books:download", args=[book.id]))
    assert response.status_code == 302
    assert Export.objects.filter(status=Export.Status.PENDING).count() == 1


def test_the_live_snapshot_carries_the_books_files(owner, book, built):
    from books.progress import progress_snapshot
    from exports.services import export_request

    with built():
        export_request(book=book, format="zip")
    (file,) = progress_snapshot(book)["exports"]
    assert (file["format"], file["status"], file["progress"]) == ("zip", "ready", 100)
    assert file["download_url"] == url(book, "zip")
