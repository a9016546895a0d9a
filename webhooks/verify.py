"""The receiver's side, exactly as docs/api.md shows it (the tests check deliveries with it).

Only the standard library: copy it into the program that receives the webhooks.
"""

import hashlib
import hmac
import time


def verify_fabrica_signature(secret, body, timestamp, signature, tolerance=300):
    """True if the request came from Fábrica de Livros and is recent.

    body: the raw request body (bytes), before any JSON parsing.
    timestamp, signature: the X-Fabrica-Timestamp and X-Fabrica-Signature headers.
    """
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(time.time() - sent_at) > tolerance:
        return False  # too old: perhaps a replayed request
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest("sha256=" + expected, signature)
