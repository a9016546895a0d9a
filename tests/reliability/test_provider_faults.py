"""Faults of the AI providers for a whole book, through the real SDKs against local stubs.

tests/integration/test_ai_resilience.py covers a primary answering 500s and the shared circuit
breaker; this adds the rest: 429s, timeouts and malformed answers mixed over a whole book (the
fallback finishes it), and every provider down (the book fails cleanly, its request is given
back, and "Try again" works once the providers are back).
"""

from __future__ import annotations

import itertools

import pytest

from ai.tests.stubs.gemini import GeminiStub
from ai.tests.stubs.openrouter import OpenRouterStub
from tests.integration.conftest import book_post
from tests.reliability.conftest import book_status, page_rows, query, wait_finished

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

PAGES = 5
# The story (the first request) gets malformed JSON; the pictures every other fault in turn.
FAULTS = ["malformed_json", "rate_limited", "server_error", "slow", "no_image"]


@pytest.fixture(scope="module")
def providers(fault_stack):
    """Gemini first, OpenRouter as the fallback, both local stubs; one worker for the module."""
    with GeminiStub() as gemini, OpenRouterStub() as openrouter:
        gemini.slow_seconds = 3  # over the 1 s timeout
        env = {
            "AI_TEXT_PROVIDERS": "gemini,openrouter",
            "AI_IMAGE_PROVIDERS": "gemini,openrouter",
            "GEMINI_API_KEY": "stub-key",
            "GEMINI_BASE_URL": gemini.url,
            "OPENROUTER_API_KEY": "stub-key",
            "OPENROUTER_BASE_URL": openrouter.url,
            "AI_TIMEOUT_SECONDS": "1",
            "AI_ATTEMPTS_PER_PROVIDER": "1",
            "AI_RETRY_BACKOFF_SECONDS": "0",
            "AI_RETRY_BACKOFF_MAX_SECONDS": "0.2",
            # Every request of the book meets the faults: no circuit opens to spare the primary.
            "AI_CIRCUIT_FAILURE_THRESHOLD": "100000",
        }
        fault_stack.ensure_healthy()
        with fault_stack.worker_env(**env):
            yield gemini, openrouter


@pytest.fixture
def stubs(providers, stack):
    for stub in providers:
        stub.scenarios.clear()
    yield providers
    for stub in providers:
        stub.scenarios.clear()


def _calls(book_id: str) -> list[tuple[str, str, str, str]]:
    return query(
        "SELECT provider, capability, outcome, error_class FROM ai_aicall WHERE book_id = %s ORDER BY id",
        book_id,
    )


def test_a_primary_failing_every_way_for_a_whole_book_is_covered_by_the_fallback(stack, stubs):
    gemini, _openrouter = stubs
    parent = stack.parent("provider-faults@fabrica.local")
    gemini.scenarios.extend(itertools.islice(itertools.cycle(FAULTS), 400))

    book_id = book_post(parent, stack, num_pages=str(PAGES), theme="um dragão que tem medo do escuro")

    assert wait_finished(book_id) == "generated", book_status(book_id)
    pages = page_rows(book_id)
    assert sorted(pages) == list(range(1, PAGES + 1))
    assert {page["provider"] for page in pages.values()} == {"openrouter"}
    calls = _calls(book_id)
    primary = [call for call in calls if call[0] == "gemini"]
    assert primary and all(outcome != "ok" for _, _, outcome, _ in primary), primary
    kinds = {(outcome, error_class) for _, _, outcome, error_class in primary}
    print(f"\nthe primary's failures, by kind: {sorted(kinds)}")
    assert any(outcome == "timeout" for outcome, _ in kinds), kinds
    assert any(outcome == "rate_limited" for outcome, _ in kinds), kinds
    assert len(kinds) >= 4, kinds
    assert [outcome for _, capability, outcome, _ in primary if capability == "text"] != ["ok"]
    assert {(provider, capability) for provider, capability, outcome, _ in calls if outcome == "ok"} == {
        ("openrouter", "text"),
        ("openrouter", "image"),
    }


def test_with_every_provider_down_the_book_fails_cleanly_and_a_retry_works_later(stack, stubs):
    parent = stack.parent("providers-down@fabrica.local")
    for stub in stubs:
        stub.scenarios.extend(["server_error"] * 1000)

    book_id = book_post(parent, stack, num_pages=str(PAGES), theme="uma girafa astronauta")

    assert wait_finished(book_id) == "failed"
    _status, error = book_status(book_id)
    assert error and "Traceback" not in error and "Error" not in error.split(":")[0]
    [(refunded,)] = query(
        "SELECT quota_refunded FROM books_generationjob WHERE book_id = %s AND kind = 'book'", book_id
    )
    assert refunded is True
    page = parent.get(f"{stack.base_url}/books/{book_id}/", timeout=10)
    assert page.status_code == 200 and "retry" in page.text

    for stub in stubs:  # the providers come back
        stub.scenarios.clear()
    detail_url = f"{stack.base_url}/books/{book_id}/"
    retried = parent.post(
        f"{detail_url}retry/",
        data={"csrfmiddlewaretoken": parent.cookies["csrftoken"]},
        headers={"Referer": detail_url},
        allow_redirects=False,
        timeout=10,
    )
    assert retried.status_code == 302
    assert wait_finished(book_id) == "generated", book_status(book_id)
    pages = page_rows(book_id)
    assert sorted(pages) == list(range(1, PAGES + 1))
    assert {page["provider"] for page in pages.values()} == {"gemini"}
