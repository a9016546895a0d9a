"""Sign-ins, failed sign-ins and sign-outs are in the audit log, with where they came from."""

import json

import pytest
from django.urls import reverse

from audit.models import Action, AuditEntry
from audit.tests.helpers import FROM, IP, assert_entry, the_entry

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-1"


def test_signing_in_is_recorded_with_ip_and_browser(client, owner):
    response = client.post(reverse("account_login"), {"login": owner.email, "password": PASSWORD}, **FROM)

    assert response.status_code == 302
    assert_entry(Action.LOGIN, actor=owner, target=owner)


def test_a_failed_sign_in_keeps_the_email_tried_and_never_the_password(client, owner):
    response = client.post(
        reverse("account_login"), {"login": "Owner@Example.com", "password": "wrong-guess-123"}, **FROM
    )

    assert response.status_code == 200
    entry = the_entry(Action.LOGIN_FAILED)
    assert entry.actor is None and entry.actor_label == "owner@example.com" and entry.ip == IP
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(owner.pk))
    assert "wrong-guess-123" not in json.dumps(entry.details) + entry.actor_label + entry.target_label
    assert not AuditEntry.objects.filter(action=Action.LOGIN).exists()


def test_a_failed_sign_in_with_an_unknown_email_is_recorded_too(client, catalog):
    client.post(reverse("account_login"), {"login": "nobody@example.com", "password": "x-y-z-1234"}, **FROM)

    entry = the_entry(Action.LOGIN_FAILED)
    assert entry.details == {"email": "nobody@example.com"} and entry.target_id == ""


def test_signing_out_is_recorded(owner_client, owner):
    response = owner_client.post(reverse("account_logout"), **FROM)

    assert response.status_code == 302
    assert_entry(Action.LOGOUT, actor=owner, target=owner)
