"""One book per submission: a double-clicked form or an API call retried with its ``Idempotency-Key``.

The first request with a key claims it (an atomic ``cache.add``), makes the book and records the
book's id under the key for a day. A repeat with the same key and the same request gets the first
book back; the same key with another request is refused. A repeat that arrives while the first is
still being made waits for it a few seconds. Keys belong to one user: two users' keys never meet.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from fabrica.errors import ApplicationError

# A finished submission is remembered this long (seconds).
SUBMISSION_TTL = 24 * 60 * 60
# A claim whose request never finished (its process died) frees the key after this long.
PENDING_TTL = 60
# How long a repeat waits for the first request to finish before answering "still in progress".
WAIT_SECONDS = 10.0
WAIT_STEP = 0.1
KEY_MAX_LENGTH = 255


class SubmissionKeyInvalid(ApplicationError):
    code = "invalid"
    status_code = 400


class SubmissionKeyReused(ApplicationError):
    code = "idempotency_key_reused"
    status_code = 422


class SubmissionInProgress(ApplicationError):
    code = "idempotency_in_progress"
    status_code = 409


@dataclass(frozen=True)
class Submission:
    """What the first request with a key left: its fingerprint and, once made, its book."""

    fingerprint: str
    book_id: str | None

    @property
    def pending(self) -> bool:
        return self.book_id is None


def submission_fingerprint(payload: dict[str, Any]) -> str:
    """The same request gives the same fingerprint, whatever the order of its fields."""
    canonical = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def submission_key_check(key: str) -> str:
    key = key.strip()
    if not key or len(key) > KEY_MAX_LENGTH or not key.isprintable():
        message = _("The Idempotency-Key header must be 1 to %(max)s printable characters.") % {
            "max": KEY_MAX_LENGTH
        }
        raise SubmissionKeyInvalid(message, details={"Idempotency-Key": [message]})
    return key


def _cache_key(*, user, scope: str, key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"submission:{scope}:{user.pk}:{digest}"


def _read(cache_key: str) -> Submission | None:
    value = cache.get(cache_key)
    if not isinstance(value, dict):
        return None
    return Submission(fingerprint=value.get("fingerprint", ""), book_id=value.get("book_id"))


def submission_claim(*, user, scope: str, key: str, fingerprint: str) -> Submission | None:
    """``None`` when this request is the first with ``key`` (go on and make the book).

    Otherwise the first request's submission, once it has its book; raises
    ``SubmissionKeyReused`` when the key came with another request, ``SubmissionInProgress``
    when the first is still being made after ``WAIT_SECONDS``.
    """
    cache_key = _cache_key(user=user, scope=scope, key=key)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if cache.add(cache_key, {"fingerprint": fingerprint, "book_id": None}, timeout=PENDING_TTL):
            return None
        first = _read(cache_key)
        if first is not None and first.fingerprint != fingerprint:
            message = _("This Idempotency-Key was already used with a different request.")
            raise SubmissionKeyReused(message, details={"Idempotency-Key": key})
        if first is not None and not first.pending:
            return first
        # Still being made, or gone between the two calls (expired, given back): wait and claim again.
        if time.monotonic() >= deadline:
            raise SubmissionInProgress(
                _("A request with this Idempotency-Key is still being handled. Try again in a moment."),
                details={"Idempotency-Key": key},
            )
        time.sleep(WAIT_STEP)


def submission_complete(*, user, scope: str, key: str, fingerprint: str, book_id) -> None:
    cache.set(
        _cache_key(user=user, scope=scope, key=key),
        {"fingerprint": fingerprint, "book_id": str(book_id)},
        timeout=SUBMISSION_TTL,
    )


def submission_release(*, user, scope: str, key: str) -> None:
    """The first request made no book (a refused form, the quota): a repeat may try again."""
    cache.delete(_cache_key(user=user, scope=scope, key=key))
