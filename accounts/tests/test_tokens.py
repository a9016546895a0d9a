from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIRequestFactory

from accounts.authentication import ApiTokenAuthentication
from accounts.models import ApiToken
from accounts.tokens import api_token_create, api_token_revoke, token_authenticate

pytestmark = pytest.mark.django_db


def _request(authorization: str | None = None):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    return APIRequestFactory().get("/api/books/", **headers)


def test_a_new_key_is_shown_once_and_only_its_hash_and_prefix_are_kept(owner):
    token, raw_key = api_token_create(user=owner, name="script")
    assert raw_key.startswith("fab_") and len(raw_key) > 40
    token.refresh_from_db()
    assert token.prefix == raw_key[:8]
    assert raw_key not in (token.key_hash, token.name)
    assert len(token.key_hash) == 64
    assert not ApiToken.objects.filter(key_hash__contains=raw_key[8:20]).exists()


def test_two_keys_are_never_the_same(owner):
    assert api_token_create(user=owner, name="a")[1] != api_token_create(user=owner, name="b")[1]


def test_the_key_authenticates_its_owner(owner):
    _, raw_key = api_token_create(user=owner, name="script")
    assert token_authenticate(raw_key) == owner


@pytest.mark.parametrize("key", ["", "fab_", "fab_not-a-real-key", "not-even-the-prefix"])
def test_an_unknown_key_authenticates_nobody(owner, key):
    api_token_create(user=owner, name="script")
    assert token_authenticate(key) is None


def test_a_key_one_character_off_authenticates_nobody(owner):
    _, raw_key = api_token_create(user=owner, name="script")
    assert token_authenticate(raw_key[:-1] + ("A" if raw_key[-1] != "A" else "B")) is None


def test_a_revoked_key_authenticates_nobody(owner):
    token, raw_key = api_token_create(user=owner, name="script")
    api_token_revoke(token=token)
    assert token_authenticate(raw_key) is None


def test_a_deactivated_users_key_authenticates_nobody(owner):
    _, raw_key = api_token_create(user=owner, name="script")
    owner.is_active = False
    owner.save()
    assert token_authenticate(raw_key) is None


def test_last_used_is_written_at_most_once_a_minute(owner):
    token, raw_key = api_token_create(user=owner, name="script")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token_authenticate(raw_key)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        token_authenticate(raw_key)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        token_authenticate(raw_key)
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(seconds=61)


def test_revoking_twice_keeps_the_first_revocation_time(owner):
    token, _ = api_token_create(user=owner, name="script")
    api_token_revoke(token=token)
    first = ApiToken.objects.get(id=token.id).revoked_at
    api_token_revoke(token=token)
    assert ApiToken.objects.get(id=token.id).revoked_at == first


def test_drf_bearer_authentication_returns_the_user_and_the_token(owner):
    token, raw_key = api_token_create(user=owner, name="script")
    user, auth = ApiTokenAuthentication().authenticate(_request(f"Bearer {raw_key}"))
    assert (user, auth) == (owner, token)


def test_drf_leaves_requests_without_a_bearer_header_to_other_classes(owner):
    authentication = ApiTokenAuthentication()
    assert authentication.authenticate(_request()) is None
    assert authentication.authenticate(_request("Basic b3duZXI6cGFzcw==")) is None


@pytest.mark.parametrize("header", ["Bearer", "Bearer fab_a fab_b", "Bearer fab_wrong", "bearer nope"])
def test_drf_refuses_a_malformed_or_unknown_bearer_token(owner, header):
    with pytest.raises(AuthenticationFailed):
        ApiTokenAuthentication().authenticate(_request(header))


def test_drf_refuses_a_revoked_token(owner):
    token, raw_key = api_token_create(user=owner, name="script")
    api_token_revoke(token=token)
    with pytest.raises(AuthenticationFailed):
        ApiTokenAuthentication().authenticate(_request(f"Bearer {raw_key}"))


def test_drf_challenges_with_the_bearer_scheme():
    assert ApiTokenAuthentication().authenticate_header(_request()).startswith("Bearer")


def test_the_admin_lists_tokens_without_their_keys(client, owner, django_user_model):
    _, raw_key = api_token_create(user=owner, name="script")
    staff = django_user_model.objects.create_superuser(email="staff@example.com", password="x-long-pass-9")
    client.force_login(staff)
    page = client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert raw_key[:8] in page and raw_key not in page


@pytest.mark.django_db
def test_a_token_used_again_within_a_minute_writes_nothing(owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.tokens import api_token_create, api_token_lookup

    _token, raw_key = api_token_create(user=owner, name="busy")
    assert api_token_lookup(raw_key) is not None  # the first use is written
    with CaptureQueriesContext(connection) as captured:
        assert api_token_lookup(raw_key) is not None

    assert [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")] == []
