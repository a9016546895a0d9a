"""Malformed JSON bodies on the API answer 4xx in the error shape, never 500 (unit level)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.tokens import api_token_create


@pytest.fixture
def api(owner) -> APIClient:
    cache.clear()
    _token, raw_key = api_token_create(user=owner, name="abuse")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
        b"{not json",
        b"\xff\xfe\xfd",
        b'{"num_pages": 1e999, "style": "cartoon"}',
        b'"a string"',
    ],
    ids=["deep-array", "deep-object", "broken", "not-utf8", "huge-number", "string"],
)
def test_a_malformed_json_body_is_a_400(api, body):
    response = api.generic("POST", "/api/v1/books/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["code"] in ("parse_error", "invalid")
