"""How many calls each provider has in flight, across every worker process, and its 429 cool-down.

Every call to a provider holds a *lease*: a slot with an expiry (the call's timeout plus a
margin). A provider has at most its limit of unexpired leases; a caller waits a bounded time
for one and otherwise gets ``ProviderBusy`` with a ``retry_after``, so the work goes back in
the queue instead of holding a worker. A holder that dies without releasing (SIGKILL, a hard
time limit) loses its lease when it expires, so slots never leak.

After a 429 the provider *cools down*: until the time it asked for has passed it has no
capacity at all, for every worker.

With ``REDIS_URL`` the leases are a sorted set per provider in Redis, scored by expiry on the
Redis server's clock and taken by one Lua script (so every worker sees one clock and one
count); in embedded mode the same bookkeeping lives in this process behind a lock.

The limit of a provider: the admin's ``ProviderSetting.max_concurrent`` (the smaller one when
its text and image rows both set it), else ``AI_CONCURRENCY_LIMITS``, else
``AI_CONCURRENCY_DEFAULT_LIMIT``.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Protocol

import redis
from django.conf import settings
from django.db.models import Min
from django.utils.translation import gettext

from ai.errors import ProviderBusy
from ai.models import ProviderSetting
from ai.providers.replies import FAILURE_MESSAGES

# A lease outlives its call's timeout by this much: the call may finish a little late, and a
# lease that expired under a live call would let one call too many through.
LEASE_MARGIN_SECONDS = 15.0
# A provider asking for a longer pause than this is believed only up to here.
MAX_COOLDOWN_SECONDS = 600.0
# Waiting for a slot: first poll after this long, doubling up to the cap.
POLL_FIRST_SECONDS = 0.02
POLL_MAX_SECONDS = 0.25


class Slots(Protocol):
    def try_acquire(self, provider: str, *, limit: int, hold_seconds: float) -> tuple[str | None, float]:
        """``(lease, 0)`` when a slot was free; ``(None, seconds of cool-down left)`` when not."""

    def release(self, provider: str, lease: str) -> None: ...

    def cool_down(self, provider: str, seconds: float) -> None:
        """No capacity for ``seconds`` (a longer cool-down already running stands)."""

    def cooldown_remaining(self, provider: str) -> float: ...

    def in_flight(self, provider: str) -> int: ...

    def pause(self, provider: str, seconds: float) -> None:
        """Sleep up to ``seconds``, or less when a slot of ``provider`` may have been freed."""

    def clear(self) -> None:
        """Forget every lease and cool-down (tests)."""


# --- public API -------------------------------------------------------------------------


@contextmanager
def provider_slot(*, provider: str, hold_seconds: float, wait_seconds: float | None = None) -> Iterator[None]:
    """Hold one of ``provider``'s slots for the block; raise ``ProviderBusy`` when none frees in time.

    ``hold_seconds`` is the longest the call can take (its timeout): a holder that never
    comes back frees the slot that long (plus a margin) after taking it. ``wait_seconds``
    defaults to ``AI_CONCURRENCY_WAIT_SECONDS``.
    """
    wait = settings.AI_CONCURRENCY_WAIT_SECONDS if wait_seconds is None else wait_seconds
    slots = provider_slots()
    lease = _acquire(slots, provider, provider_limit(provider=provider), hold_seconds, wait)
    try:
        yield
    finally:
        slots.release(provider, lease)


def provider_cooldown_start(*, provider: str, seconds: float) -> float:
    """No new call starts to ``provider`` for ``seconds`` (after its 429), in any worker.

    Returns the pause applied: ``seconds``, believed up to ``MAX_COOLDOWN_SECONDS``.
    """
    seconds = min(max(seconds, 0.0), MAX_COOLDOWN_SECONDS)
    if seconds > 0:
        provider_slots().cool_down(provider, seconds)
    return seconds


def provider_cooldown_remaining(*, provider: str) -> float:
    return provider_slots().cooldown_remaining(provider)


def provider_calls_in_flight(*, provider: str) -> int:
    """Unexpired leases of ``provider``: calls running now, in every worker."""
    return provider_slots().in_flight(provider)


def providers_in_flight() -> dict[str, int]:
    """Calls in flight of every provider configured anywhere (``/metrics``, the dashboard)."""
    names = set(settings.AI_TEXT_PROVIDERS) | set(settings.AI_IMAGE_PROVIDERS)
    names |= set(ProviderSetting.objects.values_list("provider", flat=True))
    return {name: provider_calls_in_flight(provider=name) for name in sorted(names)}


def provider_limit(*, provider: str) -> int:
    """Calls ``provider`` may have in flight: the admin's setting, else the environment's."""
    admin = ProviderSetting.objects.filter(provider=provider, max_concurrent__isnull=False).aggregate(
        limit=Min("max_concurrent")
    )["limit"]
    if admin:
        return admin
    return settings.AI_CONCURRENCY_LIMITS.get(provider, settings.AI_CONCURRENCY_DEFAULT_LIMIT)


def provider_slots() -> Slots:
    """Redis leases when ``REDIS_URL`` is set, this process's otherwise."""
    if settings.REDIS_URL:
        return _redis_slots(settings.REDIS_URL)
    return _LOCAL


# --- waiting for a slot -----------------------------------------------------------------


def _acquire(slots: Slots, provider: str, limit: int, hold_seconds: float, wait: float) -> str:
    hold = hold_seconds + LEASE_MARGIN_SECONDS
    deadline = time.monotonic() + wait
    poll = POLL_FIRST_SECONDS
    while True:
        lease, cooling = slots.try_acquire(provider, limit=limit, hold_seconds=hold)
        if lease is not None:
            return lease
        left = deadline - time.monotonic()
        if left <= 0 or cooling > left:  # waiting cannot help: come back later
            raise _busy(provider, cooling=cooling, wait=wait)
        slots.pause(provider, min(max(poll, cooling), left))
        poll = min(poll * 2, POLL_MAX_SECONDS)


def _busy(provider: str, *, cooling: float, wait: float) -> ProviderBusy:
    # A full provider frees slots as calls end; spread the returns so they do not all come at once.
    retry_after = cooling if cooling > 0 else max(wait, 1.0) * random.uniform(0.5, 1.0)
    return ProviderBusy(
        gettext(FAILURE_MESSAGES["rate_limited"]).format(provider=provider),
        retry_after=round(retry_after, 3),
        details={"provider": provider, "cooling_down": cooling > 0},
    )


# --- Redis ------------------------------------------------------------------------------

# KEYS: the provider's leases (member: lease id, score: expiry in ms of the server clock),
# its cool-down marker (exists while cooling down). ARGV: limit, lease id, hold ms.
_ACQUIRE = """
local cooling = redis.call('PTTL', KEYS[2])
if cooling > 0 then return {0, cooling} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return {0, 0} end
redis.call('ZADD', KEYS[1], string.format('%d', now + tonumber(ARGV[3])), ARGV[2])
-- The set goes away with its last lease, even if nobody comes back to tidy it.
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], string.format('%d', tonumber(last[2])))
return {1, 0}
"""
# KEYS: the cool-down marker. ARGV: ms. Only ever lengthened.
_COOL_DOWN = """
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], 1, 'PX', ARGV[1])
end
"""
_IN_FLIGHT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. string.format('%d', now), '+inf')
"""


class RedisSlots:
    def __init__(self, client: redis.Redis, prefix: str = "fabrica:ai:capacity"):
        self.client = client
        self.prefix = prefix
        self._acquire = client.register_script(_ACQUIRE)
        self._cool_down = client.register_script(_COOL_DOWN)
        self._in_flight = client.register_script(_IN_FLIGHT)

    def _keys(self, provider: str) -> list[str]:
        return [f"{self.prefix}:{provider}:leases", f"{self.prefix}:{provider}:cooldown"]

    def try_acquire(self, provider: str, *, limit: int, hold_seconds: float) -> tuple[str | None, float]:
        lease = uuid.uuid4().hex
        granted, cooling_ms = self._acquire(
            keys=self._keys(provider), args=[limit, lease, max(1, int(hold_seconds * 1000))]
        )
        return (lease, 0.0) if granted else (None, cooling_ms / 1000)

    def release(self, provider: str, lease: str) -> None:
        self.client.zrem(self._keys(provider)[0], lease)

    def cool_down(self, provider: str, seconds: float) -> None:
        self._cool_down(keys=self._keys(provider)[1:], args=[max(1, int(seconds * 1000))])

    def cooldown_remaining(self, provider: str) -> float:
        return max(self.client.pttl(self._keys(provider)[1]), 0) / 1000

    def in_flight(self, provider: str) -> int:
        return int(self._in_flight(keys=self._keys(provider)[:1]))

    def pause(self, provider: str, seconds: float) -> None:
        time.sleep(seconds * random.uniform(0.8, 1.0))  # jitter: waiters do not poll in lockstep

    def clear(self) -> None:
        keys = list(self.client.scan_iter(match=f"{self.prefix}:*"))
        if keys:
            self.client.delete(*keys)


@cache
def _redis_slots(url: str) -> RedisSlots:
    # redis-py's pool reconnects after a fork, so one client per process and URL serves every thread.
    return RedisSlots(redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=3))


# --- in this process (embedded mode) ----------------------------------------------------


class LocalSlots:
    """The same leases and cool-downs for the threads of one process."""

    def __init__(self) -> None:
        self._freed = threading.Condition()
        self._leases: dict[str, dict[str, float]] = {}
        self._cooldowns: dict[str, float] = {}

    def try_acquire(self, provider: str, *, limit: int, hold_seconds: float) -> tuple[str | None, float]:
        with self._freed:
            now = time.monotonic()
            cooling = self._cooldowns.get(provider, now) - now
            if cooling > 0:
                return None, cooling
            leases = self._leases.setdefault(provider, {})
            for expired in [lease for lease, expires in leases.items() if expires <= now]:
                del leases[expired]
            if len(leases) >= limit:
                return None, 0.0
            lease = uuid.uuid4().hex
            leases[lease] = now + hold_seconds
            return lease, 0.0

    def release(self, provider: str, lease: str) -> None:
        with self._freed:
            self._leases.get(provider, {}).pop(lease, None)
            self._freed.notify_all()

    def cool_down(self, provider: str, seconds: float) -> None:
        with self._freed:
            until = time.monotonic() + seconds
            self._cooldowns[provider] = max(self._cooldowns.get(provider, 0.0), until)

    def cooldown_remaining(self, provider: str) -> float:
        with self._freed:
            return max(self._cooldowns.get(provider, 0.0) - time.monotonic(), 0.0)

    def in_flight(self, provider: str) -> int:
        with self._freed:
            now = time.monotonic()
            return sum(1 for expires in self._leases.get(provider, {}).values() if expires > now)

    def pause(self, provider: str, seconds: float) -> None:
        with self._freed:
            self._freed.wait(seconds)

    def clear(self) -> None:
        with self._freed:
            self._leases.clear()
            self._cooldowns.clear()


_LOCAL = LocalSlots()
