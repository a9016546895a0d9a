"""The consents through the API, and API answers that carry no language cookie."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User

# The API tests' autouse fixtures (fresh rate limits, fast hashing) apply here too.
from api.tests.conftest import _fresh_rate_limits, assert_error, token_client  # noqa: F401

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


@pytest.fixture
def api(owner) -> APIClient:
    return token_client(owner)


@pytest.fixture
def anonymous_api() -> APIClient:
    return APIClient()


def test_me_shows_both_consents(api, owner):
    owner.marketing_consent = True
    owner.save()
    body = api.get(ME).json()
    assert body["marketing_consent"] is True and body["analytics_consent"] is False


def test_patch_changes_only_the_consents_it_names(api, owner):
    response = api.patch(ME, {"analytics_consent": True}, format="json")
    assert response.status_code == 200
    assert response.json()["analytics_consent"] is True and response.json()["marketing_consent"] is False
    owner.refresh_from_db()
    assert owner.analytics_consent and not owner.marketing_consent
    api.patch(ME, {"analytics_consent": False, "marketing_consent": True}, format="json")
    owner.refresh_from_db()
    assert owner.marketing_consent and not owner.analytics_consent


def test_patch_refuses_a_value_that_is_not_yes_or_no(api, owner):
    details = assert_error(api.patch(ME, {"marketing_consent": "perhaps"}, format="json"), 400, "invalid")
    assert "marketing_consent" in details
    owner.refresh_from_db()
    assert not owner.marketing_consent


def test_patch_needs_a_token(anonymous_api):
    assert_error(anonymous_api.patch(ME, {"analytics_consent": True}, format="json"), 401)


def test_api_answers_set_no_language_cookie(owner):
    owner.language = User.Language.ES  # differs from the site default: the web would set the cookie
    owner.save()
    api = token_client(owner)
    for response in (api.get(ME), api.patch(ME, {"analytics_consent": True}, format="json")):
        assert response.status_code == 200
        assert django_settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_web_change_of_language_still_sets_the_cookie(owner_client, owner):
    preferences = {"display_name": "", "default_style": "", "paper_size": "a4", "age_range": "4-6"}
    response = owner_client.post(reverse("accounts:preferences"), {**preferences, "language": "es"})
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "es"
