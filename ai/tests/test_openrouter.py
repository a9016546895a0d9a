"""The OpenRouter adapters, through the real openai SDK against a local OpenRouter stub."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from ai.errors import StoryInvalid
from ai.providers import get_image_provider, get_text_provider
from ai.providers.base import ImageProvider, ProviderConfig, TextProvider
from ai.providers.openrouter import OpenRouterImageProvider, OpenRouterTextProvider
from ai.schemas import StoryRequest
from ai.services import story_validate
from ai.tests.helpers import closed_port_url, image_request, provider_failure
from ai.tests.stubs import StubReply, line_art_png
from ai.usage import measure

pytestmark = pytest.mark.django_db

TEXT_MODEL = "test/story-model"
IMAGE_MODEL = "test/image-model"


def _story_request(num_pages: int = 6) -> StoryRequest:
    return StoryRequest(theme="dinosaurs and friendship", num_pages=num_pages, language="en", style="cartoon")


def _writer(stub, **config) -> TextProvider:
    return get_text_provider("openrouter", stub.provider_config("text", model=TEXT_MODEL, **config))


def _illustrator(stub, **config) -> ImageProvider:
    return get_image_provider("openrouter", stub.provider_config("image", model=IMAGE_MODEL, **config))


def _png_size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        return image.size


# --- stories ---------------------------------------------------------------------


def test_it_writes_a_story_with_the_number_of_pages_asked_for(openrouter_stub):
    story = _writer(openrouter_stub).generate_story(_story_request(num_pages=9))

    assert len(story.pages) == 9
    story_validate(story=story, num_pages=9)


def test_it_asks_for_a_json_object_with_our_prompts(openrouter_stub):
    _writer(openrouter_stub).generate_story(_story_request(num_pages=5))

    request = openrouter_stub.last_request
    assert request.path == "/api/v1/chat/completions"
    assert request.body["model"] == TEXT_MODEL
    assert request.body["response_format"] == {"type": "json_object"}
    system, user = request.body["messages"]
    assert system["role"] == "system" and "coloring books" in system["content"]
    assert user["role"] == "user" and "exactly 5 pages" in user["content"]


def test_it_sends_the_api_key_as_a_bearer_token(openrouter_stub):
    openrouter_stub.api_key = "secret-openrouter-key"

    _writer(openrouter_stub, api_key="secret-openrouter-key").generate_story(_story_request())

    headers = openrouter_stub.last_request.headers
    assert headers["authorization"] == "Bearer secret-openrouter-key"
    assert headers["x-title"] == "Fabrica de Livros"


def test_it_reports_the_tokens_and_the_model_that_answered(openrouter_stub):
    with measure() as usage:
        _writer(openrouter_stub).generate_story(_story_request())

    assert (usage.tokens_in, usage.images, usage.model) == (321, 0, TEXT_MODEL)
    assert usage.tokens_out > 0


def test_it_reads_a_fenced_story_with_a_list_of_characters(openrouter_stub):
    openrouter_stub.scenarios.append("fenced_json")

    story = _writer(openrouter_stub).generate_story(_story_request(num_pages=4))

    assert len(story.pages) == 4
    assert story.character_sheet.splitlines() == [
        "Dino: a small round green dinosaur with a striped scarf",
        "Pip: a tiny yellow bird with a blue cap",
    ]


@pytest.mark.parametrize("scenario", ["malformed_json", "incomplete_json"])
def test_a_broken_story_is_story_invalid(openrouter_stub, scenario):
    openrouter_stub.scenarios.append(scenario)

    with pytest.raises(StoryInvalid) as caught:
        _writer(openrouter_stub).generate_story(_story_request())

    assert caught.value.transient is False
    assert caught.value.details["raw"].startswith('{"title"')


def test_it_uses_the_default_models_and_base_url_from_settings(openrouter_stub, settings):
    settings.OPENROUTER_TEXT_MODEL = "vendor/from-settings"
    settings.OPENROUTER_BASE_URL = openrouter_stub.url
    settings.OPENROUTER_API_KEY = "settings-key"

    writer = get_text_provider("openrouter")
    writer.generate_story(_story_request())

    assert isinstance(writer, OpenRouterTextProvider)
    assert (writer.name, writer.model) == ("openrouter", "vendor/from-settings")
    assert openrouter_stub.last_request.body["model"] == "vendor/from-settings"
    assert openrouter_stub.last_request.headers["authorization"] == "Bearer settings-key"


def test_without_an_api_key_it_fails_without_calling_openrouter(openrouter_stub, settings):
    settings.OPENROUTER_API_KEY = ""

    error = provider_failure(lambda: _writer(openrouter_stub, api_key="").generate_story(_story_request()))

    assert (error.code, error.transient) == ("auth_error", False)
    assert openrouter_stub.requests == []


# --- pictures --------------------------------------------------------------------


def test_it_draws_a_png_at_the_aspect_ratio_asked_for(openrouter_stub):
    with measure() as usage:
        png = _illustrator(openrouter_stub).generate_image(image_request())

    width, height = _png_size(png)
    assert width * 5 == height * 4
    body = openrouter_stub.last_request.body
    assert body["modalities"] == ["image", "text"]
    assert body["image_config"] == {"aspect_ratio": "4:5"}
    assert body["model"] == IMAGE_MODEL
    assert (usage.images, usage.model) == (1, IMAGE_MODEL)


@pytest.mark.parametrize("where", ["content_parts", "content_string"])
def test_it_finds_a_picture_sent_inside_the_content(openrouter_stub, where):
    openrouter_stub.scenarios.append(openrouter_stub.image_answer(line_art_png(120, 150), where=where))

    png = _illustrator(openrouter_stub).generate_image(image_request())

    assert _png_size(png) == (120, 150)


def test_it_turns_a_webp_answer_into_png(openrouter_stub):
    buffer = io.BytesIO()
    Image.open(io.BytesIO(line_art_png(160, 200))).save(buffer, format="WEBP")
    openrouter_stub.scenarios.append(openrouter_stub.image_answer(buffer.getvalue(), "image/webp"))

    png = _illustrator(openrouter_stub).generate_image(image_request())

    assert _png_size(png) == (160, 200)


def test_an_unreadable_picture_is_reported_as_such(openrouter_stub):
    openrouter_stub.scenarios.append(openrouter_stub.image_answer(b"not a picture"))

    error = provider_failure(lambda: _illustrator(openrouter_stub).generate_image(image_request()))

    assert error.code == "bad_image"


def test_an_answer_without_a_picture_is_no_image(openrouter_stub):
    openrouter_stub.scenarios.append("no_image")

    error = provider_failure(lambda: _illustrator(openrouter_stub).generate_image(image_request()))

    assert (error.code, error.transient) == ("no_image", False)
    assert error.message == "The illustrator answered without a picture."
    assert error.details["text"] == "Here is a description of the picture instead."


def test_a_content_filter_stop_is_safety_blocked(openrouter_stub):
    openrouter_stub.scenarios.append("safety_block")

    error = provider_failure(lambda: _illustrator(openrouter_stub).generate_image(image_request()))

    assert (error.code, error.transient) == ("safety_blocked", False)
    assert error.details["reason"] == "CONTENT_FILTER"
    assert error.message == "The illustrator's safety filter refused this picture. Try rewording the page."


def test_a_refusal_is_safety_blocked(openrouter_stub):
    openrouter_stub.scenarios.append("refusal")

    error = provider_failure(lambda: _writer(openrouter_stub).generate_story(_story_request()))

    assert (error.code, error.transient) == ("safety_blocked", False)
    assert error.details == {"reason": "refusal", "text": "I can't help with that request."}


# --- failures --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "code", "transient"),
    [
        ("rate_limited", "rate_limited", True),
        ("server_error", "server_error", True),
        ("upstream_error", "server_error", True),
        ("unauthorized", "auth_error", False),
        ("forbidden", "auth_error", False),
        ("bad_request", "bad_request", False),
    ],
)
def test_http_failures_follow_the_error_contract(openrouter_stub, scenario, code, transient):
    openrouter_stub.scenarios.append(scenario)

    error = provider_failure(lambda: _writer(openrouter_stub).generate_story(_story_request()))

    assert (error.code, error.transient) == (code, transient)
    assert len(openrouter_stub.requests) == 1, "the SDK must not retry on its own"


def test_a_wrong_key_is_an_auth_error(openrouter_stub):
    openrouter_stub.api_key = "the-right-key"

    error = provider_failure(
        lambda: _illustrator(openrouter_stub, api_key="a-wrong-key").generate_image(image_request())
    )

    assert (error.code, error.transient) == ("auth_error", False)


def test_a_garbled_answer_is_a_transient_server_error(openrouter_stub):
    openrouter_stub.scenarios.append(StubReply(body="<html>upstream hiccup</html>"))

    error = provider_failure(lambda: _writer(openrouter_stub).generate_story(_story_request()))

    assert (error.code, error.transient) == ("server_error", True)


def test_a_429_says_when_to_try_again(openrouter_stub):
    openrouter_stub.scenarios.append("rate_limited")

    error = provider_failure(lambda: _illustrator(openrouter_stub).generate_image(image_request()))

    assert error.details["retry_after"] == 2.0


def test_a_slow_answer_times_out_quickly_and_once(openrouter_stub):
    openrouter_stub.scenarios.append("slow")
    started = time.monotonic()

    error = provider_failure(lambda: _writer(openrouter_stub, timeout=0.5).generate_story(_story_request()))

    assert (error.code, error.transient) == ("timeout", True)
    assert time.monotonic() - started < openrouter_stub.slow_seconds  # cut off before the stub answered
    assert len(openrouter_stub.requests) == 1


def test_an_unreachable_server_is_transient():
    config = ProviderConfig(
        name="openrouter", capability="image", api_key="k", timeout=2, base_url=closed_port_url("/api/v1")
    )

    error = provider_failure(lambda: OpenRouterImageProvider(config).generate_image(image_request()))

    assert (error.code, error.transient) == ("unreachable", True)
