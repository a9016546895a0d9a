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
FAULTS = ["rate_limited", "server_error", "slow", "malformed_json", "no_image"]


def _env(gemini: GeminiStub, openrouter: OpenRouterStub | None, providers: str) -> dict[str, str]:
    env = {
        "AI_TEXT_PROVIDERS": providers,
        "AI_IMAGE_PROVIDERS": providers,
        "GEMINI_API_KEY": "stub-key",
        "GEMINI_BASE_URL": gemini.url,
        "AI_TIMEOUT_SECONDS": "1",
        "AI_ATTEMPTS_PER_PROVIDER": "2",
        "AI_RETRY_BACKOFF_SECONDS": "0",
        "AI_RETRY_BACKOFF_MAX_SECONDS": "0.2",
        # Every request of the book meets the faults: no circuit opens to spare the primary.
        "AI_CIRCUIT_FAILURE_THRESHOLD": "100000",
        "AI_OFFLINE_IMAGE_DELAY": "0",
        "AI_OFFLINE_TEXT_DELAY": "0",
    }
    if openrouter is not None:
        env |= {"OPENROUTER_API_KEY": "stub-key", "OPENROUTER_BASE_URL": openrouter.url}
    return env


def _calls(book_id: str) -> list[tuple[str, str, str, str]]:
    return query(
        "SELECT provider, capability, outcome, error_class FROM ai_aicall WHERE book_id = %s ORDER BY id",
        book_id,
    )


def test_a_primary_failing_every_way_for_a_whole_book_is_covered_by_the_fallback(stack):
    parent = stack.parent("provider-faults@fabrica.local")
    with GeminiStub() as gemini:
        gemini.slow_seconds = 3  # over the 1 s timeout
        gemini.scenarios.extend(itertools.islice(itertools.cycle(FAULTS), 400))
        with stack.worker_env(**_env(gemini, None, "gemini,offline")):
            book_id = book_post(parent, stack, num_pages=str(PAGES), theme="um dragão que tem medo do escuro")
            status = wait_finished(book_id)

    assert status == "generated", book_status(book_id)
    pages = page_rows(book_id)
    assert sorted(pages) == list(range(1, PAGES + 1))
    assert {page["provider"] for page in pages.values()} == {"offline"}
    calls = _calls(book_id)
    primary = [call for call in calls if call[0] == "gemini"]
    assert primary and all(outcome != "ok" for _, _, outcome, _ in primary), primary
    kinds = {(outcome, error_class) for _, _, outcome, error_class in primary}
    print(f"\nthe primary's failures, by kind: {sorted(kinds)}")
    assert any(outcome == "timeout" for outcome, _ in kinds), kinds
    assert len(kinds) >= 3, kinds
    assert {(provider, capability) for provider, capability, outcome, _ in calls if outcome == "ok"} == {
        ("offline", "text"),
        ("offline", "image"),
    }


def test_with_every_provider_down_the_book_fails_cleanly_and_a_retry_works_later(stack):
    parent = stack.parent("providers-down@fabrica.local")
    with GeminiStub() as gemini, OpenRouterStub() as openrouter:
        for stub in (gemini, openrouter):
            stub.scenarios.extend(["server_error"] * 1000)
        with stack.worker_env(**_env(gemini, openrouter, "gemini,openrouter")):
            book_id = book_post(parent, stack, num_pages=str(PAGES), theme="uma girafa astronauta")
            assert wait_finished(book_id) == "failed"

            status, error = book_status(book_id)
            assert error and "Traceback" not in error and "Error" not in error.split(":")[0]
            [(refunded,)] = query(
                "SELECT quota_refunded FROM books_generationjob WHERE book_id = %s AND kind = 'book'", book_id
            )
            assert refunded is True
            page = parent.get(f"{stack.base_url}/books/{book_id}/", timeout=10)
            assert page.status_code == 200 and "retry" in page.text

            # The providers come back.
            for stub in (gemini, openrouter):
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
