"""A 429 pauses the provider for every worker, and the work is handed back instead of waiting in one."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

from ai.capacity import provider_cooldown_remaining, provider_cooldown_start
from ai.circuit import circuit_state
from ai.errors import AllProvidersFailed, ProviderError
from ai.models import AICall, ProviderSetting
from ai.providers.offline import OfflineImageProvider
from ai.schemas import ImageRequest
from ai.services import image_generate
from ai.tests.helpers import Scripted

PICTURE = ImageRequest(prompt="a cat under a tree", style="cartoon", seed="cooldown", width=480, height=600)


@pytest.fixture(autouse=True)
def _quick(router_settings):
    router_settings.AI_CONCURRENCY_WAIT_SECONDS = 5


def too_many_requests(retry_after: float | None = None):
    details = {"status": 429} if retry_after is None else {"status": 429, "retry_after": retry_after}
    return lambda: ProviderError("slow down", code="rate_limited", transient=True, details=details)


def _picture() -> bytes:
    return OfflineImageProvider().generate_image(PICTURE)


@pytest.mark.django_db
def test_a_429_is_not_retried_in_the_worker_but_handed_back_with_its_retry_after(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["limited"]
    limited = fakes("image", Scripted("limited", too_many_requests(retry_after=30), _picture()))
    started = time.monotonic()
    with pytest.raises(AllProvidersFailed) as failed:
        image_generate(request=PICTURE)
    assert time.monotonic() - started < 2
    assert limited.calls == 1  # though 3 attempts are allowed
    assert failed.value.transient is True
    assert 29 < failed.value.retry_after <= 30
    assert AICall.objects.get(provider="limited").outcome == AICall.Outcome.RATE_LIMITED


@pytest.mark.django_db
def test_after_a_429_no_new_call_starts_to_that_provider_until_its_retry_after(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["limited"]
    limited = fakes("image", Scripted("limited", too_many_requests(retry_after=30), _picture()))
    with pytest.raises(AllProvidersFailed):
        image_generate(request=PICTURE)
    assert 29 < provider_cooldown_remaining(provider="limited") <= 30

    with pytest.raises(AllProvidersFailed) as again:
        image_generate(request=PICTURE)
    assert limited.calls == 1  # the second picture never reached the provider
    assert [failure["code"] for failure in again.value.details["failures"]] == ["provider_busy"]
    assert 29 < again.value.retry_after <= 30
    assert AICall.objects.count() == 1


@pytest.mark.django_db
def test_a_429_without_retry_after_pauses_the_provider_for_the_configured_time(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["limited"]
    settings.AI_RATE_LIMIT_COOLDOWN_SECONDS = 7
    fakes("image", Scripted("limited", too_many_requests()))
    with pytest.raises(AllProvidersFailed) as failed:
        image_generate(request=PICTURE)
    assert 6 < failed.value.retry_after <= 7
    assert 6 < provider_cooldown_remaining(provider="limited") <= 7


@pytest.mark.django_db
def test_a_429_hands_the_picture_to_the_next_provider_at_once(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["limited", "offline"]
    fakes("image", Scripted("limited", too_many_requests(retry_after=30)))
    started = time.monotonic()
    assert image_generate(request=PICTURE).provider == "offline"
    assert time.monotonic() - started < 5


@pytest.mark.django_db
def test_a_short_429_pause_is_waited_out_by_the_next_slot_and_the_same_provider_draws(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["limited", "offline"]
    limited = fakes("image", Scripted("limited", too_many_requests(retry_after=0.3), _picture()))
    started = time.monotonic()
    assert image_generate(request=PICTURE).provider == "limited"
    assert time.monotonic() - started >= 0.25
    assert limited.calls == 2
    outcomes = list(AICall.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes == [AICall.Outcome.RATE_LIMITED, AICall.Outcome.OK]


@pytest.mark.django_db
def test_with_no_wait_allowed_even_a_short_429_pause_is_handed_back(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["limited"]
    settings.AI_CONCURRENCY_WAIT_SECONDS = 0
    limited = fakes("image", Scripted("limited", too_many_requests(retry_after=0.3), _picture()))
    with pytest.raises(AllProvidersFailed) as failed:
        image_generate(request=PICTURE)
    assert limited.calls == 1
    assert 0 < failed.value.retry_after <= 0.3


@pytest.mark.django_db
def test_429s_do_not_open_the_circuit(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["limited"]
    settings.AI_CIRCUIT_FAILURE_THRESHOLD = 1
    fakes("image", Scripted("limited", too_many_requests(retry_after=0.01)))
    for _ in range(3):
        with pytest.raises(AllProvidersFailed):
            image_generate(request=PICTURE)
        time.sleep(0.02)
    assert circuit_state("limited", "image").state == "closed"


@pytest.mark.django_db
def test_geminis_429_through_its_sdk_pauses_gemini_for_its_retry_after(router_settings, gemini_stub):
    router_settings.GEMINI_API_KEY = "stub-key"
    router_settings.GEMINI_BASE_URL = gemini_stub.url
    router_settings.AI_IMAGE_PROVIDERS = ["gemini"]
    gemini_stub.scenarios.append(gemini_stub.rate_limited(seconds=20))
    with pytest.raises(AllProvidersFailed) as failed:
        image_generate(request=PICTURE)
    assert 19 < failed.value.retry_after <= 20
    assert len(gemini_stub.requests) == 1
    assert 19 < provider_cooldown_remaining(provider="gemini") <= 20
    assert AICall.objects.get().outcome == AICall.Outcome.RATE_LIMITED


@pytest.mark.django_db
def test_the_admin_shows_a_provider_paused_after_a_429(admin_client):
    ProviderSetting.objects.create(provider="gemini", capability="image")
    provider_cooldown_start(provider="gemini", seconds=40)
    listing = admin_client.get(reverse("admin:ai_providersetting_changelist"))
    [seconds] = re.findall(r"paused for (\d+) s after a 429", listing.content.decode())
    assert 30 <= int(seconds) <= 40


@pytest.mark.django_db
def test_a_429_asking_for_an_hour_pauses_the_provider_ten_minutes_at_most(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["limited"]
    fakes("image", Scripted("limited", too_many_requests(retry_after=3600)))
    with pytest.raises(AllProvidersFailed) as failed:
        image_generate(request=PICTURE)
    assert 599 < failed.value.retry_after <= 600
    assert 599 < provider_cooldown_remaining(provider="limited") <= 600
