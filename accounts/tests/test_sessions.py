"""Where a parent is signed in, and signing out everywhere after a credential change.

Sign-ins go through allauth's real login form (that is what records a session); API tokens are
checked by calling the API with them.
"""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.core import context
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.helpers import complete_social_login
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-1"  # the owner fixture's
NEW_PASSWORD = "another-long-passphrase-9"


def _signed_in(email: str, password: str = PASSWORD, *, browser: str = "Firefox") -> Client:
    client = Client(HTTP_USER_AGENT=f"Mozilla/5.0 {browser}", HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    assert response.status_code == 302, response.content[:500]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the owner reads Portuguese; these asserts, English
    return client


def _is_signed_in(client: Client) -> bool:
    return client.get(reverse("accounts:profile")).status_code == 200


def _token_works(raw_key: str) -> bool:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return api.get("/api/v1/me/").status_code == 200


# --- the sessions page ----------------------------------------------------------------------


def test_the_profile_links_to_the_page_listing_each_signed_in_browser(owner):
    laptop = _signed_in(owner.email, browser="Firefox")
    _signed_in(owner.email, browser="Safari")

    profile = laptop.get(reverse("accounts:profile")).content.decode()
    page = laptop.get(reverse("usersessions_list"))

    assert f'href="{reverse("usersessions_list")}"' in profile
    html = page.content.decode()
    assert page.status_code == 200
    assert "Mozilla/5.0 Firefox" in html and "Mozilla/5.0 Safari" in html
    assert 'class="auth-page' in html or "auth-page" in html  # the account pages' layout


def test_a_parent_ends_their_other_sessions_from_the_sessions_page(owner):
    laptop = _signed_in(owner.email, browser="Firefox")
    phone = _signed_in(owner.email, browser="Safari")

    laptop.post(reverse("usersessions_list"))

    assert not _is_signed_in(phone)
    assert _is_signed_in(laptop)
    assert UserSession.objects.filter(user=owner).count() == 1


def test_the_sessions_page_is_for_signed_in_parents_only(client):
    response = client.get(reverse("usersessions_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- changing the password ------------------------------------------------------------------


def _change_password(client: Client, **extra) -> list[str]:
    """Change the password; returns the messages shown after it."""
    data = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **extra}
    response = client.post(reverse("account_change_password"), data, follow=True)
    assert response.redirect_chain, response.content[:1000]
    return [str(message) for message in response.context["messages"]]


def test_the_password_change_offers_signing_out_everywhere_ticked(owner):
    page = _signed_in(owner.email).get(reverse("account_change_password")).content.decode()

    checkbox = re.search(r'<input[^>]*name="sign_out_everywhere"[^>]*>', page)
    assert checkbox and "checked" in checkbox.group(0)
    assert "revokes your API tokens" in page


def test_a_password_change_signing_out_everywhere_ends_other_sessions_and_revokes_tokens(owner):
    laptop = _signed_in(owner.email, browser="Firefox")
    phone = _signed_in(owner.email, browser="Safari")
    _token, raw_key = api_token_create(user=owner, name="school script")

    messages = _change_password(laptop, sign_out_everywhere="on")

    assert _is_signed_in(laptop)
    assert not _is_signed_in(phone)
    assert not _token_works(raw_key)
    # (the password change gives this browser a new session key: the old one's row is stale)
    assert len(UserSession.objects.purge_and_list(owner)) == 1
    assert "You were signed out everywhere else and 1 API token was revoked." in messages


def test_a_password_change_with_the_box_unticked_keeps_the_api_tokens(owner):
    laptop = _signed_in(owner.email)
    _token, raw_key = api_token_create(user=owner, name="school script")

    _change_password(laptop)  # an unticked checkbox is not sent at all

    assert _is_signed_in(laptop)
    assert _token_works(raw_key)


# --- resetting a forgotten password ---------------------------------------------------------


def test_a_password_reset_signs_out_everywhere_and_revokes_tokens(owner):
    phone = _signed_in(owner.email)
    _token, raw_key = api_token_create(user=owner, name="school script")
    visitor = Client()
    visitor.post(reverse("account_reset_password"), {"email": owner.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = visitor.get(link)["Location"]

    response = visitor.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert not _is_signed_in(phone)
    assert not _token_works(raw_key)
    assert not UserSession.objects.filter(user=owner).exists()


# --- a Google sign-in that takes over an account --------------------------------------------


@pytest.fixture
def google(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {"APPS": [{"client_id": "id.apps.googleusercontent.com", "secret": "secret", "key": ""}]}
    }


def _google_sign_in(email: str) -> None:
    """What allauth's Google callback does once Google has answered: the provider reads the user
    info (``sub``, ``email``, ``email_verified``) and the login completes."""
    request = RequestFactory().get("/accounts/google/login/callback/", HTTP_USER_AGENT="Mozilla/5.0 Chrome")
    SessionMiddleware(lambda r: None).process_request(request)
    request.session.save()
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)
    with context.request_context(request):
        provider = get_social_adapter().get_provider(request, "google")
        userinfo = {"sub": "108000000000000000001", "email": email, "email_verified": True}
        sociallogin = provider.sociallogin_from_response(request, userinfo)
        sociallogin.state = {"process": "login"}
        response = complete_social_login(request, sociallogin)
    assert response.status_code == 302, response


def test_a_google_sign_in_taking_over_an_unverified_account_shuts_out_who_registered_it(catalog, google):
    squatter = _signed_up("family@example.com")
    user = EmailAddress.objects.get(email="family@example.com").user
    _token, raw_key = api_token_create(user=user, name="squatter's script")

    _google_sign_in("family@example.com")

    assert not _is_signed_in(squatter)
    assert not _token_works(raw_key)
    assert user.socialaccount_set.filter(provider="google").exists()


def test_a_google_sign_in_to_an_account_with_a_verified_email_keeps_its_sessions(owner, google):
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    laptop = _signed_in(owner.email)
    _token, raw_key = api_token_create(user=owner, name="school script")

    _google_sign_in(owner.email)

    assert _is_signed_in(laptop)
    assert _token_works(raw_key)


def _signed_up(email: str) -> Client:
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 Edge")
    response = client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302, response.content[:1000]
    assert _is_signed_in(client)
    return client
