"""The per-provider limit on calls in flight: in this process, across processes on Redis, and in the admin.

The cross-process tests run against the real Redis on 127.0.0.1 (db ``INTEGRATION_REDIS_DB``,
15 by default): they skip when it is not there, unless ``CI=true`` demands it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import uuid

import pytest
import redis
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from ai.capacity import (
    LEASE_MARGIN_SECONDS,
    RedisSlots,
    _acquire,
    provider_calls_in_flight,
    provider_limit,
    provider_slot,
)
from ai.errors import AllProvidersFailed, ProviderBusy
from ai.models import AICall, ProviderSetting
from ai.providers.offline import OfflineImageProvider
from ai.schemas import ImageRequest
from ai.services import image_generate
from ai.tests.helpers import Scripted
from fabrica.settings import envlimits

PICTURE = ImageRequest(prompt="a cat under a tree", style="cartoon", seed="capacity", width=480, height=600)
REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('INTEGRATION_REDIS_DB', '15')}"


@pytest.fixture(autouse=True)
def _clean(router_settings):
    router_settings.AI_CONCURRENCY_LIMITS = {}
    router_settings.AI_CONCURRENCY_DEFAULT_LIMIT = 32


class Gauge:
    """Counts the holders inside a block at once and remembers the most it saw."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = self.peak = 0

    def __enter__(self):
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def __exit__(self, *exc):
        with self._lock:
            self.now -= 1


def _run_threads(count: int, target) -> list[BaseException]:
    errors: list[BaseException] = []

    def run():
        try:
            target()
        except BaseException as error:  # noqa: BLE001 - the test reports it
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


# --- in this process --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_many_threads_never_hold_more_slots_than_the_limit(settings):
    settings.AI_CONCURRENCY_LIMITS = {"busy": 3}
    gauge = Gauge()

    def call():
        for _ in range(4):
            with provider_slot(provider="busy", hold_seconds=5, wait_seconds=10), gauge:
                time.sleep(0.01)

    assert _run_threads(16, call) == []
    assert gauge.peak == 3
    assert provider_calls_in_flight(provider="busy") == 0


@pytest.mark.django_db
def test_a_slot_is_given_back_when_the_call_raises(settings):
    settings.AI_CONCURRENCY_LIMITS = {"solo": 1}
    with pytest.raises(RuntimeError), provider_slot(provider="solo", hold_seconds=5, wait_seconds=0):
        raise RuntimeError("the provider call blew up")
    assert provider_calls_in_flight(provider="solo") == 0
    with provider_slot(provider="solo", hold_seconds=5, wait_seconds=0):
        assert provider_calls_in_flight(provider="solo") == 1


@pytest.mark.django_db
def test_with_no_slot_free_within_the_wait_the_caller_is_told_to_come_back_later(settings):
    settings.AI_CONCURRENCY_LIMITS = {"solo": 1}
    with provider_slot(provider="solo", hold_seconds=5, wait_seconds=0):
        started = time.monotonic()
        with (
            pytest.raises(ProviderBusy) as busy,
            provider_slot(provider="solo", hold_seconds=5, wait_seconds=0.2),
        ):
            pass
    assert time.monotonic() - started >= 0.2
    assert busy.value.transient is True
    assert 0 < busy.value.retry_after <= 1
    assert busy.value.details["retry_after"] == busy.value.retry_after


@pytest.mark.django_db(transaction=True)
def test_a_caller_waiting_for_a_slot_gets_it_as_soon_as_one_is_freed(settings):
    settings.AI_CONCURRENCY_LIMITS = {"solo": 1}
    holding = threading.Event()

    def hold_briefly():
        with provider_slot(provider="solo", hold_seconds=5, wait_seconds=0):
            holding.set()
            time.sleep(0.2)

    holder = threading.Thread(target=hold_briefly)
    holder.start()
    holding.wait(5)
    started = time.monotonic()
    with provider_slot(provider="solo", hold_seconds=5, wait_seconds=5):
        waited = time.monotonic() - started
    holder.join()
    assert 0.1 <= waited < 1


def test_a_lease_not_given_back_expires_after_its_hold_time():
    from ai.capacity import LocalSlots

    slots = LocalSlots()
    assert slots.try_acquire("lost", limit=1, hold_seconds=0.2)[0] is not None  # never released
    assert slots.try_acquire("lost", limit=1, hold_seconds=0.2)[0] is None
    time.sleep(0.25)
    assert slots.try_acquire("lost", limit=1, hold_seconds=0.2)[0] is not None


# --- where the limit comes from ---------------------------------------------------------


@pytest.mark.django_db
def test_the_limit_comes_from_the_environment_else_the_default(settings):
    settings.AI_CONCURRENCY_LIMITS = {"gemini": 8}
    settings.AI_CONCURRENCY_DEFAULT_LIMIT = 5
    assert provider_limit(provider="gemini") == 8
    assert provider_limit(provider="openrouter") == 5


@pytest.mark.django_db
def test_an_admin_row_overrides_the_environment_and_the_smaller_row_wins(settings):
    settings.AI_CONCURRENCY_LIMITS = {"gemini": 8}
    ProviderSetting.objects.create(provider="gemini", capability="image", max_concurrent=4)
    assert provider_limit(provider="gemini") == 4
    ProviderSetting.objects.create(provider="gemini", capability="text", max_concurrent=2)
    assert provider_limit(provider="gemini") == 2


@pytest.mark.django_db
def test_an_admin_row_without_a_limit_leaves_the_environments(settings):
    settings.AI_CONCURRENCY_LIMITS = {"gemini": 8}
    ProviderSetting.objects.create(provider="gemini", capability="image")
    assert provider_limit(provider="gemini") == 8


def test_concurrency_limits_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("AI_CONCURRENCY_LIMITS", " gemini=32, openrouter = 16 ,offline=64,")
    assert envlimits("AI_CONCURRENCY_LIMITS") == {"gemini": 32, "openrouter": 16, "offline": 64}
    monkeypatch.delenv("AI_CONCURRENCY_LIMITS")
    assert envlimits("AI_CONCURRENCY_LIMITS") == {}


@pytest.mark.parametrize(
    "value", ["gemini", "gemini=", "=4", "gemini=0", "gemini=-2", "gemini=3.5", "gemini=x", "a=1,a=2"]
)
def test_malformed_concurrency_limits_stop_the_start(monkeypatch, value):
    monkeypatch.setenv("AI_CONCURRENCY_LIMITS", value)
    with pytest.raises(ImproperlyConfigured, match="AI_CONCURRENCY_LIMITS"):
        envlimits("AI_CONCURRENCY_LIMITS")


@pytest.mark.django_db
def test_the_admin_sets_a_providers_limit_and_shows_its_calls_in_flight(admin_client, settings):
    form = {"provider": "gemini", "capability": "image", "enabled": "on", "priority": "10"}
    response = admin_client.post(
        reverse("admin:ai_providersetting_add"),
        {**form, "model": "", "timeout_seconds": "45", "max_concurrent": "6", "api_key": ""},
    )
    assert response.status_code == 302
    assert ProviderSetting.objects.get().max_concurrent == 6

    with provider_slot(provider="gemini", hold_seconds=5, wait_seconds=0):
        listing = admin_client.get(reverse("admin:ai_providersetting_changelist"))
    assert "1 / 6" in listing.content.decode()


@pytest.mark.django_db
def test_the_admin_refuses_a_limit_of_zero(admin_client):
    form = {"provider": "gemini", "capability": "image", "enabled": "on", "priority": "10"}
    response = admin_client.post(
        reverse("admin:ai_providersetting_add"),
        {**form, "model": "", "timeout_seconds": "45", "max_concurrent": "0", "api_key": ""},
    )
    assert response.status_code == 200
    assert not ProviderSetting.objects.exists()


# --- across processes, on Redis ---------------------------------------------------------


@pytest.fixture
def redis_slots():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but Redis is not reachable at {REDIS_URL}: {error}", pytrace=False)
        pytest.skip(f"Redis not reachable at {REDIS_URL} (set CI=true to require it)")
    slots = RedisSlots(client, prefix=f"test:capacity:{uuid.uuid4().hex}")
    yield slots
    slots.clear()


def _hammer(url: str, prefix: str, limit: int, threads: int, rounds: int) -> None:
    """A worker process: ``threads`` threads each take a slot ``rounds`` times and note how many hold one."""
    client = redis.Redis.from_url(url)
    slots = RedisSlots(client, prefix=prefix)

    def work():
        for _ in range(rounds):
            lease = _acquire(slots, "shared", limit, hold_seconds=10, wait=30)
            try:
                client.rpush(f"{prefix}:seen", client.incr(f"{prefix}:holding"))
                time.sleep(0.005)
                client.decr(f"{prefix}:holding")
            finally:
                slots.release("shared", lease)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def _hold_forever(url: str, prefix: str, hold_seconds: float, ready) -> None:
    slots = RedisSlots(redis.Redis.from_url(url), prefix=prefix)
    assert slots.try_acquire("shared", limit=1, hold_seconds=hold_seconds)[0] is not None
    ready.set()
    time.sleep(60)  # until killed


def test_worker_processes_never_hold_more_slots_than_the_limit_together(redis_slots):
    fork = multiprocessing.get_context("fork")
    processes = [
        fork.Process(target=_hammer, args=(REDIS_URL, redis_slots.prefix, 4, 4, 6)) for _ in range(4)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [process.exitcode for process in processes] == [0, 0, 0, 0]
    seen = [int(value) for value in redis_slots.client.lrange(f"{redis_slots.prefix}:seen", 0, -1)]
    assert len(seen) == 4 * 4 * 6
    assert max(seen) == 4  # reached, never passed
    assert redis_slots.in_flight("shared") == 0


def test_the_slot_of_a_killed_holder_comes_back_when_its_lease_expires(redis_slots):
    fork = multiprocessing.get_context("fork")
    ready = fork.Event()
    holder = fork.Process(target=_hold_forever, args=(REDIS_URL, redis_slots.prefix, 1.0, ready))
    holder.start()
    assert ready.wait(10)
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(5)
    killed = time.monotonic()

    assert redis_slots.try_acquire("shared", limit=1, hold_seconds=5)[0] is None  # still leased
    assert redis_slots.in_flight("shared") == 1
    while redis_slots.try_acquire("shared", limit=1, hold_seconds=5)[0] is None:
        assert time.monotonic() - killed < 5, "the dead holder's slot never came back"
        time.sleep(0.05)
    assert time.monotonic() - killed < 1.5


def test_a_redis_slot_is_given_back_on_release_and_counted_while_held(redis_slots):
    lease = _acquire(redis_slots, "shared", 2, hold_seconds=5, wait=0)
    assert redis_slots.in_flight("shared") == 1
    redis_slots.release("shared", lease)
    assert redis_slots.in_flight("shared") == 0


def test_a_redis_lease_lasts_the_call_timeout_plus_a_margin(redis_slots):
    _acquire(redis_slots, "shared", 1, hold_seconds=5, wait=0)
    key = f"{redis_slots.prefix}:shared:leases"
    [(_lease, expires_ms)] = redis_slots.client.zrange(key, 0, -1, withscores=True)
    seconds, micros = redis_slots.client.time()
    left = expires_ms / 1000 - (seconds + micros / 1e6)
    assert 5 + LEASE_MARGIN_SECONDS - 1 < left <= 5 + LEASE_MARGIN_SECONDS
    assert redis_slots.client.pttl(key) > 0  # the set goes away on its own if nobody comes back


# --- through the router -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_router_never_has_more_calls_at_a_provider_than_its_limit(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["counted"]
    settings.AI_CONCURRENCY_LIMITS = {"counted": 2}
    gauge = Gauge()

    def draw():
        with gauge:
            time.sleep(0.03)
        return OfflineImageProvider().generate_image(PICTURE)

    fakes("image", Scripted("counted", draw))
    assert _run_threads(8, lambda: image_generate(request=PICTURE)) == []
    assert gauge.peak == 2
    assert AICall.objects.filter(provider="counted", outcome=AICall.Outcome.OK).count() == 8


@pytest.mark.django_db
def test_a_provider_at_its_limit_is_not_called_and_the_next_one_draws(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["full", "spare"]
    settings.AI_CONCURRENCY_LIMITS = {"full": 1}
    settings.AI_CONCURRENCY_WAIT_SECONDS = 0
    full = fakes("image", Scripted("full", OfflineImageProvider().generate_image(PICTURE)))
    fakes("image", Scripted("spare", OfflineImageProvider().generate_image(PICTURE)))
    with provider_slot(provider="full", hold_seconds=5):
        assert image_generate(request=PICTURE).provider == "spare"
    assert full.calls == 0
    assert not AICall.objects.filter(provider="full").exists()  # nothing was sent, nothing to record


@pytest.mark.django_db
def test_when_every_provider_is_full_the_caller_gets_a_transient_error_with_a_retry_after(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["full"]
    settings.AI_CONCURRENCY_LIMITS = {"full": 1}
    settings.AI_CONCURRENCY_WAIT_SECONDS = 0.1
    fakes("image", Scripted("full", OfflineImageProvider().generate_image(PICTURE)))
    with provider_slot(provider="full", hold_seconds=5), pytest.raises(AllProvidersFailed) as failed:
        image_generate(request=PICTURE)
    assert failed.value.transient is True
    assert 0 < failed.value.retry_after <= 1
    assert [f["code"] for f in failed.value.details["failures"]] == ["provider_busy"]


def test_a_redis_cool_down_leaves_no_capacity_until_it_ends_and_is_only_ever_lengthened(redis_slots):
    redis_slots.cool_down("shared", 0.3)
    redis_slots.cool_down("shared", 0.1)  # a shorter pause does not cut the longer one
    lease, cooling = redis_slots.try_acquire("shared", limit=5, hold_seconds=5)
    assert lease is None and 0.2 < cooling <= 0.3
    assert 0.2 < redis_slots.cooldown_remaining("shared") <= 0.3
    time.sleep(0.35)
    assert redis_slots.try_acquire("shared", limit=5, hold_seconds=5)[0] is not None


@pytest.mark.django_db
def test_with_redis_configured_the_slots_are_shared_through_redis(settings, redis_slots):
    from ai.capacity import RedisSlots as Shared
    from ai.capacity import provider_slots

    settings.REDIS_URL = REDIS_URL
    settings.AI_CONCURRENCY_LIMITS = {"shared-test": 1}
    slots = provider_slots()
    assert isinstance(slots, Shared)
    try:
        with provider_slot(provider="shared-test", hold_seconds=5, wait_seconds=0):
            # Another process sees the slot taken: it reads the same Redis.
            assert redis_slots.client.zcard(f"{slots.prefix}:shared-test:leases") == 1
            with (
                pytest.raises(ProviderBusy),
                provider_slot(provider="shared-test", hold_seconds=5, wait_seconds=0),
            ):
                pass
        assert provider_calls_in_flight(provider="shared-test") == 0
    finally:
        redis_slots.client.delete(f"{slots.prefix}:shared-test:leases")
