"""OpenRouter adapters, through the openai SDK pointed at OpenRouter's OpenAI-compatible API.

Pictures come from chat completions with ``modalities: ["image", "text"]``; OpenRouter puts
them in ``message.images`` as data URLs. That field is not in the SDK's types, so it is read
from the message's extra fields; some models put the picture in ``content`` instead.
The SDK's own retries stay off: the router retries, with backoff, across providers.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

import openai
from django.conf import settings
from openai.types.chat import ChatCompletion
from openai.types.chat.chat_completion import Choice

from ai.errors import ProviderError
from ai.prompts import image_prompt, story_prompts
from ai.providers.base import ProviderConfig
from ai.providers.replies import (
    UNREADABLE_IMAGE_ERRORS,
    bad_image,
    code_for_status,
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

DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
APP_TITLE = "Fabrica de Livros"  # shown in the OpenRouter dashboard (ASCII: it is an HTTP header)
PROVIDER = "OpenRouter"  # as a parent reads it in a failure message

_DATA_URL = re.compile(r"data:(?P<mime>image/[\w.+-]+);base64,(?P<data>[A-Za-z0-9+/=\s]+)")


class _OpenRouterAdapter:
    name = "openrouter"

    def __init__(self, config: ProviderConfig, default_model: str) -> None:
        self.model = config.model or default_model
        api_key = config.api_key or settings.OPENROUTER_API_KEY
        self._client = _client(config, api_key) if api_key else None

    def _complete(self, **arguments: Any) -> Choice:
        if self._client is None:
            raise ProviderError("OpenRouter is not set up: it has no API key.", code="auth_error")
        try:
            completion = self._client.chat.completions.create(model=self.model, **arguments)
        except openai.APITimeoutError as error:
            raise _failure("timeout") from error
        except openai.APIConnectionError as error:
            raise _failure("unreachable") from error
        except openai.APIStatusError as error:
            raise _status_error(error) from error
        except (openai.APIError, json.JSONDecodeError) as error:  # an answer the SDK could not read
            raise _failure("server_error", {"error": type(error).__name__}) from error
        if not isinstance(completion, ChatCompletion):  # a 200 that was not JSON
            raise _failure("server_error", {"error": "not a chat completion"})
        choice = _first_choice(completion)
        _report(completion, choice, default_model=self.model)
        return choice


class OpenRouterTextProvider(_OpenRouterAdapter):
    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(config, settings.OPENROUTER_TEXT_MODEL)

    def generate_story(self, request: StoryRequest) -> Story:
        system, user = story_prompts(request)
        choice = self._complete(
            messages=[{"role": "system", "content": system.text}, {"role": "user", "content": user.text}],
            response_format={"type": "json_object"},
        )
        _raise_if_refused(choice, "story")
        return story_from_text(_message_text(choice.message))


class OpenRouterImageProvider(_OpenRouterAdapter):
    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(config, settings.OPENROUTER_IMAGE_MODEL)

    def generate_image(self, request: ImageRequest) -> bytes:
        choice = self._complete(
            messages=[{"role": "user", "content": image_prompt(request).text}],
            extra_body={
                "modalities": ["image", "text"],
                "image_config": {"aspect_ratio": request.aspect_ratio},
            },
        )
        _raise_if_refused(choice, "picture")
        url = _image_url(choice.message)
        if not url:
            raise no_image(_message_text(choice.message))
        return _png_from_data_url(url)


def _client(config: ProviderConfig, api_key: str) -> openai.OpenAI:
    return openai.OpenAI(
        api_key=api_key,
        base_url=config.base_url or settings.OPENROUTER_BASE_URL or DEFAULT_BASE_URL,
        timeout=config.timeout if config.timeout > 0 else None,
        max_retries=0,
        default_headers={"X-Title": APP_TITLE},
    )


# --- reading answers -----------------------------------------------------------


def _first_choice(completion: ChatCompletion) -> Choice:
    """The answer's first choice; OpenRouter can also answer HTTP 200 with an error inside."""
    choices = completion.choices or []
    if choices and choices[0].finish_reason != "error":
        return choices[0]
    error = _extra(choices[0], "error") if choices else _extra(completion, "error")
    status = _int(error.get("code")) if isinstance(error, dict) else None
    message = str(error.get("message", ""))[:300] if isinstance(error, dict) else ""
    code = code_for_status(status) if status else "server_error"
    raise _failure(code, {"status": status or 200, "provider_message": message})


def _raise_if_refused(choice: Choice, what: str) -> None:
    refusal = getattr(choice.message, "refusal", None)
    if choice.finish_reason == "content_filter":
        reason = str(_extra(choice, "native_finish_reason") or "content_filter")
    elif refusal:
        reason = "refusal"
    else:
        return
    details = {"reason": reason}
    if refusal:
        details["text"] = str(refusal)[:200]
    raise safety_blocked(what, details)


def _message_text(message: Any) -> str:
    content = getattr(message, "content", None)
    if isinstance(content, list):
        return "".join(str(_field(part, "text") or "") for part in content if _field(part, "type") == "text")
    return content or ""


def _image_url(message: Any) -> str:
    """The first picture's URL: in ``message.images``, else among ``content`` parts or text."""
    for image in _extra(message, "images") or []:
        url = _field(_field(image, "image_url"), "url") or _field(image, "url")
        if url:
            return str(url)
    content = getattr(message, "content", None)
    if isinstance(content, list):
        for part in content:
            if _field(part, "type") == "image_url":
                return str(_field(_field(part, "image_url"), "url") or "")
    match = _DATA_URL.search(content) if isinstance(content, str) else None
    return match.group(0) if match else ""


def _png_from_data_url(url: str) -> bytes:
    match = _DATA_URL.fullmatch(url.strip())
    if not match:
        raise _bad_image(url, "the picture was not sent inline")
    try:
        data = base64.b64decode("".join(match.group("data").split()), validate=True)
        if match.group("mime").lower() == "image/png" and data.startswith(b"\x89PNG"):
            return data
        return png_bytes(data)
    except (binascii.Error, *UNREADABLE_IMAGE_ERRORS) as error:
        raise _bad_image(url, str(error)) from error


def _bad_image(url: str, problem: str) -> ProviderError:
    return bad_image({"problem": problem, "url": url[:80]})


def _report(completion: ChatCompletion, choice: Choice, *, default_model: str) -> None:
    usage = completion.usage
    report_usage(
        tokens_in=(usage.prompt_tokens or 0) if usage else 0,
        tokens_out=(usage.completion_tokens or 0) if usage else 0,
        images=1 if _image_url(choice.message) else 0,
        model=completion.model or default_model,
    )


def _extra(model: Any, name: str) -> Any:
    """A field OpenRouter adds and the SDK's types do not declare (kept in ``model_extra``)."""
    extra = getattr(model, "model_extra", None) or {}
    return extra[name] if name in extra else getattr(model, name, None)


def _field(value: Any, name: str) -> Any:
    """``value[name]`` or ``value.name``: undeclared nested fields stay plain dicts."""
    if isinstance(value, dict):
        return value.get(name)
    return getattr(value, name, None)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- failures ------------------------------------------------------------------


def _failure(code: str, details: dict[str, Any] | None = None) -> ProviderError:
    return failure(PROVIDER, code, details)


def _status_error(error: openai.APIStatusError) -> ProviderError:
    body = error.body if isinstance(error.body, dict) else {}
    return status_failure(
        PROVIDER,
        error.status_code,
        message=str(body.get("message", "")),
        retry_after=_retry_after(error.response.headers),
    )


def _retry_after(headers: Any) -> float | None:
    milliseconds = _int(headers.get("retry-after-ms"))
    if milliseconds is not None:
        return max(milliseconds, 0) / 1000
    return retry_after_seconds(headers.get("retry-after"))
