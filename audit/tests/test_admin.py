"""The audit log in the admin can be read and searched, never written; every change made in the
admin (forms, deletions, bulk actions) lands in it with the staff member's address."""

import pytest
from django.urls import reverse

from accounts.models import Tier
from audit.models import Action, AuditEntry
from audit.services import audit_record
from audit.tests.helpers import FROM, assert_entry
from books.models import Book
from books.tests.factories import book_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(owner):
    return audit_record(Action.LOGIN, actor=owner, target=owner)


def test_staff_read_and_search_the_log(staff_client, entry):
    page = staff_client.get(reverse("admin:audit_auditentry_changelist"), {"q": "owner@"})

    assert page.status_code == 200
    assert "owner@example.com" in page.content.decode()
    filtered = staff_client.get(
        reverse("admin:audit_auditentry_changelist"), {"action__exact": "auth.logout"}
    )
    assert "owner@example.com" not in filtered.content.decode()


def test_not_even_a_superuser_can_add_change_or_delete_a_row(staff_client, entry):
    assert staff_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    change = reverse("admin:audit_auditentry_change", args=[entry.id])
    assert staff_client.get(change).status_code == 200  # the read-only view
    assert staff_client.post(change, {"action": "auth.logout"}).status_code == 403
    assert staff_client.post(reverse("admin:audit_auditentry_delete", args=[entry.id])).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [entry.id], "post": "yes"}
    staff_client.post(reverse("admin:audit_auditentry_changelist"), bulk)
    entry.refresh_from_db()
    assert entry.action == Action.LOGIN


def test_a_change_in_the_admin_is_recorded_with_ip(staff_client, superuser):
    tier = Tier.objects.get(is_default=True)
    url = reverse("admin:accounts_tier_change", args=[tier.id])
    form = {
        "name": tier.name,
        "slug": tier.slug,
        "max_concurrent_books": 7,
        "daily_requests": tier.daily_requests,
        "is_default": "on",
    }

    response = staff_client.post(url, form, **FROM)

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = assert_entry(Action.ADMIN_CHANGE, actor=superuser, target=tier)
    assert entry.details["message"].startswith("Changed")


def test_adding_and_deleting_in_the_admin_are_recorded(staff_client, superuser):
    staff_client.post(reverse("admin:accounts_tier_add"), _tier_form("Schools"), **FROM)
    tier = Tier.objects.get(slug="schools")
    assert_entry(Action.ADMIN_ADD, actor=superuser, target=tier)

    staff_client.post(reverse("admin:accounts_tier_delete", args=[tier.id]), {"post": "yes"}, **FROM)

    assert not Tier.objects.filter(id=tier.id).exists()
    entry = AuditEntry.objects.get(action=Action.ADMIN_DELETE)
    assert (entry.actor, entry.target_type, entry.target_id) == (superuser, "accounts.tier", str(tier.id))
    assert entry.target_label == "Schools"


def test_a_bulk_action_is_recorded_with_the_objects_it_touched(staff_client, superuser, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    changelist = reverse("admin:books_book_changelist")

    response = staff_client.post(changelist, {"action": "cancel", "_selected_action": [book.id]}, **FROM)

    assert response.status_code == 302
    book.refresh_from_db()
    assert book.status == Book.Status.FAILED
    entry = assert_entry(Action.ADMIN_ACTION, actor=superuser)
    assert entry.details == {"action": "cancel", "model": "books_book", "ids": [str(book.id)]}


def test_reading_the_admin_writes_nothing(staff_client):
    staff_client.get(reverse("admin:index"), **FROM)
    staff_client.get(reverse("admin:books_book_changelist"), **FROM)

    assert not AuditEntry.objects.exclude(action=Action.LOGIN).exists()


def _tier_form(name: str) -> dict:
    return {"name": name, "slug": name.lower(), "max_concurrent_books": 2, "daily_requests": 10}
