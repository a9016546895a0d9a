"""Gemini adapters (google-genai): stories from a text model, coloring pictures from an image model.

The SDK's own retries stay off: the router retries, with backoff, across providers. Every
failure becomes a ``ProviderError`` whose message a parent can read.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import pydantic
from django.conf import settings
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from ai.errors import ProviderError
from ai.prompts import image_prompt, story_prompts
from ai.providers.base import ProviderConfig
from ai.providers.replies import (
    UNREADABLE_IMAGE_ERRORS,
    bad_image,
    failure,
    no_image,
    png_bytes,
    retry_after_seconds,
    safety_blocked,
    status_failure,
)
from ai.providers.story_json import story_from_text
from ai.schemas import ImageRequest, Story, StoryRequest
from ai.usage import report_usage

# Image features (response modalities, image config) are documented on v1beta; the SDK's
# default is v1.
API_VERSION = "v1beta"

BLOCKING_FINISH_REASONS = frozenset(
    {"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT"}
)
PROVIDER = "Gemini"  # as a parent reads it in a failure message


def _http_exceptions(name: str) -> tuple[type[Exception], ...]:
    """``name`` from httpx2 and httpx, whichever the SDK may be using."""
    found = []
    for module_name in ("httpx2", "httpx"):
        try:
            found.append(getattr(importlib.import_module(module_name), name))
        except ImportError:
            continue
    return tuple(found)


_TIMEOUT_ERRORS = _http_exceptions("TimeoutException")
_CONNECT_ERRORS = _http_exceptions("ConnectError")
_TRANSPORT_ERRORS = _http_exceptions("TransportError")
# A 200 whose body is not JSON, or not shaped like an answer: the SDK does not wrap these.
_UNREADABLE_ANSWER = (genai_errors.UnknownApiResponseError, json.JSONDecodeError, pydantic.ValidationError)


class _GeminiAdapter:
    name = "gemini"

    def __init__(self, config: ProviderConfig, default_model: str) -> None:
        self.model = config.model or default_model
        api_key = config.api_key or settings.GEMINI_API_KEY
        self._client = _client(config, api_key) if api_key else None

    def _generate(self, contents: str, config: types.GenerateContentConfig) -> types.GenerateContentResponse:
        if self._client is None:
            raise ProviderError("Gemini is not set up: it has no API key.", code="auth_error")
        try:
            response = self._client.models.generate_content(
                model=self.model, contents=contents, config=config
            )
        except genai_errors.APIError as error:
            raise _status_error(error) from error
        except _TIMEOUT_ERRORS as error:
            raise _failure("timeout") from error
        except _CONNECT_ERRORS as error:
            raise _failure("unreachable") from error
        except (*_TRANSPORT_ERRORS, *_UNREADABLE_ANSWER) as error:
            raise _failure("server_error", {"error": type(error).__name__}) from error
        _report(response, default_model=self.model)
        return response


class GeminiTextProvider(_GeminiAdapter):
    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(config, settings.GEMINI_TEXT_MODEL)

    def generate_story(self, request: StoryRequest) -> Story:
        system, user = story_prompts(request)
        config = _config(system_instruction=system.text, response_mime_type="application/json")
        response = self._generate(user.text, config)
        _raise_if_blocked(response, "story")
        return story_from_text(_answer_text(response))


class GeminiImageProvider(_GeminiAdapter):
    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(config, settings.GEMINI_IMAGE_MODEL)

    def generate_image(self, request: ImageRequest) -> bytes:
        config = _config(
            response_modalities=["IMAGE"],
            image_config=types.ImageConfig(aspect_ratio=request.aspect_ratio),
        )
        response = self._generate(image_prompt(request).text, config)
        _raise_if_blocked(response, "picture")
        images = _inline_images(response)
        if not images:
            raise no_image(_answer_text(response))
        return _as_png(images[0])


def _config(**fields: Any) -> types.GenerateContentConfig:
    # No tools are offered, so the SDK's automatic function calling only adds a log line per call.
    afc_off = types.AutomaticFunctionCallingConfig(disable=True)
    return types.GenerateContentConfig(automatic_function_calling=afc_off, **fields)


def _client(config: ProviderConfig, api_key: str) -> genai.Client:
    base_url = config.base_url or settings.GEMINI_BASE_URL
    options = types.HttpOptions(
        api_version=API_VERSION,
        base_url=base_url or None,
        timeout=int(config.timeout * 1000) if config.timeout > 0 else None,
        retry_options=types.HttpRetryOptions(attempts=1),
    )
    return genai.Client(enterprise=False, api_key=api_key, http_options=options)


# --- reading answers -----------------------------------------------------------


def _parts(response: types.GenerateContentResponse) -> list[types.Part]:
    candidates = response.candidates or []
    content = candidates[0].content if candidates else None
    return list(content.parts or []) if content else []


def _answer_text(response: types.GenerateContentResponse) -> str:
    return "".join(part.text for part in _parts(response) if part.text and not part.thought)


def _inline_images(response: types.GenerateContentResponse) -> list[types.Blob]:
    return [part.inline_data for part in _parts(response) if part.inline_data and part.inline_data.data]


def _raise_if_blocked(response: types.GenerateContentResponse, what: str) -> None:
    feedback = response.prompt_feedback
    reason = _enum_name(feedback.block_reason) if feedback else ""
    reason = "" if reason == "BLOCKED_REASON_UNSPECIFIED" else reason
    if not reason and response.candidates:
        finish = _enum_name(response.candidates[0].finish_reason)
        reason = finish if finish in BLOCKING_FINISH_REASONS else ""
    if reason:
        raise safety_blocked(what, {"reason": reason})


def _as_png(blob: types.Blob) -> bytes:
    if (blob.mime_type or "").lower() == "image/png":
        return blob.data
    try:
        return png_bytes(blob.data)
    except UNREADABLE_IMAGE_ERRORS as error:
        raise bad_image({"mime_type": blob.mime_type or ""}) from error


def _report(response: types.GenerateContentResponse, *, default_model: str) -> None:
    usage = response.usage_metadata or types.GenerateContentResponseUsageMetadata()
    report_usage(
        tokens_in=usage.prompt_token_count or 0,
        # Thinking tokens are billed as output.
        tokens_out=(usage.candidates_token_count or 0) + (usage.thoughts_token_count or 0),
        images=min(len(_inline_images(response)), 1),
        model=response.model_version or default_model,
    )


def _enum_name(value: Any) -> str:
    return str(getattr(value, "value", value) or "").upper()


# --- failures ------------------------------------------------------------------


def _failure(code: str, details: dict[str, Any] | None = None) -> ProviderError:
    return failure(PROVIDER, code, details)


def _status_error(error: genai_errors.APIError) -> ProviderError:
    return status_failure(
        PROVIDER,
        error.code or 0,
        reason=error.status or "",
        message=error.message or "",
        retry_after=_retry_after(error),
        bad_key=_is_bad_key(error),
    )


def _error_details(error: genai_errors.APIError) -> list[dict[str, Any]]:
    body = error.details if isinstance(error.details, dict) else {}
    inner = body.get("error", body)
    found = inner.get("details") if isinstance(inner, dict) else None
    return [item for item in found or [] if isinstance(item, dict)]


def _is_bad_key(error: genai_errors.APIError) -> bool:
    """Gemini answers a wrong key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID."""
    return any(item.get("reason") == "API_KEY_INVALID" for item in _error_details(error))


def _retry_after(error: genai_errors.APIError) -> float | None:
    """Seconds to wait, from the Retry-After header or else Google's RetryInfo (``"2s"``)."""
    response = getattr(error, "response", None)
    seconds = retry_after_seconds(response.headers.get("retry-after") if response is not None else None)
    if seconds is not None:
        return seconds
    for item in _error_details(error):
        if str(item.get("@type", "")).endswith("google.rpc.RetryInfo"):
            return retry_after_seconds(str(item.get("retryDelay", "")).removesuffix("s"))
    return None
