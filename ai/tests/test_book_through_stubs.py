"""Whole books made through the real Gemini SDK against a local stub of its API, offline as the fallback."""

from __future__ import annotations

import pytest

from ai.models import AICall
from books.models import Book, GenerationJob, Page
from books.quotas import quota_usage
from books.services import book_create

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = 5


@pytest.fixture(autouse=True)
def _through_the_stub(router_settings, gemini_stub):
    router_settings.GEMINI_API_KEY = "stub-key"
    router_settings.GEMINI_BASE_URL = gemini_stub.url
    router_settings.AI_TEXT_PROVIDERS = ["gemini", "offline"]
    router_settings.AI_IMAGE_PROVIDERS = ["gemini", "offline"]
    router_settings.AI_TIMEOUT_SECONDS = 5
    router_settings.AI_RETRY_BACKOFF_MAX_SECONDS = 0.05
    router_settings.AI_CIRCUIT_FAILURE_THRESHOLD = 5
    router_settings.PAGE_IMAGE_WIDTH, router_settings.PAGE_IMAGE_HEIGHT = 480, 600


def _make(owner) -> Book:
    book = book_create(owner=owner, style="cartoon", num_pages=PAGES, theme="a dinosaur who flies a kite")
    book.refresh_from_db()
    return book


def _providers(book) -> set[str]:
    return set(book.pages.values_list("provider", flat=True))


def test_a_book_is_written_and_drawn_by_gemini(owner, gemini_stub, celery_eager):
    book = _make(owner)

    assert book.status == Book.Status.GENERATED
    assert book.title == "Dino and the Lost Kite"
    assert book.character_sheet.startswith("Dino: a small round green dinosaur")
    assert _providers(book) == {"gemini"}
    assert book.cover_image
    assert len(gemini_stub.requests) == 1 + PAGES + 1  # the story, every page, the cover
    assert {request.headers.get("x-goog-api-key") for request in gemini_stub.requests} == {"stub-key"}
    story_call = AICall.objects.get(capability="text")
    assert (story_call.provider, story_call.outcome, story_call.tokens_in) == ("gemini", "ok", 321)
    assert AICall.objects.filter(capability="image", provider="gemini", outcome="ok").count() == PAGES + 1
    assert not AICall.objects.exclude(outcome="ok").exists()


def test_the_picture_prompt_sent_to_gemini_names_the_books_characters(owner, gemini_stub, celery_eager):
    book = _make(owner)
    page_prompt = _prompt(gemini_stub.requests[1])
    assert "<characters>Dino: a small round green dinosaur" in page_prompt
    assert "coloring book page" in page_prompt
    image_config = gemini_stub.requests[1].body["generationConfig"]["imageConfig"]
    assert image_config["aspectRatio"] == "4:5"
    assert book.pages.get(number=1).prompt_versions == "image_page@0"


def test_when_gemini_fails_with_500s_the_book_is_finished_offline(owner, gemini_stub, celery_eager):
    gemini_stub.scenarios.extend(["server_error"] * 50)

    book = _make(owner)

    assert book.status == Book.Status.GENERATED
    assert _providers(book) == {"offline"}
    # 3 tries for the story; 3 + 2 for the first pictures open the image circuit, sparing Gemini the rest.
    assert len(gemini_stub.requests) == 3 + 3 + 2
    failed = AICall.objects.filter(provider="gemini")
    assert set(failed.values_list("outcome", "error_class")) == {("error", "server_error")}
    assert book.jobs.get().status == GenerationJob.Status.SUCCEEDED


def test_a_rate_limited_answer_is_retried_on_gemini(owner, gemini_stub, celery_eager):
    gemini_stub.scenarios.append("rate_limited")
    book = _make(owner)
    assert book.status == Book.Status.GENERATED
    calls = list(AICall.objects.filter(capability="text").order_by("id").values_list("attempt", "outcome"))
    assert calls == [(1, "rate_limited"), (2, "ok")]
    assert _providers(book) == {"gemini"}


def test_a_page_gemini_refuses_on_safety_is_drawn_by_the_next_provider(owner, gemini_stub, celery_eager):
    gemini_stub.scenarios.extend(["ok", "ok", "image_safety"])  # the story, page 1, then page 2 refused
    book = _make(owner)
    assert book.status == Book.Status.GENERATED
    providers = dict(book.pages.values_list("number", "provider"))
    assert providers[2] == "offline"
    assert providers[1] == providers[3] == "gemini"
    blocked = AICall.objects.get(outcome="blocked")
    assert (blocked.provider, blocked.page.number, blocked.error_class) == ("gemini", 2, "safety_blocked")


def test_when_no_one_can_write_the_story_the_book_fails_and_the_request_is_given_back(
    owner, gemini_stub, celery_eager, settings
):
    gemini_stub.scenarios.extend(["server_error"] * 50)
    settings.AI_OFFLINE_FAILURE_RATE = 1.0

    book = _make(owner)

    assert book.status == Book.Status.FAILED
    assert book.error_message == "Our storytellers are busy right now. Please try again in a few minutes."
    assert book.jobs.get().quota_refunded
    assert quota_usage(user=owner).requests_today == 0


def test_when_no_one_can_draw_the_book_fails_and_is_never_left_drawing(
    owner, gemini_stub, celery_eager, settings
):
    gemini_stub.scenarios.extend(["ok"] + ["server_error"] * 200)  # the story is written, nothing is drawn
    settings.AI_OFFLINE_FAILURE_RATE = 1.0

    book = _make(owner)

    assert book.status == Book.Status.FAILED
    assert "We could not draw page" in book.error_message
    assert not Book.objects.in_progress().exists()
    assert not book.pages.filter(status__in=[Page.Status.RUNNING, Page.Status.DONE]).exists()
    job = book.jobs.get()
    assert (job.status, job.quota_refunded) == (GenerationJob.Status.FAILED, True)
    assert quota_usage(user=owner).requests_today == 0


def _prompt(request) -> str:
    return " ".join(part.get("text", "") for content in request.body["contents"] for part in content["parts"])


def test_when_gemini_is_down_openrouter_is_next_in_line(
    owner, gemini_stub, openrouter_stub, celery_eager, settings
):
    settings.OPENROUTER_API_KEY = "or-stub-key"
    settings.OPENROUTER_BASE_URL = openrouter_stub.url
    settings.AI_TEXT_PROVIDERS = settings.AI_IMAGE_PROVIDERS = ["gemini", "openrouter", "offline"]
    gemini_stub.scenarios.extend(["server_error"] * 50)

    book = _make(owner)

    assert book.status == Book.Status.GENERATED
    assert _providers(book) == {"openrouter"}
    assert len(openrouter_stub.requests) == 1 + PAGES + 1
    assert AICall.objects.get(capability="text", outcome="ok").provider == "openrouter"
