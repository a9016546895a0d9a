"""The provider router: retries transient errors, falls back in order, validates and cleans."""

from __future__ import annotations

import io
import uuid
from dataclasses import replace

import pytest
from PIL import Image, ImageDraw

from ai.errors import AllProvidersFailed
from ai.lineart import is_line_art
from ai.providers.offline import OfflineTextProvider
from ai.schemas import ImageRequest, StoryRequest
from ai.services import image_generate, story_generate
from ai.tests.helpers import Scripted, permanent, transient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("router_settings")]

REQUEST = StoryRequest(theme="dinosaurs", num_pages=6, language="en", style="cartoon", seed="svc")
IMAGE = ImageRequest(prompt="a cat and a tree", style="cartoon", seed="svc:1", width=256, height=320)


def _grey_png() -> bytes:
    image = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse(
        (50, 20, 250, 180), outline=(90, 90, 90, 255), fill=(180, 180, 180, 255), width=6
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_it_uses_the_offline_provider_by_default(settings):
    del settings.AI_TEXT_PROVIDERS
    result = story_generate(request=REQUEST)
    assert (result.provider, result.model) == ("offline", "offline-story-v1")
    assert len(result.story.pages) == 6


def test_it_falls_back_to_the_next_provider_when_the_first_fails(settings, fakes):
    broken = fakes("text", Scripted("broken", transient()))
    settings.AI_TEXT_PROVIDERS = ["broken", "offline"]
    result = story_generate(request=REQUEST)
    assert result.provider == "offline"
    assert broken.calls == settings.AI_ATTEMPTS_PER_PROVIDER


def test_a_transient_error_is_retried_on_the_same_provider(settings, fakes):
    story = OfflineTextProvider().generate_story(REQUEST)
    flaky = fakes("text", Scripted("flaky", transient(), story))
    settings.AI_TEXT_PROVIDERS = ["flaky", "offline"]
    assert story_generate(request=REQUEST).provider == "flaky"
    assert flaky.calls == 2


def test_a_permanent_error_is_not_retried(settings, fakes):
    refused = fakes("text", Scripted("refused", permanent()))
    settings.AI_TEXT_PROVIDERS = ["refused", "offline"]
    assert story_generate(request=REQUEST).provider == "offline"
    assert refused.calls == 1


def test_a_story_with_the_wrong_page_count_goes_to_the_next_provider(settings, fakes):
    story = OfflineTextProvider().generate_story(REQUEST)
    fakes("text", Scripted("sloppy", replace(story, pages=story.pages[:-1])))
    settings.AI_TEXT_PROVIDERS = ["sloppy", "offline"]
    assert story_generate(request=REQUEST).provider == "offline"


def test_all_providers_failing_gives_one_readable_error(settings, fakes):
    fakes("text", Scripted("down-1", transient()))
    fakes("text", Scripted("down-2", permanent()))
    settings.AI_TEXT_PROVIDERS = ["down-1", "down-2"]
    with pytest.raises(AllProvidersFailed) as failure:
        story_generate(request=REQUEST)
    assert failure.value.code == "ai_unavailable"
    assert "try again" in failure.value.message
    assert [f["provider"] for f in failure.value.details["failures"]] == ["down-1", "down-2"]


def test_the_offline_failure_rate_makes_every_provider_fail(settings):
    settings.AI_TEXT_PROVIDERS = ["offline"]
    settings.AI_OFFLINE_FAILURE_RATE = 1.0
    settings.AI_RETRY_BACKOFF_SECONDS = 0
    with pytest.raises(AllProvidersFailed):
        story_generate(request=replace(REQUEST, seed=str(uuid.uuid4())))


def test_an_image_comes_back_as_normalized_line_art_of_the_requested_size(settings):
    settings.AI_IMAGE_PROVIDERS = ["offline"]
    result = image_generate(request=IMAGE)
    assert (result.width, result.height) == (256, 320)
    assert result.provider == "offline"
    assert is_line_art(result.png)


def test_a_grey_picture_from_a_provider_is_cleaned_into_line_art(settings, fakes):
    fakes("image", Scripted("greyish", _grey_png()))
    settings.AI_IMAGE_PROVIDERS = ["greyish"]
    result = image_generate(request=IMAGE)
    assert result.provider == "greyish"
    assert is_line_art(result.png)


def test_an_unreadable_picture_falls_back_to_the_next_provider(settings, fakes):
    fakes("image", Scripted("garbage", b"not a png"))
    settings.AI_IMAGE_PROVIDERS = ["garbage", "offline"]
    assert image_generate(request=IMAGE).provider == "offline"


def test_an_unknown_provider_name_is_a_configuration_error(settings):
    settings.AI_IMAGE_PROVIDERS = ["nope"]
    with pytest.raises(ValueError, match="Unknown AI image provider 'nope'"):
        image_generate(request=IMAGE)
