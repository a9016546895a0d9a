"""Story and picture generation through the configured providers, with retry and fallback.

``settings.AI_TEXT_PROVIDERS`` / ``settings.AI_IMAGE_PROVIDERS`` are ordered lists of
provider names (default ``["offline"]``). Each provider gets a couple of attempts for
transient errors, then the next provider is tried; when all fail the caller gets one
``AllProvidersFailed`` with a message a parent can read.
"""

from __future__ import annotations

import io
import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from PIL import Image, UnidentifiedImageError

from ai.errors import AllProvidersFailed, ProviderError, StoryInvalid
from ai.lineart import normalize_line_art
from ai.providers import get_image_provider, get_text_provider
from ai.schemas import GeneratedImage, ImageRequest, Story, StoryRequest, StoryResult

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
ATTEMPTS_PER_PROVIDER = 2
DEFAULT_PROVIDERS = ("offline",)
DEFAULT_BACKOFF_SECONDS = 0.25


def story_generate(*, request: StoryRequest) -> StoryResult:
    failures: list[dict[str, Any]] = []
    for name in _provider_names("AI_TEXT_PROVIDERS"):
        provider = get_text_provider(name)
        try:
            story = _with_retry(provider.generate_story, request, provider=name)
            story_validate(story=story, num_pages=request.num_pages)
        except ProviderError as error:
            failures.append(_failure(name, error))
            continue
        return StoryResult(story=story, provider=provider.name, model=provider.model)
    raise AllProvidersFailed(details={"failures": failures})


def image_generate(*, request: ImageRequest) -> GeneratedImage:
    failures: list[dict[str, Any]] = []
    for name in _provider_names("AI_IMAGE_PROVIDERS"):
        provider = get_image_provider(name)
        try:
            raw = _with_retry(provider.generate_image, request, provider=name)
            png, width, height = _clean_image(raw, request=request, provider=name)
        except ProviderError as error:
            failures.append(_failure(name, error))
            continue
        return GeneratedImage(
            png=png, provider=provider.name, model=provider.model, width=width, height=height
        )
    raise AllProvidersFailed(details={"failures": failures})


def story_validate(*, story: Story, num_pages: int) -> None:
    """The contract every provider's story must meet before a book is built from it."""
    problems = []
    if not story.title.strip():
        problems.append("the title is empty")
    if len(story.pages) != num_pages:
        problems.append(f"expected {num_pages} pages, got {len(story.pages)}")
    if [page.number for page in story.pages] != list(range(1, len(story.pages) + 1)):
        problems.append("pages are not numbered 1..N")
    if any(not page.text.strip() or not page.illustration_prompt.strip() for page in story.pages):
        problems.append("a page has no text or no illustration prompt")
    if problems:
        raise StoryInvalid("The story did not come out right: " + "; ".join(problems) + ".")


def _clean_image(raw: bytes, *, request: ImageRequest, provider: str) -> tuple[bytes, int, int]:
    try:
        png = normalize_line_art(raw, width=request.width, height=request.height)
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise ProviderError(
            f"{provider} returned an unreadable image.", details={"error": str(error)}
        ) from error
    with Image.open(io.BytesIO(png)) as image:
        return png, image.width, image.height


def _with_retry(call: Callable[[R], T], request: R, *, provider: str) -> T:
    for attempt in range(1, ATTEMPTS_PER_PROVIDER + 1):
        try:
            return call(request)
        except ProviderError as error:
            if not error.transient or attempt == ATTEMPTS_PER_PROVIDER:
                raise
            logger.info("AI provider %s failed (attempt %s), retrying: %s", provider, attempt, error.message)
            time.sleep(_backoff(attempt))
    raise AssertionError("unreachable")  # pragma: no cover


def _backoff(attempt: int) -> float:
    """Exponential backoff with jitter, so parallel page jobs do not retry in lockstep."""
    base = float(_setting("AI_RETRY_BACKOFF_SECONDS", DEFAULT_BACKOFF_SECONDS))
    return base * 2 ** (attempt - 1) + random.uniform(0, base / 2)


def _failure(name: str, error: ProviderError) -> dict[str, Any]:
    logger.warning("AI provider %s failed: %s", name, error.message)
    return {"provider": name, "code": error.code, "message": error.message, "transient": error.transient}


def _provider_names(setting: str) -> list[str]:
    names = _setting(setting, None)
    return list(names) if names else list(DEFAULT_PROVIDERS)


def _setting(name: str, default: Any) -> Any:
    from django.conf import settings

    return getattr(settings, name, default) if settings.configured else default
