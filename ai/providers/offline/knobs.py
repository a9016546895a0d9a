"""Test-and-demo knobs for the offline provider: simulated latency and failures.

Read at call time from Django settings (when configured and defining the name), else
from the environment, so an operator or a test can turn them without a restart.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter

from ai.errors import ProviderError
from ai.providers.offline.seeding import unit

_attempts: Counter[tuple[str, str]] = Counter()
_attempts_lock = threading.Lock()
_MAX_TRACKED = 10_000


def knob(name: str, default: float = 0.0) -> float:
    raw = _setting(name)
    if raw is None:
        raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {raw!r}.") from None


def _setting(name: str):
    try:
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is a dependency, but this module does not need it
        return None
    return getattr(settings, name, None) if settings.configured else None


def simulate(kind: str, seed: str) -> None:
    """Sleep for the configured latency, then fail for a seeded share of attempts.

    The failure depends on the seed and on how many times this seed was tried, so the
    same request fails the same way on its first try, and a retry can succeed.
    """
    delay = knob(f"AI_OFFLINE_{kind.upper()}_DELAY")
    if delay > 0:
        time.sleep(delay)
    rate = knob("AI_OFFLINE_FAILURE_RATE")
    if rate <= 0:
        return
    attempt = _next_attempt(kind, seed)
    if unit("offline-failure", kind, seed, attempt) < rate:
        raise ProviderError(
            "The offline provider simulated a temporary failure.",
            transient=True,
            details={"provider": "offline", "kind": kind, "attempt": attempt},
        )


def _next_attempt(kind: str, seed: str) -> int:
    with _attempts_lock:
        if len(_attempts) > _MAX_TRACKED:
            _attempts.clear()
        _attempts[(kind, seed)] += 1
        return _attempts[(kind, seed)]
