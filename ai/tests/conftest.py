"""Fixtures for the AI tests: fake providers, quick router settings, and stub provider servers.

``fakes("text" | "image", provider)`` puts a fake (``ai.tests.helpers.Scripted``, or any object
with ``name``, ``model`` and ``generate_story``/``generate_image``) in the provider registry under
its name, for one test. ``router_settings`` takes the waiting and the chance out of the router.

The stub fixtures are for tests that go through the real Gemini and OpenRouter SDKs.
Each starts a local HTTP server speaking the provider's wire format and stops it
after the test. What a test can do with it (see ``ai.tests.stubs`` for the scenarios):

    def test_something(gemini_stub):
        gemini_stub.scenarios.append("rate_limited")        # the next request gets a 429
        provider = get_text_provider("gemini", gemini_stub.provider_config("text"))
        ...
        assert gemini_stub.last_request.body["generationConfig"]["responseMimeType"] == "application/json"

- ``stub.url``: the base URL to give an adapter (``ProviderConfig.base_url``, or the
  ``GEMINI_BASE_URL`` / ``OPENROUTER_BASE_URL`` setting for code that builds its own config).
- ``stub.provider_config(capability, api_key=..., timeout=..., model=...)``: a ready config.
- ``stub.scenarios``: a deque; each request takes the next entry, ``"ok"`` when empty.
  Entries are scenario names or ``StubReply`` objects (``stub.text_answer(...)``,
  ``stub.image_answer(...)``, ``stub.error(status, message)`` build provider-shaped ones).
- ``stub.requests`` / ``stub.last_request``: what arrived (path, lower-cased headers, JSON body).
- ``stub.num_pages``: force the story length (default: the number asked for in the prompt).
- ``stub.slow_seconds``: how late ``"slow"`` answers (default 2 s; keep client timeouts below it).
- ``stub.api_key``: when set, requests with another key are refused like the real API does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from ai.capacity import provider_slots
from ai.providers import register_image_provider, register_text_provider, unregister_provider
from ai.tests.stubs.gemini import GeminiStub
from ai.tests.stubs.openrouter import OpenRouterStub

# Failures inside the helpers then show the values compared, as in a test module.
pytest.register_assert_rewrite("ai.tests.helpers")


@pytest.fixture
def fakes() -> Iterator[Callable[[str, Any], Any]]:
    names = []

    def add(capability: str, provider: Any) -> Any:
        register = register_text_provider if capability == "text" else register_image_provider
        register(provider.name, lambda config: provider)
        names.append(provider.name)
        return provider

    yield add
    for name in names:
        unregister_provider(name)


@pytest.fixture
def router_settings(settings):
    """No wait between retries, no random offline failures, 3 attempts, every circuit closed, no cool-down."""
    settings.AI_RETRY_BACKOFF_SECONDS = 0
    settings.AI_OFFLINE_FAILURE_RATE = 0
    settings.AI_ATTEMPTS_PER_PROVIDER = 3
    # Circuit state and the offline quota's counter live in the cache, leases and cool-downs in the limiter.
    cache.clear()
    provider_slots().clear()
    yield settings
    cache.clear()
    provider_slots().clear()


@pytest.fixture
def gemini_stub() -> Iterator[GeminiStub]:
    with GeminiStub() as stub:
        yield stub


@pytest.fixture
def openrouter_stub() -> Iterator[OpenRouterStub]:
    with OpenRouterStub() as stub:
        yield stub
