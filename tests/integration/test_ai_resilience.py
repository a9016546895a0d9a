"""The AI layer's resilience on the real stack: a Celery worker process talks to a local Gemini stub
through the real SDK, falls back to the offline provider, and shares its circuit breakers with
every other process through Redis.

Run with ``-s`` to see how long each book takes.
"""

from __future__ import annotations

import time

import psycopg
import pytest

from ai.circuit import circuit_record_failure, circuit_reset, circuit_state
from ai.tests.stubs import RecordedRequest
from ai.tests.stubs.gemini import GeminiStub
from tests.integration.conftest import DATABASE_URL, REDIS_URL, Stack, book_post

pytestmark = [pytest.mark.integration]

PAGES = 5
GENERATION_TIMEOUT = 60
FAILURE_THRESHOLD = 5
ATTEMPTS_PER_PROVIDER = 3
# Long enough that a circuit opened during a test is still open when the test looks at it.
COOLDOWN_SECONDS = 600
STUB_KEY = "stub-key"
CAPABILITIES = ("text", "image")


def _worker_env(stub: GeminiStub) -> dict[str, str]:
    return {
        "AI_TEXT_PROVIDERS": "gemini,offline",
        "AI_IMAGE_PROVIDERS": "gemini,offline",
        "GEMINI_API_KEY": STUB_KEY,
        "GEMINI_BASE_URL": stub.url,
        "AI_TIMEOUT_SECONDS": "10",
        "AI_ATTEMPTS_PER_PROVIDER": str(ATTEMPTS_PER_PROVIDER),
        "AI_RETRY_BACKOFF_SECONDS": "0",
        "AI_CIRCUIT_FAILURE_THRESHOLD": str(FAILURE_THRESHOLD),
        "AI_CIRCUIT_COOLDOWN_SECONDS": str(COOLDOWN_SECONDS),
        "PAGE_IMAGE_WIDTH": "600",
        "PAGE_IMAGE_HEIGHT": "750",
    }


@pytest.fixture(scope="module")
def gemini(stack: Stack):
    """A Gemini stub in this process, and the stack's worker pointed at it, Gemini first, offline next."""
    with GeminiStub() as stub, stack.worker_env(**_worker_env(stub)):
        yield stub


@pytest.fixture
def shared_cache(settings):
    """This process reads and writes the circuits in the stack's Redis, with the worker's settings."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    settings.AI_CIRCUIT_FAILURE_THRESHOLD = FAILURE_THRESHOLD
    settings.AI_CIRCUIT_COOLDOWN_SECONDS = COOLDOWN_SECONDS
    _circuits_reset()
    yield
    _circuits_reset()


@pytest.fixture
def fresh_gemini(gemini: GeminiStub, shared_cache) -> GeminiStub:
    gemini.scenarios.clear()
    gemini.requests.clear()
    return gemini


def _circuits_reset() -> None:
    for provider in ("gemini", "offline"):
        for capability in CAPABILITIES:
            circuit_reset(provider, capability)


def _query(sql: str, *params) -> list[tuple]:
    with psycopg.connect(DATABASE_URL, connect_timeout=3) as conn:
        return conn.execute(sql, params).fetchall()


def _make_book(stack: Stack, parent) -> str:
    """A 5-page book posted through the site, once the worker has generated it."""
    started = time.monotonic()
    book_id = book_post(parent, stack, num_pages=str(PAGES), theme="um dinossauro que empina pipa")
    deadline = started + GENERATION_TIMEOUT
    while time.monotonic() < deadline:
        [(status, error)] = _query("SELECT status, error_message FROM books_book WHERE id = %s", book_id)
        if status in ("generated", "failed"):
            assert status == "generated", f"the book failed: {error}"
            print(f"\n{PAGES}-page book through the worker: {time.monotonic() - started:.1f}s")
            return book_id
        time.sleep(0.2)
    pytest.fail(f"book {book_id} was not finished within {GENERATION_TIMEOUT} s")


def _page_providers(book_id: str) -> set[str]:
    return {row[0] for row in _query("SELECT provider FROM books_page WHERE book_id = %s", book_id)}


def _calls(book_id: str, **where: str) -> list[tuple]:
    """The book's AI calls as (provider, capability, outcome, error_class, tokens_in, tokens_out)."""
    filters = "".join(f" AND {column} = %s" for column in where)
    return _query(
        "SELECT provider, capability, outcome, error_class, tokens_in, tokens_out FROM ai_aicall"
        f" WHERE book_id = %s{filters} ORDER BY id",
        book_id,
        *where.values(),
    )


def _asks_for_a_picture(request: RecordedRequest) -> bool:
    return "IMAGE" in (request.body.get("generationConfig") or {}).get("responseModalities", [])


def _circuit_allows_in_another_process(stack: Stack, provider: str, capability: str) -> bool:
    answer = stack.manage(
        "shell",
        "--verbosity=0",
        "-c",
        f"from ai.circuit import circuit_allows; print(circuit_allows({provider!r}, {capability!r}))",
    )
    return {"True": True, "False": False}[answer.strip()]


def test_the_worker_writes_and_draws_a_book_through_gemini(stack, parent, fresh_gemini):
    book_id = _make_book(stack, parent)

    assert _page_providers(book_id) == {"gemini"}
    [(title,)] = _query("SELECT title FROM books_book WHERE id = %s", book_id)
    assert title == "Dino and the Lost Kite"  # the stub's story
    assert len(fresh_gemini.requests) == 1 + PAGES + 1  # the story, every page, the cover
    assert {request.headers.get("x-goog-api-key") for request in fresh_gemini.requests} == {STUB_KEY}
    calls = _calls(book_id)
    assert [call[:3] for call in calls if call[1] == "text"] == [("gemini", "text", "ok")]
    assert [call[:3] for call in calls if call[1] == "image"] == [("gemini", "image", "ok")] * (PAGES + 1)
    assert all(tokens_in > 0 and tokens_out > 0 for *_, tokens_in, tokens_out in calls), calls
    assert {circuit_state("gemini", capability).state for capability in CAPABILITIES} == {"closed"}


def test_when_gemini_answers_500_the_worker_finishes_the_book_offline_and_opens_the_circuit_for_all(
    stack, parent, fresh_gemini
):
    fresh_gemini.scenarios.extend(["server_error"] * 100)

    book_id = _make_book(stack, parent)

    assert _page_providers(book_id) == {"offline"}
    assert _calls(book_id, capability="text", outcome="ok")[0][0] == "offline"
    failed = _calls(book_id, provider="gemini")
    assert {(outcome, error_class) for _, _, outcome, error_class, *_ in failed} == {
        ("error", "server_error")
    }
    # Read here, in the test process: the circuit the worker opened lives in the shared Redis.
    image = circuit_state("gemini", "image")
    assert image.state == "open"
    assert image.retry_at > time.time() + COOLDOWN_SECONDS / 2
    pictures_asked = sum(_asks_for_a_picture(request) for request in fresh_gemini.requests)
    print(f"Gemini was asked for {pictures_asked} pictures before its circuit opened")
    assert FAILURE_THRESHOLD <= pictures_asked < ATTEMPTS_PER_PROVIDER * (PAGES + 1), (
        "the open circuit should spare Gemini the remaining pictures"
    )


def test_a_circuit_opened_here_keeps_the_worker_away_from_geminis_illustrator(stack, parent, fresh_gemini):
    for _ in range(FAILURE_THRESHOLD):
        circuit_record_failure("gemini", "image")

    book_id = _make_book(stack, parent)

    assert _page_providers(book_id) == {"offline"}
    assert not any(_asks_for_a_picture(request) for request in fresh_gemini.requests)
    assert [call[:3] for call in _calls(book_id, capability="text")] == [("gemini", "text", "ok")]


def test_a_circuit_opened_here_is_open_in_another_process_until_reset(stack, shared_cache):
    for _ in range(FAILURE_THRESHOLD):
        circuit_record_failure("gemini", "image")
    assert circuit_state("gemini", "image").state == "open"

    assert _circuit_allows_in_another_process(stack, "gemini", "image") is False
    assert _circuit_allows_in_another_process(stack, "gemini", "text") is True

    circuit_reset("gemini", "image")

    assert _circuit_allows_in_another_process(stack, "gemini", "image") is True
