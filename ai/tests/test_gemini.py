"""The Gemini adapters, through the real google-genai SDK against a local Gemini stub."""

from __future__ import annotations

import io
import json
import time

import pytest
from PIL import Image

from ai.errors import StoryInvalid
from ai.providers import get_image_provider, get_text_provider
from ai.providers.base import ImageProvider, ProviderConfig, TextProvider
from ai.providers.gemini import GeminiImageProvider, GeminiTextProvider
from ai.schemas import StoryRequest
from ai.services import story_validate
from ai.tests.helpers import closed_port_url, image_request, provider_failure
from ai.tests.stubs import StubReply, line_art_png, sample_story
from ai.usage import measure

pytestmark = pytest.mark.django_db

TEXT_MODEL = "gemini-test-text"
IMAGE_MODEL = "gemini-test-image"


def _story_request(num_pages: int = 6) -> StoryRequest:
    return StoryRequest(theme="dinossauros e amizade", num_pages=num_pages, language="pt-BR", style="cartoon")


def _writer(stub, **config) -> TextProvider:
    return get_text_provider("gemini", stub.provider_config("text", model=TEXT_MODEL, **config))


def _illustrator(stub, **config) -> ImageProvider:
    return get_image_provider("gemini", stub.provider_config("image", model=IMAGE_MODEL, **config))


# --- stories ---------------------------------------------------------------------


def test_it_writes_a_story_with_the_number_of_pages_asked_for(gemini_stub):
    story = _writer(gemini_stub).generate_story(_story_request(num_pages=7))

    assert len(story.pages) == 7
    assert story.title and story.character_sheet and story.cover_prompt
    story_validate(story=story, num_pages=7)


def test_it_asks_the_text_model_for_json_with_our_prompts(gemini_stub):
    _writer(gemini_stub).generate_story(_story_request(num_pages=5))

    request = gemini_stub.last_request
    assert request.path == f"/v1beta/models/{TEXT_MODEL}:generateContent"
    assert request.body["generationConfig"]["responseMimeType"] == "application/json"
    assert "coloring books" in request.body["systemInstruction"]["parts"][0]["text"]
    assert "exactly 5 pages" in request.body["contents"][0]["parts"][0]["text"]


def test_it_sends_the_api_key_in_a_header(gemini_stub):
    gemini_stub.api_key = "secret-gemini-key"

    _writer(gemini_stub, api_key="secret-gemini-key").generate_story(_story_request())

    assert gemini_stub.last_request.headers["x-goog-api-key"] == "secret-gemini-key"


def test_it_reports_the_tokens_and_the_model_that_answered(gemini_stub):
    with measure() as usage:
        _writer(gemini_stub).generate_story(_story_request())

    assert usage.tokens_in == 321
    assert usage.tokens_out > 0
    assert usage.images == 0
    assert usage.model == TEXT_MODEL


def test_it_reads_a_story_wrapped_in_prose_and_a_fence(gemini_stub):
    characters = [{"name": "Dino", "looks": "green"}, {"name": "Pip", "looks": "yellow"}]
    fenced = "Here it is!\n```json\n" + json.dumps(sample_story(5, character_sheet=characters)) + "\n```"
    gemini_stub.scenarios.append(gemini_stub.text_answer(fenced))

    story = _writer(gemini_stub).generate_story(_story_request(num_pages=5))

    assert len(story.pages) == 5
    assert story.character_sheet.splitlines() == ["Dino: looks: green", "Pip: looks: yellow"]


@pytest.mark.parametrize("scenario", ["malformed_json", "incomplete_json"])
def test_a_broken_story_is_story_invalid(gemini_stub, scenario):
    gemini_stub.scenarios.append(scenario)

    with pytest.raises(StoryInvalid) as caught:
        _writer(gemini_stub).generate_story(_story_request())

    assert caught.value.transient is False
    assert caught.value.details["raw"].startswith(("Here is the story", '{"title"'))


def test_it_uses_the_default_models_and_base_url_from_settings(gemini_stub, settings):
    settings.GEMINI_TEXT_MODEL = "gemini-from-settings"
    settings.GEMINI_BASE_URL = gemini_stub.url
    settings.GEMINI_API_KEY = "settings-key"

    writer = get_text_provider("gemini")
    writer.generate_story(_story_request())

    assert isinstance(writer, GeminiTextProvider)
    assert (writer.name, writer.model) == ("gemini", "gemini-from-settings")
    assert gemini_stub.last_request.path == "/v1beta/models/gemini-from-settings:generateContent"
    assert gemini_stub.last_request.headers["x-goog-api-key"] == "settings-key"


def test_without_an_api_key_it_fails_without_calling_gemini(gemini_stub, settings):
    settings.GEMINI_API_KEY = ""

    error = provider_failure(lambda: _writer(gemini_stub, api_key="").generate_story(_story_request()))

    assert (error.code, error.transient) == ("auth_error", False)
    assert gemini_stub.requests == []


# --- pictures --------------------------------------------------------------------


def test_it_draws_a_png_at_the_aspect_ratio_asked_for(gemini_stub):
    with measure() as usage:
        png = _illustrator(gemini_stub).generate_image(image_request())

    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.width * 5 == image.height * 4
    config = gemini_stub.last_request.body["generationConfig"]
    assert config["imageConfig"] == {"aspectRatio": "4:5"}
    assert config["responseModalities"] == ["IMAGE"]
    assert gemini_stub.last_request.path == f"/v1beta/models/{IMAGE_MODEL}:generateContent"
    assert (usage.images, usage.model) == (1, IMAGE_MODEL)


def test_it_turns_a_jpeg_answer_into_png(gemini_stub):
    buffer = io.BytesIO()
    Image.open(io.BytesIO(line_art_png(200, 250))).save(buffer, format="JPEG")
    gemini_stub.scenarios.append(gemini_stub.image_answer(buffer.getvalue(), "image/jpeg"))

    png = _illustrator(gemini_stub).generate_image(image_request())

    assert png.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (200, 250)


def test_an_answer_without_a_picture_is_no_image(gemini_stub):
    gemini_stub.scenarios.append("no_image")

    error = provider_failure(lambda: _illustrator(gemini_stub).generate_image(image_request()))

    assert (error.code, error.transient) == ("no_image", False)
    assert error.message == "The illustrator answered without a picture."
    assert error.details["text"].startswith("I can describe the picture")


@pytest.mark.parametrize(
    ("scenario", "reason"), [("safety_block", "PROHIBITED_CONTENT"), ("image_safety", "IMAGE_SAFETY")]
)
def test_a_safety_refusal_of_a_picture_is_safety_blocked(gemini_stub, scenario, reason):
    gemini_stub.scenarios.append(scenario)

    error = provider_failure(lambda: _illustrator(gemini_stub).generate_image(image_request()))

    assert (error.code, error.transient) == ("safety_blocked", False)
    assert error.details == {"reason": reason}
    assert "safety filter refused this picture" in error.message


def test_a_safety_refusal_of_a_story_is_safety_blocked(gemini_stub):
    gemini_stub.scenarios.append("safety_block")

    error = provider_failure(lambda: _writer(gemini_stub).generate_story(_story_request()))

    assert (error.code, error.transient) == ("safety_blocked", False)
    assert error.details == {"reason": "PROHIBITED_CONTENT"}


# --- failures --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "code", "transient"),
    [
        ("rate_limited", "rate_limited", True),
        ("server_error", "server_error", True),
        ("unauthorized", "auth_error", False),
        ("forbidden", "auth_error", False),
        ("invalid_api_key", "auth_error", False),
        ("bad_request", "bad_request", False),
    ],
)
def test_http_failures_follow_the_error_contract(gemini_stub, scenario, code, transient):
    gemini_stub.scenarios.append(scenario)

    error = provider_failure(lambda: _writer(gemini_stub).generate_story(_story_request()))

    assert (error.code, error.transient) == (code, transient)
    assert len(gemini_stub.requests) == 1, "the SDK must not retry on its own"


def test_a_garbled_answer_is_a_transient_server_error(gemini_stub):
    gemini_stub.scenarios.append(StubReply(body="<html>upstream hiccup</html>"))

    error = provider_failure(lambda: _writer(gemini_stub).generate_story(_story_request()))

    assert (error.code, error.transient) == ("server_error", True)


def test_a_429_says_when_to_try_again(gemini_stub):
    gemini_stub.scenarios.append("rate_limited")

    error = provider_failure(lambda: _illustrator(gemini_stub).generate_image(image_request()))

    assert error.details["retry_after"] == 2.0


def test_a_429_without_the_header_uses_googles_retry_info(gemini_stub):
    reply = gemini_stub.rate_limited(seconds=7)
    reply.headers.clear()
    gemini_stub.scenarios.append(reply)

    error = provider_failure(lambda: _writer(gemini_stub).generate_story(_story_request()))

    assert error.details["retry_after"] == 7.0


def test_a_slow_answer_times_out_quickly_and_once(gemini_stub):
    gemini_stub.scenarios.append("slow")
    started = time.monotonic()

    error = provider_failure(lambda: _writer(gemini_stub, timeout=0.5).generate_story(_story_request()))

    assert (error.code, error.transient) == ("timeout", True)
    assert time.monotonic() - started < gemini_stub.slow_seconds  # cut off before the stub answered
    assert len(gemini_stub.requests) == 1


def test_an_unreachable_server_is_transient():
    config = ProviderConfig(
        name="gemini", capability="image", api_key="k", timeout=2, base_url=closed_port_url()
    )

    error = provider_failure(lambda: GeminiImageProvider(config).generate_image(image_request()))

    assert (error.code, error.transient) == ("unreachable", True)
