"""API clients for the shared users: the owner with a personal token, another user, nobody."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.tokens import api_token_create


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Throttle history lives in the cache, and a rolled-back user id is reused by the next test.
    cache.clear()
    yield
    cache.clear()


def token_client(user) -> APIClient:
    _token, raw_key = api_token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


@pytest.fixture
def api(owner) -> APIClient:
    return token_client(owner)


@pytest.fixture
def other_api(other_user) -> APIClient:
    return token_client(other_user)


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The one error shape; returns its ``details``."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]["details"]
