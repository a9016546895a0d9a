"""The signature, and the documented snippet a receiver uses to check it."""

from __future__ import annotations

import hashlib
import hmac
import inspect
import time
from pathlib import Path

import pytest

from webhooks import verify
from webhooks.errors import SigningSecretMissing
from webhooks.signing import secret_generate, signature_make, signed_headers
from webhooks.verify import verify_fabrica_signature

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"
SECRET = "whsec_test-secret"
BODY = b'{"id":"6f1c","type":"book.generated","data":{"title":"J\xc3\xbalia"}}'


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert signature_make(secret=SECRET, timestamp="1700000000", body=BODY) == f"sha256={expected}"


def test_signing_refuses_an_empty_secret():
    with pytest.raises(SigningSecretMissing):
        signature_make(secret="", timestamp="1700000000", body=BODY)


def test_secrets_are_long_random_and_prefixed():
    first, second = secret_generate(), secret_generate()
    assert first.startswith("whsec_") and len(first) > 40 and first != second


def test_the_headers_name_the_event_and_carry_the_signature():
    headers = signed_headers(
        secret=SECRET, event_id="e-1", event_type="export.ready", timestamp="17", body=BODY
    )
    assert headers["X-Fabrica-Event"] == "export.ready"
    assert headers["X-Fabrica-Event-Id"] == "e-1"
    assert headers["X-Fabrica-Timestamp"] == "17"
    assert headers["X-Fabrica-Signature"] == signature_make(secret=SECRET, timestamp="17", body=BODY)
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"].startswith("FabricaDeLivros-Webhooks/")


def _signed(timestamp: str | None = None) -> tuple[bytes, str, str]:
    timestamp = timestamp or str(int(time.time()))
    return BODY, timestamp, signature_make(secret=SECRET, timestamp=timestamp, body=BODY)


def test_the_snippet_accepts_a_genuine_request():
    body, timestamp, signature = _signed()
    assert verify_fabrica_signature(SECRET, body, timestamp, signature)


def test_the_snippet_refuses_a_changed_body_a_wrong_secret_or_a_moved_timestamp():
    body, timestamp, signature = _signed()
    assert not verify_fabrica_signature(SECRET, body + b" ", timestamp, signature)
    assert not verify_fabrica_signature("whsec_other", body, timestamp, signature)
    assert not verify_fabrica_signature(SECRET, body, str(int(timestamp) + 1), signature)
    assert not verify_fabrica_signature(SECRET, body, timestamp, "sha256=" + "0" * 64)


def test_the_snippet_refuses_old_or_malformed_timestamps():
    body, timestamp, signature = _signed(str(int(time.time()) - 3600))
    assert not verify_fabrica_signature(SECRET, body, timestamp, signature)
    assert verify_fabrica_signature(SECRET, body, timestamp, signature, tolerance=7200)
    assert not verify_fabrica_signature(SECRET, body, "yesterday", signature)
    assert not verify_fabrica_signature(SECRET, body, None, signature)


def test_the_api_guide_shows_exactly_the_snippet_the_tests_use():
    snippet = inspect.getsource(verify).split('"""', 2)[2].strip()
    assert snippet in DOCS.read_text()
