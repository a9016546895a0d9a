"""Each audited action writes one row naming who, what, which object and from where, through
both doors (web and API) where both exist."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import api_token_create
from api.downloads import download_url
from audit.models import Action, AuditEntry
from audit.tests.helpers import FROM, assert_entry, the_entry
from books.models import Book, ShareLink
from books.sharing import share_link_create
from books.trash import book_purge, book_trash
from exports.models import Export
from exports.services import export_build, export_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(owner) -> APIClient:
    _token, raw_key = api_token_create(user=owner, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


def _ready_zip(book: Book) -> Export:
    export = export_request(book=book, format=Export.Format.ZIP)
    export_build(export_id=export.id)
    export.refresh_from_db()
    assert export.is_ready
    return export


# --- The trash ------------------------------------------------------------------------------


def test_moving_a_book_to_the_trash_on_the_web(owner_client, owner, book):
    response = owner_client.post(reverse("books:delete", args=[book.id]), **FROM)

    assert response.status_code == 302
    assert_entry(Action.BOOK_DELETED, actor=owner, target=book)


def test_moving_a_book_to_the_trash_through_the_api(api, owner, book):
    response = api.delete(f"/api/v1/books/{book.id}/", **FROM)

    assert response.status_code == 204
    assert_entry(Action.BOOK_DELETED, actor=owner, target=book)


def test_a_refused_deletion_is_not_recorded(owner_client, owner, book):
    Book.objects.filter(id=book.id).update(status=Book.Status.GENERATING)

    owner_client.post(reverse("books:delete", args=[book.id]), **FROM)

    assert not AuditEntry.objects.filter(action=Action.BOOK_DELETED).exists()


def test_restoring_a_book_on_the_web(owner_client, owner, book):
    book_trash(book=book)

    owner_client.post(reverse("books:trash_restore", args=[book.id]), **FROM)

    assert_entry(Action.BOOK_RESTORED, actor=owner, target=book)


def test_restoring_a_book_through_the_api(api, owner, book):
    book_trash(book=book)

    assert api.post(f"/api/v1/books/{book.id}/restore/", **FROM).status_code == 200
    assert_entry(Action.BOOK_RESTORED, actor=owner, target=book)


def test_deleting_a_book_for_good_keeps_its_name_in_the_log(owner_client, owner, book):
    book_trash(book=book)

    owner_client.post(reverse("books:trash_delete", args=[book.id]), **FROM)

    assert not Book.objects.filter(id=book.id).exists()
    entry = assert_entry(Action.BOOK_PURGED, actor=owner, target=book)
    assert entry.target_label == "Júlia e o Jardim Mágico"


def test_the_trash_emptied_by_the_schedule_is_recorded_without_a_person(book):
    book_trash(book=book)

    assert book_purge(book_id=book.id, now=timezone.now() + timedelta(days=31))

    entry = the_entry(Action.BOOK_PURGED)
    assert entry.actor is None and entry.ip is None and entry.details == {"automatic": True}
    assert entry.target_id == str(book.id)


# --- Share links ------------------------------------------------------------------------------


def test_creating_a_share_link_on_the_web(owner_client, owner, book):
    owner_client.post(reverse("books:share", args=[book.id]), {"expiry": "7d"}, **FROM)

    assert_entry(Action.SHARE_CREATED, actor=owner, target=ShareLink.objects.get())


def test_creating_a_share_link_through_the_api(api, owner, book):
    assert (
        api.post(f"/api/v1/books/{book.id}/share/", {"expiry": "7d"}, format="json", **FROM).status_code
        == 201
    )
    entry = assert_entry(Action.SHARE_CREATED, actor=owner, target=ShareLink.objects.get())
    assert entry.details == {"book": str(book.id)}


def test_revoking_a_share_link_on_the_web(owner_client, owner, book):
    link = share_link_create(book=book, expiry="7d")

    owner_client.post(reverse("books:share_revoke", args=[book.id, link.id]), **FROM)

    assert_entry(Action.SHARE_REVOKED, actor=owner, target=link)


def test_revoking_a_share_link_through_the_api(api, owner, book):
    link = share_link_create(book=book, expiry="7d")

    assert api.delete(f"/api/v1/books/{book.id}/share/{link.id}/", **FROM).status_code == 204
    assert_entry(Action.SHARE_REVOKED, actor=owner, target=link)


# --- Exports ---------------------------------------------------------------------------------------


def test_asking_for_a_file_on_the_web(owner_client, owner, book):
    owner_client.post(reverse("exports:file", args=[book.id, "zip"]), **FROM)

    assert_entry(Action.EXPORT_REQUESTED, actor=owner, target=Export.objects.get())
    assert not AuditEntry.objects.filter(action=Action.EXPORT_DOWNLOADED).exists()


def test_asking_for_a_file_through_the_api(api, owner, book):
    api.post(f"/api/v1/books/{book.id}/exports/", {"format": "zip"}, format="json", **FROM)

    assert_entry(Action.EXPORT_REQUESTED, actor=owner, target=Export.objects.get())


def test_downloading_a_file_on_the_web(owner_client, owner, book):
    export = _ready_zip(book)

    response = owner_client.get(reverse("exports:file", args=[book.id, "zip"]), **FROM)

    assert response.status_code == 200
    assert_entry(Action.EXPORT_DOWNLOADED, actor=owner, target=export)
    assert not AuditEntry.objects.filter(action=Action.EXPORT_REQUESTED).exists()


def test_downloading_a_file_through_the_apis_signed_link(owner, book, rf):
    export = _ready_zip(book)
    url = download_url(rf.get("/"), export)

    assert APIClient().get(url, **FROM).status_code == 200
    entry = assert_entry(Action.EXPORT_DOWNLOADED, actor=None, target=export)
    assert entry.details == {"signed": True}


def test_downloading_a_shared_book_is_recorded_without_an_account(client, owner, book):
    link = share_link_create(book=book, expiry="7d")
    export = export_request(book=book, format=Export.Format.PRINT)
    export_build(export_id=export.id)

    response = client.get(reverse("share:download", args=[link.token]), **FROM)

    assert response.status_code == 200
    entry = assert_entry(Action.EXPORT_DOWNLOADED, actor=None, target=export)
    assert entry.details == {"via": "share"}


# --- API tokens -------------------------------------------------------------------------------------


def test_creating_an_api_token_on_the_profile(owner_client, owner):
    owner_client.post(reverse("accounts:token_create"), {"name": "my script"}, **FROM)

    token = ApiToken.objects.get(name="my script")
    entry = assert_entry(Action.TOKEN_CREATED, actor=owner, target=token)
    assert token.prefix in entry.target_label


def test_creating_an_api_token_from_the_command_line(owner, capsys):
    call_command("api_token", owner.email, "--name", "cron")

    entry = the_entry(Action.TOKEN_CREATED)
    key = capsys.readouterr().out.strip()
    assert entry.actor is None and entry.actor_label == "manage.py api_token"
    assert entry.target_id == str(ApiToken.objects.get(name="cron").id)
    assert key not in str(entry.details) + entry.target_label  # the key itself is never logged


def test_revoking_an_api_token(owner_client, owner):
    token, _key = api_token_create(user=owner, name="old")

    owner_client.post(reverse("accounts:token_revoke", args=[token.id]), **FROM)

    assert_entry(Action.TOKEN_REVOKED, actor=owner, target=token)
