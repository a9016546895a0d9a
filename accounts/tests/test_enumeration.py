"""Sign-up and password reset answer the same whether or not an email has an account.

In production email verification is mandatory, which is what lets allauth's enumeration
prevention work: a sign-up with a known email makes no account and says "check your email",
as a new sign-up does, and the owner of the existing account is told by email instead.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "lapis-de-cor-42"


@pytest.fixture
def production_verification(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    cache.clear()  # allauth sends one email per address every few minutes: start with none sent


def _sign_up(email: str):
    visitor = Client()
    response = visitor.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    return visitor, response


def test_signing_up_with_a_known_email_answers_like_a_new_one(production_verification, owner):
    new_visitor, new = _sign_up("nova.familia@example.com")
    known_visitor, known = _sign_up(owner.email)

    assert new.status_code == known.status_code == 302
    assert new["Location"] == known["Location"] == reverse("account_email_verification_sent")
    assert new_visitor.get(new["Location"]).content.decode().count("verif") == (
        known_visitor.get(known["Location"]).content.decode().count("verif")
    )
    for visitor in (new_visitor, known_visitor):
        assert visitor.get(reverse("books:list")).status_code == 302  # signed in neither time
    assert User.objects.filter(email=owner.email).count() == 1


def test_the_owner_of_a_known_email_is_told_by_email(production_verification, owner):
    _sign_up("nova.familia@example.com")
    _sign_up(owner.email)

    to_new, to_owner = mail.outbox
    assert to_new.to == ["nova.familia@example.com"] and "/accounts/confirm-email/" in to_new.body
    assert to_owner.to == [owner.email]
    assert "already" in to_owner.subject.lower() or "already" in to_owner.body.lower()
    assert "/accounts/password/reset/" in to_owner.body  # how to get back in, if it was them


def test_a_password_reset_answers_the_same_for_a_known_and_an_unknown_email(production_verification, owner):
    url = reverse("account_reset_password")
    known = Client().post(url, {"email": owner.email})
    unknown = Client().post(url, {"email": "ninguem@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    reset = next(message for message in mail.outbox if message.to == [owner.email])
    assert "/accounts/password/reset/key/" in reset.body
