"""The circuit breaker: a failing provider is skipped by everyone for a while, then probed by one caller."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from ai.circuit import (
    circuit_allows,
    circuit_record_failure,
    circuit_record_success,
    circuit_reset,
    circuit_state,
)
from ai.errors import AllProvidersFailed, ProviderError, StoryInvalid
from ai.models import AICall
from ai.providers.offline import OfflineImageProvider, OfflineTextProvider
from ai.schemas import ImageRequest, StoryRequest
from ai.services import image_generate, story_generate

REQUEST = StoryRequest(theme="turtles", num_pages=5, language="en", style="cartoon", seed="circuit")
PICTURE = ImageRequest(prompt="a turtle on a rock", style="cartoon", seed="circuit:1", width=480, height=600)
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Switchable:
    """A fake provider that fails with ``error()`` while ``failing``, else delegates to the offline one."""

    def __init__(self, name: str, error=lambda: ProviderError("down", transient=True)):
        self.name, self.model = name, f"{name}-model"
        self.failing, self.error, self.calls = True, error, 0

    def generate_story(self, request):
        self.calls += 1
        if self.failing:
            raise self.error()
        return OfflineTextProvider().generate_story(request)

    def generate_image(self, request):
        self.calls += 1
        if self.failing:
            raise self.error()
        return OfflineImageProvider().generate_image(request)


@pytest.fixture(autouse=True)
def _circuit_settings(router_settings):
    router_settings.AI_CIRCUIT_FAILURE_THRESHOLD = 3
    router_settings.AI_CIRCUIT_COOLDOWN_SECONDS = 60
    router_settings.AI_TIMEOUT_SECONDS = 30


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _trip(provider="p", capability="image", times=3):
    for _ in range(times):
        circuit_record_failure(provider, capability)


# --- the state machine --------------------------------------------------------------------


def test_a_circuit_starts_closed_and_lets_calls_through():
    assert circuit_allows("p", "image")
    assert circuit_state("p", "image").state == "closed"


def test_it_opens_at_the_failure_threshold_and_not_before(clock):
    _trip(times=2)
    assert circuit_state("p", "image").state == "closed"
    assert circuit_state("p", "image").failures == 2
    assert circuit_allows("p", "image")
    circuit_record_failure("p", "image")
    state = circuit_state("p", "image")
    assert state.state == "open"
    assert state.retry_at == pytest.approx(START.timestamp() + 60)
    assert not circuit_allows("p", "image")


def test_a_success_resets_the_count_of_consecutive_failures():
    _trip(times=2)
    circuit_record_success("p", "image")
    _trip(times=2)
    assert circuit_state("p", "image").state == "closed"


def test_each_provider_and_capability_has_its_own_circuit():
    _trip("p", "image")
    assert not circuit_allows("p", "image")
    assert circuit_allows("p", "text")
    assert circuit_allows("q", "image")


def test_after_the_cool_down_exactly_one_caller_probes(clock):
    _trip()
    clock.shift(59)
    assert not circuit_allows("p", "image")
    clock.shift(2)
    assert circuit_state("p", "image").state == "half-open"
    assert circuit_allows("p", "image") is True
    assert circuit_allows("p", "image") is False
    assert circuit_allows("p", "image") is False


def test_a_probe_that_succeeds_closes_the_circuit(clock):
    _trip()
    clock.shift(61)
    assert circuit_allows("p", "image")
    circuit_record_success("p", "image")
    state = circuit_state("p", "image")
    assert (state.state, state.failures, state.retry_at) == ("closed", 0, None)
    assert circuit_allows("p", "image") and circuit_allows("p", "image")


def test_a_probe_that_fails_opens_the_circuit_for_another_cool_down(clock):
    _trip()
    clock.shift(61)
    assert circuit_allows("p", "image")
    circuit_record_failure("p", "image")  # one failure is enough while half-open
    state = circuit_state("p", "image")
    assert state.state == "open"
    assert state.retry_at == pytest.approx(START.timestamp() + 61 + 60)
    assert not circuit_allows("p", "image")
    clock.shift(61)
    assert circuit_allows("p", "image")  # the next probe


def test_failures_of_calls_already_in_flight_do_not_push_the_cool_down_back(clock):
    _trip()
    clock.shift(30)
    _trip(times=4)  # workers that were mid-call when the circuit opened
    assert circuit_state("p", "image").retry_at == pytest.approx(START.timestamp() + 60)
    clock.shift(31)
    assert circuit_allows("p", "image")


def test_a_probe_that_never_reports_back_lets_another_probe_through_later(clock):
    _trip()
    clock.shift(61)
    assert circuit_allows("p", "image")
    assert not circuit_allows("p", "image")
    clock.shift(61)  # the probe's own time limit (the longer of timeout and cool-down) passed
    assert circuit_allows("p", "image")


def test_closing_by_hand_lets_calls_through_at_once(clock):
    _trip()
    circuit_reset("p", "image")
    assert circuit_allows("p", "image")
    assert circuit_state("p", "image").state == "closed"


# --- through the router ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_router_stops_retrying_once_the_circuit_opens_and_then_skips_the_provider(settings, fakes):
    settings.AI_CIRCUIT_FAILURE_THRESHOLD = 2
    settings.AI_IMAGE_PROVIDERS = ["flaky", "offline"]
    flaky = fakes("image", Switchable("flaky"))

    assert image_generate(request=PICTURE).provider == "offline"
    assert flaky.calls == 2  # the third attempt would go to an open circuit
    assert circuit_state("flaky", "image").state == "open"

    assert image_generate(request=PICTURE).provider == "offline"
    assert flaky.calls == 2  # skipped without being called
    assert AICall.objects.filter(provider="flaky").count() == 2


@pytest.mark.django_db
def test_when_every_circuit_is_open_the_parent_hears_try_again_later(settings, fakes):
    settings.AI_TEXT_PROVIDERS = ["flaky"]
    flaky = fakes("text", Switchable("flaky"))
    _trip("flaky", "text")
    with pytest.raises(AllProvidersFailed) as failure:
        story_generate(request=REQUEST)
    assert failure.value.transient is True
    assert failure.value.details["failures"][0]["code"] == "circuit_open"
    assert flaky.calls == 0


@pytest.mark.django_db
def test_the_probe_call_that_succeeds_puts_the_provider_back_in_service(settings, fakes, clock):
    settings.AI_IMAGE_PROVIDERS = ["flaky", "offline"]
    flaky = fakes("image", Switchable("flaky"))
    image_generate(request=PICTURE)
    assert circuit_state("flaky", "image").state == "open"

    clock.shift(61)
    flaky.failing = False
    assert image_generate(request=PICTURE).provider == "flaky"
    assert circuit_state("flaky", "image").state == "closed"
    assert image_generate(request=PICTURE).provider == "flaky"


@pytest.mark.django_db
def test_the_probe_call_that_fails_is_not_retried_and_reopens_the_circuit(settings, fakes, clock):
    settings.AI_IMAGE_PROVIDERS = ["flaky", "offline"]
    flaky = fakes("image", Switchable("flaky"))
    image_generate(request=PICTURE)
    calls_before = flaky.calls

    clock.shift(61)
    assert image_generate(request=PICTURE).provider == "offline"
    assert flaky.calls == calls_before + 1
    assert circuit_state("flaky", "image").state == "open"


@pytest.mark.django_db
def test_safety_blocks_do_not_open_the_circuit(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["strict"]
    fakes("image", Switchable("strict", error=lambda: ProviderError("no", code="safety_blocked")))
    for _ in range(5):
        with pytest.raises(AllProvidersFailed):
            image_generate(request=PICTURE)
    assert circuit_state("strict", "image").state == "closed"
    assert circuit_state("strict", "image").failures == 0


@pytest.mark.django_db
def test_invalid_stories_do_not_open_the_circuit(settings, fakes):
    settings.AI_TEXT_PROVIDERS = ["sloppy", "offline"]
    fakes("text", Switchable("sloppy", error=lambda: StoryInvalid("The story did not come out right.")))
    for _ in range(3):
        assert story_generate(request=REQUEST).provider == "offline"
    assert circuit_state("sloppy", "text").failures == 0
    assert circuit_allows("sloppy", "text")


@pytest.mark.django_db
def test_a_rejected_key_opens_the_circuit_though_it_is_not_transient(settings, fakes):
    settings.AI_TEXT_PROVIDERS = ["locked", "offline"]
    locked = fakes("text", Switchable("locked", error=lambda: ProviderError("bad key", code="auth_error")))
    for _ in range(4):
        assert story_generate(request=REQUEST).provider == "offline"
    assert circuit_state("locked", "text").state == "open"
    assert locked.calls == 3
