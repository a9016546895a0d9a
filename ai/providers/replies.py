"""Turning what a hosted provider answered into PNG bytes or a ``ProviderError``, for every HTTP adapter.

The adapters differ in how they read an answer; what they make of it is the same: the same
codes for the same HTTP statuses, the same wait from a Retry-After header, the same messages
for a parent, and pictures handed on as PNG whatever format they came in.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from django.utils.translation import gettext, gettext_noop
from PIL import Image, UnidentifiedImageError

from ai.errors import ProviderError

# Translated when raised, in the language of the parent whose book it is (see fabrica/celery.py).
SAFETY_MESSAGES = {
    "story": gettext_noop("The writer's safety filter refused this story. Try rewording the theme."),
    "picture": gettext_noop("The illustrator's safety filter refused this picture. Try rewording the page."),
}
NO_IMAGE_MESSAGE = gettext_noop("The illustrator answered without a picture.")
BAD_IMAGE_MESSAGE = gettext_noop("The illustrator sent a picture we could not open.")
FAILURE_MESSAGES = {
    "timeout": gettext_noop("{provider} took too long to answer."),
    "rate_limited": gettext_noop("{provider} is busy right now (too many requests)."),
    "server_error": gettext_noop("{provider} is having trouble right now."),
    "unreachable": gettext_noop("We could not reach {provider}."),
    "auth_error": gettext_noop("{provider} refused our API key; an administrator needs to check it."),
    "bad_request": gettext_noop("{provider} could not accept this request."),
}
TRANSIENT_CODES = frozenset({"timeout", "rate_limited", "server_error", "unreachable"})
# What Pillow raises for bytes that are not a picture it can read.
UNREADABLE_IMAGE_ERRORS = (UnidentifiedImageError, OSError, ValueError)


# --- failures ------------------------------------------------------------------


def failure(provider: str, code: str, details: dict[str, Any] | None = None) -> ProviderError:
    """The error for one of ``FAILURE_MESSAGES``' codes, naming ``provider`` (``"Gemini"``) to the parent."""
    return ProviderError(
        gettext(FAILURE_MESSAGES[code]).format(provider=provider),
        code=code,
        transient=code in TRANSIENT_CODES,
        details=details,
    )


def status_failure(
    provider: str,
    status: int,
    *,
    message: str,
    retry_after: float | None = None,
    bad_key: bool = False,
    **details: Any,
) -> ProviderError:
    """The error for an HTTP error answer; ``retry_after`` (seconds) is kept only on a 429."""
    found: dict[str, Any] = {"status": status, **details, "provider_message": message[:300]}
    if status == 429 and retry_after is not None:
        found["retry_after"] = retry_after
    return failure(provider, code_for_status(status, bad_key=bad_key), found)


def code_for_status(status: int, *, bad_key: bool = False) -> str:
    """The ``ProviderError`` code for an HTTP error status; ``bad_key``: the body says the key is wrong."""
    if status == 429:
        return "rate_limited"
    if status in (401, 403) or bad_key:
        return "auth_error"
    if status == 408:
        return "timeout"
    return "server_error" if status >= 500 else "bad_request"


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After value (seconds or an HTTP date) as seconds from now; None when unreadable."""
    value = (value or "").strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def safety_blocked(what: str, details: dict[str, Any]) -> ProviderError:
    """The provider's safety filter refused the ``"story"`` or the ``"picture"``; retrying will not help."""
    return ProviderError(gettext(SAFETY_MESSAGES[what]), code="safety_blocked", details=details)


def no_image(text: str) -> ProviderError:
    """A picture was asked for and words came back (the start of them is kept for the logs)."""
    return ProviderError(gettext(NO_IMAGE_MESSAGE), code="no_image", details={"text": text[:200]})


def bad_image(details: dict[str, Any]) -> ProviderError:
    """The picture sent could not be opened; transient, as asking again may bring a readable one."""
    return ProviderError(gettext(BAD_IMAGE_MESSAGE), code="bad_image", transient=True, details=details)


# --- pictures ------------------------------------------------------------------


def png_bytes(data: bytes) -> bytes:
    """``data``, a picture in any format Pillow reads, saved as PNG.

    Raises one of ``UNREADABLE_IMAGE_ERRORS`` when ``data`` is not such a picture.
    """
    with Image.open(io.BytesIO(data)) as image:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
    return buffer.getvalue()
