import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import ApiToken
from accounts.tokens import api_token_create, token_authenticate
from books.models import Book, GenerationJob
from books.tests.factories import book_factory

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
CREATE = reverse("accounts:token_create")


def _revoke_url(token: ApiToken) -> str:
    return reverse("accounts:token_revoke", args=[token.id])


def test_the_profile_needs_a_signed_in_user(client, catalog):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_profile_shows_preferences_quota_and_tokens(owner_client, owner):
    api_token_create(user=owner, name="home script")
    response = owner_client.get(PROFILE)
    assert response.status_code == 200
    page = response.content.decode()
    for section in ('id="preferences"', 'id="account"', 'id="quota"', 'id="tokens"'):
        assert section in page
    assert "home script" in page
    assert owner.email in page


def test_the_quota_section_counts_todays_requests_and_books_drawing(owner_client, owner):
    drawing = book_factory(owner=owner, status=Book.Status.GENERATING)
    done = book_factory(owner=owner, status=Book.Status.GENERATED)
    GenerationJob.objects.create(book=drawing, user=owner)
    GenerationJob.objects.create(book=done, user=owner)
    GenerationJob.objects.create(book=done, user=owner, quota_refunded=True)
    page = owner_client.get(PROFILE).content.decode()
    assert "data-quota-used>2 / 50<" in page
    assert "data-quota-left>48<" in page
    assert "data-quota-concurrent>1 / 3<" in page
    assert 'aria-valuenow="2"' in page


def test_the_old_preferences_address_leads_to_the_profile(owner_client):
    response = owner_client.get(reverse("accounts:preferences"))
    assert response.status_code == 302 and response["Location"] == PROFILE


def test_invalid_preferences_are_shown_on_the_profile(owner_client):
    response = owner_client.post(reverse("accounts:preferences"), {"language": "klingon", "paper_size": "a4"})
    assert response.status_code == 400
    assert response.context["form"].errors["language"]


def test_creating_a_token_shows_the_key_once(owner_client, owner):
    response = owner_client.post(CREATE, {"name": "school laptop"})
    assert response.status_code == 201
    raw_key = response.context["new_key"]
    assert raw_key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert token_authenticate(raw_key) == owner

    again = owner_client.get(PROFILE).content.decode()
    assert raw_key not in again
    assert raw_key[:8] in again and "school laptop" in again


def test_creating_a_token_through_htmx_returns_only_the_tokens_section(owner_client):
    response = owner_client.post(CREATE, {"name": "script"}, headers={"HX-Request": "true"})
    assert response.status_code == 201
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="tokens"')
    assert response.context["new_key"] in page
    assert 'id="preferences"' not in page


def test_a_token_needs_a_name(owner_client):
    response = owner_client.post(CREATE, {"name": ""})
    assert response.status_code == 400
    assert response.context["token_form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_a_nameless_token_through_htmx_still_swaps_in_the_error(owner_client):
    response = owner_client.post(CREATE, {"name": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert 'role="alert"' in response.content.decode()


def test_tokens_are_created_only_by_post(owner_client):
    assert owner_client.get(CREATE).status_code == 405


def test_revoking_a_token_stops_it_and_keeps_it_listed_as_revoked(owner_client, owner):
    token, raw_key = api_token_create(user=owner, name="script")
    response = owner_client.post(_revoke_url(token))
    assert response.status_code == 302
    assert token_authenticate(raw_key) is None
    page = owner_client.get(PROFILE).content.decode()
    assert "token-revoked" in page and _revoke_url(token) not in page


def test_revoking_through_htmx_returns_the_tokens_section(owner_client, owner):
    token, _ = api_token_create(user=owner, name="script")
    response = owner_client.post(_revoke_url(token), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="tokens"')
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_another_users_token_cannot_be_revoked(client, owner, other_user):
    token, raw_key = api_token_create(user=owner, name="script")
    client.force_login(other_user)
    assert client.post(_revoke_url(token)).status_code == 404
    assert token_authenticate(raw_key) == owner


def test_a_visitor_cannot_revoke_a_token(client, owner):
    token, raw_key = api_token_create(user=owner, name="script")
    assert client.post(_revoke_url(token)).status_code == 302
    assert token_authenticate(raw_key) == owner


def test_another_users_tokens_are_not_listed(client, owner, other_user):
    api_token_create(user=owner, name="owners secret script")
    client.force_login(other_user)
    assert "owners secret script" not in client.get(PROFILE).content.decode()


def test_the_google_connect_button_shows_only_when_google_is_configured(owner_client, settings):
    assert "process=connect" not in owner_client.get(PROFILE).content.decode()
    settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET = "id.apps.googleusercontent.com", "secret"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {"APPS": [{"client_id": "id.apps.googleusercontent.com", "secret": "secret", "key": ""}]}
    }
    assert "process=connect" in owner_client.get(PROFILE).content.decode()


def test_a_connected_google_account_is_listed(owner_client, owner):
    SocialAccount.objects.create(
        user=owner, provider="google", uid="1234", extra_data={"email": "owner.family@gmail.com"}
    )
    page = owner_client.get(PROFILE).content.decode()
    assert "owner.family@gmail.com" in page
    assert reverse("socialaccount_connections") in page
