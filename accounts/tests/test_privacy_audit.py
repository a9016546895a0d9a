"""Deleting an account erases the person from the audit log but keeps what happened and when."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import Action, AuditEntry
from audit.services import audit_record
from books.models import Book, ShareLink
from exports.tests.factories import generated_book

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-7"
USER_ID = 918273645  # distinctive, so a search for it cannot hit dates or other ids
EMAIL = "maria.silva@example.com"
NAME = "Maria Silva"
TITLE = "Os Dinossauros da Vovó Cida"
THEME = "dinossauros no quintal da vovó"
IP = "198.51.100.23"
AGENT = "MariaBrowser/9.9"
HERS = {"REMOTE_ADDR": IP, "HTTP_USER_AGENT": AGENT}


@pytest.fixture
def maria(catalog):
    return User.objects.create_user(id=USER_ID, email=EMAIL, password=PASSWORD, display_name=NAME)


@pytest.fixture
def staff(catalog):
    return User.objects.create_superuser(email="staff@example.com", password="a-long-passphrase-8")


def a_history(maria, staff, other_user) -> dict:
    """Maria signs in, fails to sign in, makes, trashes, restores and shares a book, makes a token;
    staff edit her account; someone else signs in too."""
    browser = Client(**HERS)
    assert not browser.login(email=EMAIL.upper(), password="wrong")  # failed sign-in, tried email kept
    Client(REMOTE_ADDR=IP).post(reverse("account_login"), {"login": EMAIL, "password": "nope"})
    browser.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    book = generated_book(owner=maria, title=TITLE, theme=THEME)
    browser.post(reverse("books:delete", args=[book.id]))
    browser.post(reverse("books:trash_restore", args=[book.id]))
    browser.post(reverse("books:share", args=[book.id]), {"expiry": "7d"})
    browser.post(reverse("accounts:token_create"), {"name": f"{NAME}'s script"})
    # What staff.py copies from the admin: a change to her account and bulk actions listing her.
    audit_record(Action.ADMIN_CHANGE, actor=staff, target=maria, details={"message": f"Changed {EMAIL}"})
    audit_record(Action.ADMIN_ACTION, actor=staff, details={"model": "user", "ids": [str(USER_ID), "5"]})
    audit_record(Action.ADMIN_ACTION, actor=staff, details={"model": "book", "ids": [str(book.id)]})
    someone = {"login": other_user.email, "password": "a-long-passphrase-2"}
    Client(REMOTE_ADDR="192.0.2.99").post(reverse("account_login"), someone)
    link = ShareLink.objects.get(book=book)
    return {"book": book, "link": link, "client": browser}


def traces(book, link) -> list[str]:
    return [EMAIL, NAME, str(USER_ID), TITLE, THEME, str(book.id), IP, AGENT, link.token]


def test_no_audit_field_names_the_deleted_person(
    maria, staff, other_user, django_capture_on_commit_callbacks
):
    history = a_history(maria, staff, other_user)
    actions_before = sorted(AuditEntry.objects.values_list("action", flat=True))
    dates_before = sorted(AuditEntry.objects.values_list("created_at", flat=True))
    assert AuditEntry.objects.filter(actor_label__iexact=EMAIL).count() >= 6  # the history was recorded
    with django_capture_on_commit_callbacks(execute=True):
        response = history["client"].post(reverse("accounts:delete_account"), {"password": PASSWORD})
    assert response.status_code == 302 and not User.objects.filter(pk=USER_ID).exists()

    # Every field the model has, including any added later, is searched for every trace.
    fields = [f for f in AuditEntry._meta.get_fields() if f.concrete]
    for row in AuditEntry.objects.all():
        for field in fields:
            value = json.dumps(getattr(row, field.attname), default=str, ensure_ascii=False).lower()
            for trace in traces(history["book"], history["link"]):
                assert trace.lower() not in value, (row.action, field.name, trace)
    # What happened, and when, is all still there.
    assert sorted(AuditEntry.objects.exclude(action="account.deleted").values_list("action", flat=True)) == (
        actions_before
    )
    kept = AuditEntry.objects.exclude(action="account.deleted").values_list("created_at", flat=True)
    assert sorted(kept) == dates_before


def test_her_rows_share_one_random_label_that_the_id_does_not_give_away(
    maria, staff, other_user, django_capture_on_commit_callbacks
):
    history = a_history(maria, staff, other_user)
    with django_capture_on_commit_callbacks(execute=True):
        history["client"].post(reverse("accounts:delete_account"), {"password": PASSWORD})
    label = AuditEntry.objects.get(action="account.deleted").actor_label
    assert label.startswith("deleted-user-")
    assert label != "deleted-user-" + hashlib.sha256(str(USER_ID).encode()).hexdigest()[:12]
    hers = AuditEntry.objects.filter(actor_label=label)
    assert {"auth.login", "auth.login_failed", "book.deleted", "share.created", "token.created"} <= set(
        hers.values_list("action", flat=True)
    )
    assert not hers.exclude(ip=None).exists() and not hers.exclude(user_agent="").exists()
    # Staff's own rows still name the staff member; the account they changed is the label.
    change = AuditEntry.objects.get(action="admin.change")
    assert change.actor_id == staff.pk and change.target_label == label and change.target_id == ""
    bulk = AuditEntry.objects.get(action="admin.action", details__model="user")
    assert bulk.details["ids"] == [label, "5"]
    # Someone else's rows are untouched.
    theirs = AuditEntry.objects.get(action="auth.login", actor=other_user)
    assert theirs.actor_label == other_user.email and theirs.ip == "192.0.2.99"


def test_the_admins_own_log_forgets_her_account_and_books_too(
    maria, staff, django_capture_on_commit_callbacks
):
    book = generated_book(owner=maria, title=TITLE, theme=THEME)
    for rows in (User.objects.filter(pk=maria.pk), Book.objects.filter(pk=book.pk)):
        LogEntry.objects.log_actions(staff.pk, rows, CHANGE, "Changed display name.", single_object=True)
    browser = Client()
    browser.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("accounts:delete_account"), {"password": PASSWORD})

    entries = list(LogEntry.objects.values("object_id", "object_repr", "user_id", "action_time"))
    assert len(entries) == 2 and all(entry["user_id"] == staff.pk for entry in entries)
    for entry in entries:
        for trace in (EMAIL, TITLE, str(USER_ID), str(book.id)):
            assert trace not in str(entry), (entry, trace)


def test_staff_deleting_her_account_in_the_admin_erases_her_the_same_way(
    maria, staff, django_capture_on_commit_callbacks
):
    book = generated_book(owner=maria, title=TITLE, theme=THEME)
    Client(**HERS).post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    admin = Client()
    admin.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("admin:accounts_user_delete", args=[USER_ID]), {"post": "yes"})
    assert response.status_code == 302 and not User.objects.filter(pk=USER_ID).exists()
    assert not Book.objects.filter(pk=book.pk).exists()
    assert not default_storage.exists(book.cover_image.name)
    rows = [str(row) for row in AuditEntry.objects.values()]
    assert not [row for row in rows if EMAIL in row or TITLE in row or str(USER_ID) in row or IP in row]
    assert AuditEntry.objects.filter(action="account.deleted").exists()


def test_two_deleted_people_get_two_different_labels(catalog, django_capture_on_commit_callbacks):
    labels = set()
    for email in ("one@example.com", "two@example.com"):
        user = User.objects.create_user(email=email, password=PASSWORD)
        browser = Client()
        browser.post(reverse("account_login"), {"login": email, "password": PASSWORD})
        with django_capture_on_commit_callbacks(execute=True):
            browser.post(reverse("accounts:delete_account"), {"password": PASSWORD})
        assert not User.objects.filter(pk=user.pk).exists()
        labels |= set(AuditEntry.objects.filter(action="auth.login").values_list("actor_label", flat=True))
    assert len(labels) == 2 and all(label.startswith("deleted-user-") for label in labels)
