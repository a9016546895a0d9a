"""A stub of OpenRouter's OpenAI-compatible API (``POST /api/v1/chat/completions``).

``stub.url`` ends in ``/api/v1``, like OpenRouter's public base URL. Image answers carry the
picture in ``message.images[].image_url.url`` as a data URL, as OpenRouter does. Besides the
shared scenarios (see ``ai.tests.stubs``):

- ``"safety_block"``: ``finish_reason = content_filter`` and no content.
- ``"refusal"``: ``message.refusal`` set, no content.
- ``"upstream_error"``: HTTP 200 whose choice ended with ``finish_reason = error``.
- ``"fenced_json"``: the story wrapped in prose and a ```json fence, characters as a list.

Setting ``stub.api_key`` answers 401 to every request that carries another bearer token.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from ai.tests.stubs import RecordedRequest, StubReply, StubServer, line_art_png, sample_story, size_for_ratio

_CHARACTERS = [
    {"name": "Dino", "description": "a small round green dinosaur with a striped scarf"},
    {"name": "Pip", "description": "a tiny yellow bird with a blue cap"},
]


class OpenRouterStub(StubServer):
    provider = "openrouter"
    url_path = "/api/v1"

    def __init__(self) -> None:
        super().__init__()
        self.api_key: str | None = None  # when set, other bearer tokens get a 401

    def reply(self, request: RecordedRequest, scenario: str) -> StubReply:
        if request.method != "POST" or request.path != f"{self.url_path}/chat/completions":
            return self.error(404, f"Not found: {request.path}")
        if self.api_key is not None and request.headers.get("authorization") != f"Bearer {self.api_key}":
            return self.error(401, "No auth credentials found")
        model = (request.body or {}).get("model") or "openrouter-stub"
        if scenario in ("ok", "slow"):
            return self._success(request, model)
        return self._scenario_reply(request, scenario, model)

    def _success(self, request: RecordedRequest, model: str) -> StubReply:
        body = request.body or {}
        if "image" in (body.get("modalities") or []):
            ratio = (body.get("image_config") or {}).get("aspect_ratio")
            return self.image_answer(line_art_png(*size_for_ratio(ratio, self.image_width)), model=model)
        story = sample_story(self.pages_wanted(_prompt_text(body)))
        return self.text_answer(json.dumps(story), model=model)

    def _scenario_reply(self, request: RecordedRequest, scenario: str, model: str) -> StubReply:
        pages = self.pages_wanted(_prompt_text(request.body or {}))
        fenced_story = json.dumps(sample_story(pages, character_sheet=_CHARACTERS), indent=2)
        replies = {
            "malformed_json": lambda: self.text_answer('{"title": "Dino", "pages": [', model=model),
            "incomplete_json": lambda: self.text_answer(json.dumps({"title": "Dino"}), model=model),
            "fenced_json": lambda: self.text_answer(
                f"Here is your story!\n```json\n{fenced_story}\n```", model=model
            ),
            "rate_limited": lambda: self.error(429, "Rate limit exceeded", headers={"Retry-After": "2"}),
            "server_error": lambda: self.error(500, "Internal Server Error"),
            "unauthorized": lambda: self.error(401, "No auth credentials found"),
            "forbidden": lambda: self.error(403, "This key has been disabled"),
            "bad_request": lambda: self.error(400, "Invalid request: messages must not be empty"),
            "safety_block": lambda: self.answer(
                {"content": None}, finish_reason="content_filter", model=model
            ),
            "refusal": lambda: self.answer(
                {"content": None, "refusal": "I can't help with that request."}, model=model
            ),
            "upstream_error": lambda: self.upstream_error(model),
            "no_image": lambda: self.text_answer(
                "Here is a description of the picture instead.", model=model
            ),
        }
        if scenario not in replies:
            raise ValueError(f"unknown OpenRouter stub scenario {scenario!r}")
        return replies[scenario]()

    # --- replies a test can push directly ---------------------------------------

    def answer(
        self,
        message: dict[str, Any],
        *,
        finish_reason: str = "stop",
        model: str = "openrouter-stub",
        tokens_out=0,
    ) -> StubReply:
        """A 200 chat completion whose first choice holds ``message`` (role added)."""
        choice = {
            "index": 0,
            "logprobs": None,
            "finish_reason": finish_reason,
            "native_finish_reason": finish_reason.upper(),
            "message": {"role": "assistant", "refusal": None, **message},
        }
        return StubReply(body=_completion([choice], model, tokens_out=tokens_out))

    def text_answer(self, text: str, *, model: str = "openrouter-stub") -> StubReply:
        return self.answer({"content": text}, model=model, tokens_out=max(1, len(text) // 4))

    def image_answer(
        self,
        data: bytes,
        mime_type: str = "image/png",
        *,
        model: str = "openrouter-stub",
        where: str = "images",
    ) -> StubReply:
        """A picture as a data URL: in ``message.images`` (OpenRouter's way), or, as some
        models do, inside ``content`` as a list of parts (``"content_parts"``) or a bare
        string (``"content_string"``)."""
        url = f"data:{mime_type};base64,{base64.b64encode(data).decode()}"
        part = {"type": "image_url", "image_url": {"url": url}}
        message = {
            "images": {"content": "Here is your picture.", "images": [{**part, "index": 0}]},
            "content_parts": {"content": [{"type": "text", "text": "Here it is."}, part]},
            "content_string": {"content": url},
        }[where]
        return self.answer(message, model=model, tokens_out=1290)

    def upstream_error(self, model: str = "openrouter-stub") -> StubReply:
        reply = self.answer({"content": ""}, finish_reason="error", model=model)
        reply.body["choices"][0]["error"] = {"code": 502, "message": "Upstream provider returned an error"}
        return reply

    def error(self, status: int, message: str, *, headers: dict[str, str] | None = None) -> StubReply:
        return StubReply(
            status=status, body={"error": {"code": status, "message": message}}, headers=headers or {}
        )


def _completion(choices: list[dict], model: str, *, tokens_out: int, tokens_in: int = 321) -> dict[str, Any]:
    return {
        "id": "gen-stub",
        "provider": "Google",
        "model": model,
        "object": "chat.completion",
        "created": 1_760_000_000,
        "choices": choices,
        "usage": {
            "prompt_tokens": tokens_in,
            "completion_tokens": tokens_out,
            "total_tokens": tokens_in + tokens_out,
        },
    }


def _prompt_text(body: dict[str, Any]) -> str:
    texts = []
    for message in body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
        elif isinstance(content, list):
            texts.extend(part.get("text", "") for part in content if isinstance(part, dict))
    return " ".join(texts)
