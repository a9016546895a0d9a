from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from books.models import Book, ShareLink
from books.sharing import share_link_create
from books.tests.factories import book_factory
from exports.models import Export
from exports.selectors import book_for_download
from exports.tests.factories import generated_book

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
XSS = "<script>alert('x')</script>"


@pytest.fixture
def book(owner) -> Book:
    book = generated_book(owner=owner, title="Júlia e o Jardim", theme="flowers and bees")
    for page in book.pages.all():
        page.thumbnail.save(f"books/{book.id}/page-{page.number:02d}-thumb.png", ContentFile(b"thumb"))
    return book


@pytest.fixture
def link(book) -> ShareLink:
    return share_link_create(book=book, expiry=ShareLink.Expiry.WEEK)


def _url(name: str, link: ShareLink, *args) -> str:
    return reverse(f"share:{name}", args=[link.token, *args])


# --- The owner's panel ----------------------------------------------------------------------


def test_a_finished_book_page_has_a_share_panel(owner_client, book):
    html = owner_client.get(reverse("books:detail", args=[book.id])).content.decode()
    assert 'id="share"' in html
    assert "1 day" in html and "7 days" in html and "30 days" in html and "Never" in html


def test_a_book_still_being_drawn_cannot_be_shared(owner_client, owner):
    drawing = book_factory(owner=owner, status=Book.Status.GENERATING)
    assert 'id="share"' not in owner_client.get(reverse("books:detail", args=[drawing.id])).content.decode()
    response = owner_client.post(reverse("books:share", args=[drawing.id]), {"expiry": "7d"}, follow=True)
    assert "Only a finished book can be shared" in response.content.decode()
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize(("expiry", "days"), [("1d", 1), ("7d", 7), ("30d", 30), ("never", None)])
def test_creating_a_link_without_javascript_sets_its_expiry(owner_client, book, expiry, days):
    response = owner_client.post(reverse("books:share", args=[book.id]), {"expiry": expiry})
    assert response.status_code == 302
    assert response["Location"] == reverse("books:detail", args=[book.id]) + "#share"
    link = ShareLink.objects.get(book=book)
    assert len(link.token) >= 32
    if days is None:
        assert link.expires_at is None
    else:
        assert abs(link.expires_at - (timezone.now() + timedelta(days=days))) < timedelta(minutes=1)
    page = owner_client.get(response["Location"]).content.decode()
    assert f"http://testserver/s/{link.token}/" in page
    assert "0 views" in page


def test_sharing_a_book_counts_once_for_the_badges(owner, book):
    from gamification.models import Player

    share_link_create(book=book, expiry="7d")
    share_link_create(book=book, expiry="never")
    assert Player.objects.get(user=owner).books_shared == 1


def test_creating_a_link_with_htmx_returns_the_panel(owner_client, book):
    response = owner_client.post(reverse("books:share", args=[book.id]), {"expiry": "30d"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="share"')
    assert ShareLink.objects.get(book=book).token in html
    assert "share-new" in html


def test_an_unknown_expiry_is_refused_next_to_the_form(owner_client, book):
    response = owner_client.post(reverse("books:share", args=[book.id]), {"expiry": "forever"}, **HTMX)
    assert response.status_code == 400
    assert "Choose how long the link works" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_the_panel_lists_links_with_their_state_and_views(owner_client, book):
    active = share_link_create(book=book, expiry="never")
    ShareLink.objects.filter(id=active.id).update(view_count=3)
    expired = share_link_create(book=book, expiry="1d")
    ShareLink.objects.filter(id=expired.id).update(expires_at=timezone.now() - timedelta(hours=1))
    revoked = share_link_create(book=book, expiry="7d")
    ShareLink.objects.filter(id=revoked.id).update(revoked_at=timezone.now())
    html = owner_client.get(reverse("books:share", args=[book.id]), **HTMX).content.decode()
    assert "3 views" in html and "never expires" in html
    assert ">Expired<" in html and ">Revoked<" in html and ">Active<" in html
    assert html.count("Stop sharing") == 1


def test_revoking_stops_the_link(owner_client, client, book, link):
    url = reverse("books:share_revoke", args=[book.id, link.id])
    response = owner_client.post(url, **HTMX)
    assert response.status_code == 200 and ">Revoked<" in response.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(_url("book", link)).status_code == 410
    assert owner_client.post(url)["Location"].endswith("#share")


def test_another_users_share_admin_is_a_404(client, other_user, book, link):
    client.force_login(other_user)
    assert client.get(reverse("books:share", args=[book.id])).status_code == 404
    assert client.post(reverse("books:share", args=[book.id]), {"expiry": "7d"}).status_code == 404
    assert client.post(reverse("books:share_revoke", args=[book.id, link.id])).status_code == 404
    assert ShareLink.objects.count() == 1
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_link_of_another_book_cannot_be_revoked_through_mine(owner_client, owner, link):
    mine = generated_book(owner=owner)
    assert owner_client.post(reverse("books:share_revoke", args=[mine.id, link.id])).status_code == 404


# --- The public reader ----------------------------------------------------------------------


def test_anyone_with_the_link_reads_the_book_without_signing_in(client, book, link):
    response = client.get(_url("book", link))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Júlia e o Jardim" in html
    assert _url("cover", link) in html
    assert "Page 1 text." in html and "Page 5 text." in html
    assert _url("page_thumbnail", link, 1) in html
    assert _url("page", link, 1) in html
    assert _url("download", link) in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_every_load_counts_a_view(client, link):
    for _ in range(3):
        client.get(_url("book", link))
    link.refresh_from_db()
    assert link.view_count == 3


def test_shared_pages_carry_open_graph_tags(client, link):
    html = client.get(_url("book", link)).content.decode()
    assert '<meta property="og:title" content="Júlia e o Jardim">' in html
    assert '<meta property="og:description" content="Page 1 text.">' in html
    assert f'<meta property="og:image" content="http://testserver{_url("cover", link)}">' in html
    assert '<meta property="og:type" content="book">' in html


def test_reading_page_by_page_with_and_without_htmx(client, link):
    response = client.get(_url("page", link, 2))
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "Page 2 text." in html
    assert _url("page_image", link, 2) in html
    assert f'href="{_url("page", link, 1)}"' in html and f'href="{_url("page", link, 3)}"' in html
    partial = client.get(_url("page", link, 3), **HTMX).content.decode()
    assert partial.lstrip().startswith('<section id="spread"')
    assert "Page 3 text." in partial and "<html" not in partial
    last = client.get(_url("page", link, 5)).content.decode()
    assert "The end" in last
    assert client.get(_url("page", link, 6)).status_code == 404


def test_pictures_are_served_under_the_token(client, link):
    for url in (_url("cover", link), _url("page_image", link, 1), _url("page_thumbnail", link, 1)):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "image/png"
    assert client.get(_url("page_image", link, 9)).status_code == 404


def test_an_unknown_token_is_a_404(client, link):
    assert client.get(reverse("share:book", args=["not-a-real-token"])).status_code == 404
    assert client.get(reverse("share:cover", args=["not-a-real-token"])).status_code == 404


def test_an_expired_link_is_a_friendly_410(client, link):
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.get(_url("book", link))
        assert client.get(_url("cover", link)).status_code == 410
    html = response.content.decode()
    assert response.status_code == 410
    assert "This link has expired" in html
    assert 'class="site-header"' in html
    assert "Júlia" not in html


def test_a_link_to_a_book_in_the_trash_stops_working(client, book, link):
    Book.objects.filter(id=book.id).update(deleted_at=timezone.now())
    assert client.get(_url("book", link)).status_code == 410
    Book.objects.filter(id=book.id).update(deleted_at=None)
    assert client.get(_url("book", link)).status_code == 200


def test_titles_and_texts_are_escaped_everywhere(client, owner_client, owner):
    book = generated_book(owner=owner, title=XSS, theme=XSS)
    book.pages.filter(number=1).update(text=XSS)
    link = share_link_create(book=book, expiry="7d")
    pages = [
        client.get(_url("book", link)),
        client.get(_url("page", link, 1)),
        client.get(_url("page", link, 1), **HTMX),
        owner_client.get(reverse("books:detail", args=[book.id])),
        owner_client.get(reverse("books:delete", args=[book.id])),
    ]
    for response in pages:
        html = response.content.decode()
        assert XSS not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    og_title = '<meta property="og:title" content="&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;">'
    assert og_title in pages[0].content.decode()


# --- Downloads through the share ------------------------------------------------------------


def _ready_export(book: Book) -> Export:
    from exports.selectors import book_content_hash

    export = Export.objects.create(
        book=book, format=Export.Format.PRINT, paper=book.owner.paper_size,
        content_hash=book_content_hash(book=book), status=Export.Status.READY,
        expires_at=timezone.now() + timedelta(days=7),
    )  # fmt: skip
    export.file.save(f"{book.id}/{export.id}.pdf", ContentFile(b"%PDF-1.7 shared"))
    return export


def test_a_visitor_downloads_the_print_pdf_through_the_link(client, book, link):
    export = _ready_export(book)
    response = client.get(_url("download", link))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 shared"
    export.refresh_from_db()
    assert export.download_count == 1


def test_a_pdf_not_made_yet_is_queued_and_the_visitor_waits(
    client, book, link, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        response = client.get(_url("download", link))
    assert response.status_code == 202
    assert "We are making the PDF" in response.content.decode()
    assert Export.objects.filter(book=book, format=Export.Format.PRINT).exists()


def test_the_exports_door_accepts_a_working_share_token(client, book, link):
    _ready_export(book)
    url = reverse("exports:file", args=[book.id, "print"])
    assert client.get(url, {"share": link.token}).status_code == 200
    assert client.get(url, {"share": "wrong"}).status_code == 404
    ShareLink.objects.filter(id=link.id).update(revoked_at=timezone.now())
    assert client.get(url, {"share": link.token}).status_code == 404


def test_a_token_opens_only_its_own_book(book, link, owner, other_user):
    other = generated_book(owner=owner)
    shared = {"share_token": link.token, "format": "print"}
    assert book_for_download(user=other_user, book_id=book.id, **shared) == book
    assert book_for_download(user=other_user, book_id=other.id, **shared) is None


@pytest.mark.parametrize("format", ["zip", "kdp", "kdp-cover", "digital"])
def test_a_share_token_builds_only_the_pdf_the_share_page_offers(client, book, link, format):
    url = reverse("exports:file", args=[book.id, format])
    assert client.get(url, {"share": link.token}).status_code == 404
    json = client.get(url, {"share": link.token}, HTTP_ACCEPT="application/json")
    assert json.status_code == 404 and json.json()["error"]["code"] == "not_found"
    assert not Export.objects.filter(book=book).exists()  # nothing was built on the owner's behalf


def test_the_owner_still_gets_every_format(owner_client, book):
    url = reverse("exports:file", args=[book.id, "zip"])
    assert owner_client.post(url).status_code == 302
    assert Export.objects.filter(book=book, format="zip").exists()
