"""A stub of the Gemini API (``POST /v1beta/models/{model}:generateContent``).

Besides the shared scenarios (see ``ai.tests.stubs``):

- ``"safety_block"``: ``promptFeedback.blockReason = PROHIBITED_CONTENT`` and no candidates.
- ``"image_safety"``: one candidate with ``finishReason = IMAGE_SAFETY`` and no content.
- ``"invalid_api_key"``: what Gemini answers to a wrong key (400, reason ``API_KEY_INVALID``).
  Setting ``stub.api_key`` sends this to every request that carries another key.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from ai.tests.stubs import RecordedRequest, StubReply, StubServer, line_art_png, sample_story, size_for_ratio

_ENDPOINT = re.compile(r"^/v1beta/models/(?P<model>[^/:]+):generateContent$")

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class GeminiStub(StubServer):
    provider = "gemini"

    def __init__(self) -> None:
        super().__init__()
        self.api_key: str | None = None  # when set, other keys are refused like Gemini does

    def reply(self, request: RecordedRequest, scenario: str) -> StubReply:
        match = _ENDPOINT.match(request.path)
        if request.method != "POST" or not match:
            return self.error(404, f"Method not found: {request.path}")
        if self.api_key is not None and request.headers.get("x-goog-api-key") != self.api_key:
            scenario = "invalid_api_key"
        return self._scenario_reply(request, scenario, model=match.group("model"))

    def _scenario_reply(self, request: RecordedRequest, scenario: str, *, model: str) -> StubReply:
        wants_image = _wants_image(request.body)
        errors = {
            "rate_limited": lambda: self.rate_limited(),
            "server_error": lambda: self.error(500, "An internal error has occurred."),
            "unauthorized": lambda: self.error(401, "Request had invalid authentication credentials."),
            "forbidden": lambda: self.error(403, "Method doesn't allow unregistered callers."),
            "bad_request": lambda: self.error(400, "Invalid value at 'generation_config'."),
            "invalid_api_key": lambda: self.invalid_api_key(),
        }
        if scenario in errors:
            return errors[scenario]()
        answers = {
            "malformed_json": lambda: self.text_answer(
                'Here is the story: {"title": "Dino", "pages": [', model
            ),
            "incomplete_json": lambda: self.text_answer(json.dumps({"title": "Dino"}), model),
            "safety_block": lambda: self.prompt_blocked("PROHIBITED_CONTENT", model),
            "image_safety": lambda: self.candidate_stopped("IMAGE_SAFETY", model),
            "no_image": lambda: self.text_answer(
                "I can describe the picture, but here it is in words.", model
            ),
        }
        if scenario in answers:
            return answers[scenario]()
        if scenario not in ("ok", "slow"):
            raise ValueError(f"unknown Gemini stub scenario {scenario!r}")
        if wants_image:
            ratio = ((request.body.get("generationConfig") or {}).get("imageConfig") or {}).get("aspectRatio")
            return self.image_answer(line_art_png(*size_for_ratio(ratio, self.image_width)), model=model)
        story = sample_story(self.pages_wanted(_prompt_text(request.body)))
        return self.text_answer(json.dumps(story), model)

    # --- replies a test can push directly ---------------------------------------

    def text_answer(self, text: str, model: str = "gemini-stub") -> StubReply:
        parts = [{"text": text}]
        return StubReply(body=_answer(parts, "STOP", model, tokens_out=max(1, len(text) // 4)))

    def image_answer(
        self, data: bytes, mime_type: str = "image/png", *, model: str = "gemini-stub"
    ) -> StubReply:
        parts = [{"inlineData": {"mimeType": mime_type, "data": base64.b64encode(data).decode()}}]
        return StubReply(body=_answer(parts, "STOP", model, tokens_out=1290))

    def prompt_blocked(self, reason: str, model: str = "gemini-stub") -> StubReply:
        return StubReply(
            body={
                "promptFeedback": {"blockReason": reason},
                "usageMetadata": _usage(0),
                "modelVersion": model,
            }
        )

    def candidate_stopped(self, finish_reason: str, model: str = "gemini-stub") -> StubReply:
        body = _answer([], finish_reason, model, tokens_out=0)
        del body["candidates"][0]["content"]
        return StubReply(body=body)

    def error(self, status: int, message: str, *, details: list | None = None, headers=None) -> StubReply:
        error = {"code": status, "message": message, "status": _STATUS_NAMES.get(status, "UNKNOWN")}
        if details:
            error["details"] = details
        return StubReply(status=status, body={"error": error}, headers=dict(headers or {}))

    def rate_limited(self, seconds: int = 2) -> StubReply:
        retry_info = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{seconds}s"}
        return self.error(
            429,
            "You exceeded your current quota, please check your plan and billing details.",
            details=[retry_info],
            headers={"Retry-After": str(seconds)},
        )

    def invalid_api_key(self) -> StubReply:
        info = {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "API_KEY_INVALID",
            "domain": "googleapis.com",
        }
        return self.error(400, "API key not valid. Please pass a valid API key.", details=[info])


def _answer(parts: list[dict], finish_reason: str, model: str, *, tokens_out: int) -> dict[str, Any]:
    return {
        "candidates": [
            {"content": {"parts": parts, "role": "model"}, "finishReason": finish_reason, "index": 0}
        ],
        "usageMetadata": _usage(tokens_out),
        "modelVersion": model,
        "responseId": "stub-response",
    }


def _usage(tokens_out: int, tokens_in: int = 321) -> dict[str, int]:
    return {
        "promptTokenCount": tokens_in,
        "candidatesTokenCount": tokens_out,
        "totalTokenCount": tokens_in + tokens_out,
    }


def _wants_image(body: Any) -> bool:
    modalities = ((body or {}).get("generationConfig") or {}).get("responseModalities") or []
    return any(str(modality).upper() == "IMAGE" for modality in modalities)


def _prompt_text(body: Any) -> str:
    return " ".join(
        part.get("text", "")
        for content in (body or {}).get("contents") or []
        for part in content.get("parts") or []
    )
