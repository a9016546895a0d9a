"""A simulated provider quota for the offline provider: past it, it answers like a rate-limited API.

``AI_OFFLINE_MAX_CONCURRENT`` (0 = off) counts the offline calls in flight in every process,
in the shared cache (Redis in production). It is deliberately its own counter, not the
router's limiter: it plays the provider's side, so a limiter that let one call too many
through shows up as a ``rate_limited`` call.

A process killed mid-call cannot give its count back; the key expires once no call has
started for the longest simulated call plus a margin, so a leaked count does not outlive
a quiet spell.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.utils.translation import gettext

from ai.errors import RateLimited
from ai.providers.offline.knobs import knob
from ai.providers.replies import FAILURE_MESSAGES

KEY = "ai:offline:in-flight"
# Beyond the simulated delay: drawing a picture on a loaded machine takes a few seconds more.
EXPIRY_MARGIN_SECONDS = 60


@contextmanager
def offline_quota(kind: str) -> Iterator[None]:
    """Count one ``kind`` ("text" | "image") call in flight; raise ``RateLimited`` past the quota."""
    quota = int(knob("AI_OFFLINE_MAX_CONCURRENT"))
    if quota <= 0:
        yield
        return
    in_flight = _enter()
    try:
        if in_flight > quota:
            raise RateLimited(
                gettext(FAILURE_MESSAGES["rate_limited"]).format(provider="offline"),
                # About when a call in flight now will have finished.
                retry_after=max(knob(f"AI_OFFLINE_{kind.upper()}_DELAY"), 1.0),
                details={"provider": "offline", "in_flight": in_flight, "quota": quota},
            )
        yield
    finally:
        _leave()


def offline_calls_in_flight() -> int:
    return max(int(cache.get(KEY) or 0), 0)


def _enter() -> int:
    expiry = max(knob("AI_OFFLINE_TEXT_DELAY"), knob("AI_OFFLINE_IMAGE_DELAY")) + EXPIRY_MARGIN_SECONDS
    cache.add(KEY, 0, timeout=expiry)
    try:
        in_flight = cache.incr(KEY)
    except ValueError:  # expired between the add and the incr
        cache.add(KEY, 0, timeout=expiry)
        in_flight = cache.incr(KEY)
    cache.touch(KEY, timeout=expiry)
    return in_flight


def _leave() -> None:
    try:
        if cache.decr(KEY) < 0:  # the key expired under this call and was started afresh
            cache.incr(KEY)
    except ValueError:  # expired: nothing left to give back
        pass
