"""The offline provider's simulated quota: past it, a 429 like a real API's, recorded as rate_limited."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.urls import reverse
from django.utils import timezone

from ai.errors import AllProvidersFailed, RateLimited
from ai.models import AICall
from ai.providers.offline import OfflineImageProvider
from ai.providers.offline import quota as offline_quota_module
from ai.providers.offline.quota import offline_calls_in_flight, offline_quota
from ai.schemas import ImageRequest
from ai.services import image_generate

REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('INTEGRATION_REDIS_DB', '15')}"
PICTURE = ImageRequest(prompt="a cat under a tree", style="cartoon", seed="quota", width=480, height=600)


@pytest.fixture(autouse=True)
def _offline(router_settings):
    router_settings.AI_IMAGE_PROVIDERS = ["offline"]
    router_settings.AI_CONCURRENCY_LIMITS = {}


def _together(count: int, call) -> list[object]:
    """Run ``call`` in ``count`` threads started at once; each result or the exception it raised."""
    start = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test looks at it
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_past_its_quota_the_offline_provider_answers_like_a_rate_limited_api(settings):
    settings.AI_OFFLINE_MAX_CONCURRENT = 2
    settings.AI_OFFLINE_IMAGE_DELAY = 0.5
    results = _together(3, lambda: OfflineImageProvider().generate_image(PICTURE))

    refused = [result for result in results if isinstance(result, RateLimited)]
    assert len(refused) == 1
    assert sum(isinstance(result, bytes) for result in results) == 2
    assert (refused[0].code, refused[0].transient, refused[0].retry_after) == ("rate_limited", True, 1.0)
    assert offline_calls_in_flight() == 0  # every call gave its count back, the refused one too


def test_with_the_quota_off_no_call_is_refused(settings):
    settings.AI_OFFLINE_MAX_CONCURRENT = 0
    settings.AI_OFFLINE_IMAGE_DELAY = 0.2
    results = _together(4, lambda: OfflineImageProvider().generate_image(PICTURE))
    assert all(isinstance(result, bytes) for result in results)


def test_a_count_left_by_a_killed_call_expires_once_calls_stop(settings, monkeypatch):
    settings.AI_OFFLINE_MAX_CONCURRENT = 1
    monkeypatch.setattr(offline_quota_module, "EXPIRY_MARGIN_SECONDS", 0.3)
    offline_quota_module._enter()  # a process that died before giving its count back
    with pytest.raises(RateLimited), offline_quota("image"):
        pass
    time.sleep(0.4)
    with offline_quota("image"):
        assert offline_calls_in_flight() == 1


@pytest.mark.django_db(transaction=True)
def test_a_call_past_the_offline_quota_is_recorded_as_rate_limited_and_handed_back(settings):
    settings.AI_OFFLINE_MAX_CONCURRENT = 1
    settings.AI_OFFLINE_IMAGE_DELAY = 0.6
    settings.AI_CONCURRENCY_WAIT_SECONDS = 0  # no waiting out the pause in the worker
    first = threading.Thread(target=image_generate, kwargs={"request": PICTURE})
    first.start()
    while offline_calls_in_flight() < 1:
        time.sleep(0.01)

    with pytest.raises(AllProvidersFailed) as failed:
        image_generate(request=PICTURE)
    first.join(10)

    assert failed.value.transient is True
    assert 0.5 < failed.value.retry_after <= 1.0
    outcomes = sorted(AICall.objects.filter(provider="offline").values_list("outcome", flat=True))
    assert outcomes == [AICall.Outcome.OK, AICall.Outcome.RATE_LIMITED]


@pytest.mark.django_db(transaction=True)
def test_with_the_limiter_at_the_quota_the_offline_provider_never_answers_429(settings):
    settings.AI_OFFLINE_MAX_CONCURRENT = 2
    settings.AI_CONCURRENCY_LIMITS = {"offline": 2}
    settings.AI_OFFLINE_IMAGE_DELAY = 0.1
    results = _together(8, lambda: image_generate(request=PICTURE))
    assert [type(result).__name__ for result in results] == ["GeneratedImage"] * 8
    assert not AICall.objects.filter(outcome=AICall.Outcome.RATE_LIMITED).exists()


@pytest.mark.django_db
def test_the_admins_call_figures_count_the_rate_limited_calls(admin_client):
    for outcome in ["ok", "rate_limited", "rate_limited", "timeout"]:
        AICall.objects.create(provider="offline", capability="image", outcome=outcome, latency_ms=10)
    AICall.objects.create(
        provider="offline",
        capability="image",
        outcome="rate_limited",
        created_at=timezone.now() - timedelta(days=2),
    )
    page = admin_client.get(reverse("admin:ai_aicall_changelist")).content.decode()
    assert "<th>Rate limited</th>" in page
    assert "<td>offline</td><td>image</td><td>4</td><td>75.0%</td><td>2</td>" in page


@pytest.mark.django_db(transaction=True)
def test_a_call_past_the_offline_quota_waits_out_a_short_pause_and_is_drawn(settings):
    settings.AI_OFFLINE_MAX_CONCURRENT = 1
    settings.AI_OFFLINE_IMAGE_DELAY = 0.6
    settings.AI_CONCURRENCY_WAIT_SECONDS = 5
    first = threading.Thread(target=image_generate, kwargs={"request": PICTURE})
    first.start()
    while offline_calls_in_flight() < 1:
        time.sleep(0.01)

    assert image_generate(request=PICTURE).provider == "offline"
    first.join(10)

    outcomes = list(
        AICall.objects.filter(provider="offline").order_by("id").values_list("outcome", flat=True)
    )
    assert sorted(outcomes) == sorted([AICall.Outcome.OK, AICall.Outcome.RATE_LIMITED, AICall.Outcome.OK])


def _draw_into(results) -> None:
    try:
        OfflineImageProvider().generate_image(PICTURE)
        results.put("drawn")
    except RateLimited:
        results.put("rate_limited")


def test_the_quota_counts_the_calls_of_every_process_in_the_shared_cache(settings):
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but Redis is not reachable at {REDIS_URL}: {error}", pytrace=False)
        pytest.skip(f"Redis not reachable at {REDIS_URL} (set CI=true to require it)")
    prefix = f"test-quota-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.AI_OFFLINE_MAX_CONCURRENT = 2
    settings.AI_OFFLINE_IMAGE_DELAY = 1.0
    fork = multiprocessing.get_context("fork")
    results = fork.Queue()
    processes = [fork.Process(target=_draw_into, args=(results,)) for _ in range(3)]
    try:
        for process in processes:
            process.start()
        for process in processes:
            process.join(30)
        outcomes = sorted(results.get(timeout=5) for _ in processes)
        assert outcomes == ["drawn", "drawn", "rate_limited"]
    finally:
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
