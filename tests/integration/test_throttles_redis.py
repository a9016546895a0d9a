"""The API's rate limits hold under real concurrency against the production cache (Redis).

DRF's history-list throttle read, decided and wrote back: 150 parallel calls all passed a
120/min limit. These tests fire many threads at one counter in Redis at the same moment and
count who got through.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from django.core.cache.backends.redis import RedisCache

from api.throttles import BookCreateThrottle, UserThrottle
from tests.integration.conftest import REDIS_URL


@pytest.fixture
def redis_cache(services):
    prefix = f"throttle-test-{uuid.uuid4().hex}"
    # One connection per thread: more than redis-py's default pool of 100.
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix, "OPTIONS": {"max_connections": 200}})
    yield cache
    # Not cache.clear(): that flushes the whole db, which a running stack shares.
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def _calls_let_through(throttle_class, cache, *, calls: int, rate: str) -> int:
    scope = throttle_class.scope
    now = time.time()  # one instant for all, so no call lands in the next minute's window
    overrides = {"cache": cache, "THROTTLE_RATES": {scope: rate}, "timer": lambda self: now}
    throttle = type("Throttle", (throttle_class,), overrides)
    request = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=7), META={})
    start = threading.Barrier(calls)

    def call(_):
        start.wait()  # every thread asks at the same moment
        return throttle().allow_request(request, view=None)

    with ThreadPoolExecutor(max_workers=calls) as pool:
        return sum(pool.map(call, range(calls)))


def test_150_parallel_calls_get_exactly_the_120_a_minute_allows(redis_cache):
    assert _calls_let_through(UserThrottle, redis_cache, calls=150, rate="120/min") == 120


def test_20_parallel_book_creations_get_exactly_the_10_a_minute_allows(redis_cache):
    assert _calls_let_through(BookCreateThrottle, redis_cache, calls=20, rate="10/min") == 10
