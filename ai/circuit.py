"""A circuit breaker per provider and capability, its state in the shared cache.

Closed: calls go through; consecutive failures are counted. At the threshold the
circuit opens: the provider is skipped by every worker until the cool-down ends.
Then it is half-open: exactly one caller gets to probe it (an atomic ``cache.add``);
a success closes the circuit, a failure opens it for another cool-down.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

# Long enough to outlive any cool-down; a success clears it.
TRIPPED_TTL = 24 * 3600


@dataclass(frozen=True)
class CircuitState:
    provider: str
    capability: str
    state: str  # "closed" | "open" | "half-open"
    failures: int
    retry_at: float | None  # epoch seconds when an open circuit lets a probe through


def _key(provider: str, capability: str, part: str) -> str:
    return f"ai:circuit:{capability}:{provider}:{part}"


def circuit_allows(provider: str, capability: str) -> bool:
    """True when a call may go to this provider now (closed, or this caller is the half-open probe)."""
    if cache.get(_key(provider, capability, "open")) is not None:
        return False
    if not cache.get(_key(provider, capability, "tripped")):
        return True
    probe_ttl = max(settings.AI_TIMEOUT_SECONDS, settings.AI_CIRCUIT_COOLDOWN_SECONDS)
    return cache.add(_key(provider, capability, "probe"), 1, timeout=probe_ttl)


def circuit_record_success(provider: str, capability: str) -> None:
    if cache.get(_key(provider, capability, "tripped")):
        logger.info("AI circuit for %s/%s closed again", provider, capability)
    cache.delete_many([_key(provider, capability, part) for part in ("failures", "tripped", "probe")])


def circuit_record_failure(provider: str, capability: str) -> None:
    if cache.get(_key(provider, capability, "open")) is not None:
        return  # a call already in flight when the circuit opened: the cool-down stands
    if cache.get(_key(provider, capability, "tripped")):
        _open(provider, capability)  # the half-open probe failed
        return
    failures_key = _key(provider, capability, "failures")
    cache.add(failures_key, 0, timeout=TRIPPED_TTL)
    try:
        failures = cache.incr(failures_key)
    except ValueError:  # expired between add and incr
        cache.set(failures_key, 1, timeout=TRIPPED_TTL)
        failures = 1
    if failures >= settings.AI_CIRCUIT_FAILURE_THRESHOLD:
        _open(provider, capability)


def circuit_state(provider: str, capability: str) -> CircuitState:
    retry_at = cache.get(_key(provider, capability, "open"))
    tripped = bool(cache.get(_key(provider, capability, "tripped")))
    state = "open" if retry_at is not None else "half-open" if tripped else "closed"
    failures = int(cache.get(_key(provider, capability, "failures")) or 0)
    return CircuitState(provider, capability, state, failures, retry_at)


def circuit_reset(provider: str, capability: str) -> None:
    cache.delete_many([_key(provider, capability, part) for part in ("failures", "tripped", "probe", "open")])


def _open(provider: str, capability: str) -> None:
    cooldown = settings.AI_CIRCUIT_COOLDOWN_SECONDS
    cache.set(_key(provider, capability, "open"), time.time() + cooldown, timeout=cooldown)
    cache.set(_key(provider, capability, "tripped"), 1, timeout=TRIPPED_TTL)
    cache.delete(_key(provider, capability, "probe"))
    logger.warning("AI circuit for %s/%s opened for %.0f s", provider, capability, cooldown)
