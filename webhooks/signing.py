"""The signature a receiver checks: HMAC-SHA256 of ``"{timestamp}.{body}"`` with the webhook's secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from webhooks.errors import SigningSecretMissing

SECRET_PREFIX = "whsec_"
USER_AGENT = "FabricaDeLivros-Webhooks/1.0"


def secret_generate() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature_make(*, secret: str, timestamp: str, body: bytes) -> str:
    if not secret:
        raise SigningSecretMissing("Refusing to sign a webhook delivery with an empty secret.")
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def signed_headers(*, secret: str, event_id: str, event_type: str, timestamp: str, body: bytes) -> dict:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Fabrica-Event": event_type,
        "X-Fabrica-Event-Id": event_id,
        "X-Fabrica-Timestamp": timestamp,
        "X-Fabrica-Signature": signature_make(secret=secret, timestamp=timestamp, body=body),
    }
