"""Deleting an account: confirmed by password (or email), every row and file gone, signed out everywhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import ApiToken, DataExport, User
from accounts.privacy_data import webhook_model
from accounts.tests.test_privacy_export import book_with_files, built
from accounts.tokens import api_token_create
from audit.models import AuditEntry
from books.models import Book, Page, ShareLink
from books.sharing import share_link_create
from exports.models import Export
from gamification.models import UserBadge, XPEvent
from gamification.tests.factories import book_generated

pytestmark = pytest.mark.django_db

DELETE = reverse("accounts:delete_account")
PASSWORD = "a-long-passphrase-1"  # the owner fixture's


@pytest.fixture
def full_account(owner, django_capture_on_commit_callbacks):
    """The owner with books, files, an export, a share link, a token, XP, badges and a data export."""
    book = book_with_files(owner)
    share_link_create(book=book, expiry="7d")
    api_token_create(user=owner, name="script")
    with django_capture_on_commit_callbacks(execute=True):
        built(owner)
    model = webhook_model()
    if model is not None:
        model.objects.create(
            owner=owner, url="https://example.com/h", events=["book.generated"], secret_encrypted="x"
        )
    return owner


def stored_files(user) -> list:
    books = Book.objects.filter(owner=user)
    files = [(book.cover_image.storage, book.cover_image.name) for book in books if book.cover_image]
    files += [
        (page.image.storage, page.image.name) for page in Page.objects.filter(book__in=books) if page.image
    ]
    files += [(export.file.storage, export.file.name) for export in Export.objects.filter(book__in=books)]
    files += [(export.file.storage, export.file.name) for export in DataExport.objects.filter(user=user)]
    return files


def test_the_page_warns_and_asks_for_the_password(owner_client):
    page = owner_client.get(DELETE).content.decode()
    assert "cannot be undone" in page
    assert 'name="password"' in page and 'name="email"' not in page


def test_a_google_only_account_confirms_with_its_email(owner_client, owner):
    owner.set_unusable_password()
    owner.save()
    owner_client.force_login(owner)  # a new password hash signs the old session out
    page = owner_client.get(DELETE).content.decode()
    assert 'name="email"' in page and 'name="password"' not in page
    wrong = owner_client.post(DELETE, {"email": "someone@else.com"})
    assert wrong.status_code == 400 and wrong.context["form"].errors["email"]
    assert User.objects.filter(pk=owner.pk).exists()
    right = owner_client.post(DELETE, {"email": owner.email.upper()})
    assert right.status_code == 302 and not User.objects.filter(pk=owner.pk).exists()


def test_a_wrong_password_deletes_nothing(owner_client, full_account, django_capture_on_commit_callbacks):
    files = stored_files(full_account)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(DELETE, {"password": "not-my-password"})
    assert response.status_code == 400
    assert response.context["form"].errors["password"] == ["That is not your password."]
    assert 'id="id_password_error"' in response.content.decode()  # next to the field
    assert User.objects.filter(pk=full_account.pk).exists()
    assert Book.objects.filter(owner=full_account).count() == 1
    assert ApiToken.objects.filter(user=full_account).count() == 1
    assert len(files) >= 7 and all(storage.exists(name) for storage, name in files)
    assert not AuditEntry.objects.filter(action="account.deleted").exists()
    assert owner_client.get(reverse("accounts:profile")).status_code == 200  # still signed in


def test_deleting_removes_every_row_and_file_and_keeps_an_anonymous_audit_entry(
    owner_client, full_account, other_user, django_capture_on_commit_callbacks
):
    user_id, email = full_account.pk, full_account.email
    others_book = book_with_files(other_user)
    files = stored_files(full_account)
    assert (
        XPEvent.objects.filter(user_id=user_id).exists()
        and UserBadge.objects.filter(user_id=user_id).exists()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(DELETE, {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Your account and everything in it were deleted" in response.content.decode()
    assert not User.objects.filter(pk=user_id).exists()
    owned = [(Book, "owner_id"), (ApiToken, "user_id"), (DataExport, "user_id"), (XPEvent, "user_id")]
    for model, field in [*owned, (UserBadge, "user_id")]:
        assert not model.objects.filter(**{field: user_id}).exists(), model
    assert not Page.objects.filter(book__owner_id=user_id).exists()
    assert not ShareLink.objects.filter(book__owner_id=user_id).exists()
    model = webhook_model()
    if model is not None:
        assert not model.objects.filter(owner_id=user_id).exists()
    assert files and not any(storage.exists(name) for storage, name in files)
    # Someone else's books and files are untouched.
    assert Book.objects.filter(pk=others_book.pk).exists()
    assert all(storage.exists(name) for storage, name in stored_files(other_user))
    entry = AuditEntry.objects.get(action="account.deleted")
    assert entry.actor_id is None and entry.actor_label.startswith("deleted-user-")
    assert (
        entry.details["books"] == 1
        and entry.details["api_tokens"] == 1
        and entry.details["data_exports"] == 1
    )
    assert entry.details["pages"] == 5 and entry.details["files"] == len(files)
    row = str(AuditEntry.objects.filter(pk=entry.pk).values().get())
    assert email not in row and "owner@" not in row


def test_deleting_leaves_no_folder_named_after_the_user_or_their_books(
    owner_client, full_account, other_user, settings, django_capture_on_commit_callbacks
):
    names = {str(full_account.pk), *(str(pk) for pk in Book.objects.values_list("id", flat=True))}
    others_book = book_with_files(other_user)
    folders = [Path(root).name for root, _dirs, _files in os.walk(settings.MEDIA_ROOT)]
    assert names <= set(folders)  # books/…/<book id>, exports/<book id>, data-exports/<user id>
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(DELETE, {"password": PASSWORD})
    folders = [Path(root).name for root, _dirs, _files in os.walk(settings.MEDIA_ROOT)]
    assert not names & set(folders)
    assert str(others_book.id) in folders  # someone else's stay


def test_deleting_signs_out_every_browser(owner, full_account, django_capture_on_commit_callbacks):
    laptop, phone = Client(), Client()
    laptop.force_login(owner)
    phone.force_login(owner)
    others = Client()
    others.force_login(User.objects.create_user(email="third@example.com", password="x-long-passphrase"))
    assert Session.objects.count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert laptop.post(DELETE, {"password": PASSWORD}).status_code == 302
    response = phone.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert Session.objects.filter(session_key=phone.session.session_key).count() == 0
    assert others.get(reverse("accounts:profile")).status_code == 200
    assert AuditEntry.objects.get(action="account.deleted").details["sessions"] == 2


def test_deleting_needs_a_signed_in_user(client, catalog):
    response = client.post(DELETE, {"password": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_book_being_drawn_does_not_stop_the_deletion(
    owner_client, owner, django_capture_on_commit_callbacks
):
    book_generated(owner)
    Book.objects.filter(owner=owner).update(status=Book.Status.GENERATING)
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_client.post(DELETE, {"password": PASSWORD}).status_code == 302
    assert not Book.objects.filter(owner_id=owner.pk).exists()


def test_guessing_the_password_is_rate_limited(owner_client, owner):
    from django.core.cache import cache

    cache.clear()
    codes = [owner_client.post(DELETE, {"password": f"guess-{n}"}).status_code for n in range(11)]
    cache.clear()
    assert codes[:10] == [400] * 10 and codes[10] == 429
    assert User.objects.filter(pk=owner.pk).exists()


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_deleting_leaves_no_session_in_the_cache(owner, full_account, django_capture_on_commit_callbacks):
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.core.cache import caches

    laptop, phone = Client(), Client()
    laptop.force_login(owner)
    phone.force_login(owner)
    cached = KEY_PREFIX + phone.session.session_key
    assert caches["default"].get(cached) is not None

    with django_capture_on_commit_callbacks(execute=True):
        assert laptop.post(DELETE, {"password": PASSWORD}).status_code == 302

    assert caches["default"].get(cached) is None
