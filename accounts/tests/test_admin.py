"""Users and tiers in the admin: quotas, today's usage, disabling an account."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.backoffice import user_disable, user_enable
from accounts.models import ApiToken, Tier
from accounts.tokens import api_token_create, api_token_lookup
from books.models import GenerationJob
from books.tests.factories import book_factory

USERS = reverse("admin:accounts_user_changelist")
PASSWORD = "a-long-passphrase-1"  # the owner fixture's

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser(
        email="staff@example.com", password="a-long-passphrase-9"
    )


@pytest.fixture
def staff_client(staff):
    client = Client()
    client.force_login(staff)
    return client


def _act(client, action: str, *users):
    data = {"action": action, "_selected_action": [str(user.pk) for user in users]}
    return client.post(USERS, data, follow=True)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_disabling_a_user_blocks_their_sign_in(owner, staff_client):
    _act(staff_client, "disable_users", owner)

    owner.refresh_from_db()
    assert not owner.is_active
    assert not Client().login(email=owner.email, password=PASSWORD)
    visitor = Client()
    response = visitor.post(reverse("account_login"), {"login": owner.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("account_inactive")
    assert "_auth_user_id" not in visitor.session


def test_disabling_a_user_ends_the_session_they_are_in(owner, staff_client):
    signed_in = Client()
    signed_in.force_login(owner)
    assert signed_in.get(reverse("books:list")).status_code == 200

    response = _act(staff_client, "disable_users", owner)

    assert signed_in.get(reverse("books:list")).status_code == 302  # back to the sign-in page
    assert _messages(response) == ["Disabled 1 account: 1 session(s) ended, 0 API key(s) revoked."]
    owned = [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(owner.pk)]
    assert owned == []


def test_disabling_a_user_revokes_their_api_keys_for_good(owner, staff_client):
    _token, key = api_token_create(user=owner, name="script")

    response = _act(staff_client, "disable_users", owner)
    owner.refresh_from_db()
    user_enable(user=owner)

    assert _messages(response) == ["Disabled 1 account: 0 session(s) ended, 1 API key(s) revoked."]
    assert api_token_lookup(key) is None
    assert ApiToken.objects.get(user=owner).revoked_at is not None


def test_the_disable_service_reports_what_it_ended(owner):
    api_token_create(user=owner, name="one")
    api_token_create(user=owner, name="two")
    Client().force_login(owner)

    result = user_disable(user=owner)

    assert (result.sessions_ended, result.tokens_revoked) == (1, 2)
    assert user_disable(user=owner).tokens_revoked == 0


def test_staff_cannot_disable_their_own_account(staff, staff_client):
    response = _act(staff_client, "disable_users", staff)

    staff.refresh_from_db()
    assert staff.is_active
    assert _messages(response) == ["You cannot disable your own account."]


def test_an_enabled_account_can_sign_in_again(owner, staff_client):
    _act(staff_client, "disable_users", owner)
    response = _act(staff_client, "enable_users", owner)

    assert _messages(response) == ["Enabled 1 account; it can sign in again."]
    assert Client().login(email=owner.email, password=PASSWORD)


def test_the_users_list_shows_requests_used_today_against_the_limit(owner, staff_client):
    book = book_factory(owner=owner)
    GenerationJob.objects.create(book=book, user=owner)
    GenerationJob.objects.create(book=book, user=owner)
    GenerationJob.objects.create(book=book, user=owner, quota_refunded=True)  # given back: not counted
    owner.daily_requests_override = 7
    owner.save()

    page = staff_client.get(USERS).content.decode()

    assert "Requests today" in page
    assert '<td class="field-usage_today">2 / 7</td>' in page


def test_a_user_page_shows_usage_now_and_keeps_the_override(owner, staff_client):
    page = staff_client.get(reverse("admin:accounts_user_change", args=[owner.pk])).content.decode()

    assert "0 of 50 requests today; 0 of 3 books being made." in page
    assert "Leave an override empty to use the tier" in page


def test_a_tiers_quotas_are_edited_from_the_list_and_apply_to_its_users(owner, staff_client):
    tier = Tier.objects.get(is_default=True)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(tier.id),
        "form-0-max_concurrent_books": "5",
        "form-0-daily_requests": "120",
        "_save": "Save",
    }

    response = staff_client.post(reverse("admin:accounts_tier_changelist"), data)

    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.max_concurrent_books, owner.daily_requests) == (5, 120)
