"""Refuse request bodies over the size limit before Django reads them.

Django's ASGI handler spools the whole body to a temporary file before any view runs, so
a view cannot refuse a 51 MB upload "early". This middleware sits in front of it: a
Content-Length over the limit is answered 413 at once, without reading a byte of the body;
a body sent without a length is counted as it streams and cut off at the limit.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# A form carries a little more than its file: boundaries, the other fields.
FORM_OVERHEAD = 1024 * 1024


class BodySizeLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _content_length(scope)
        if length is not None and length > self.max_bytes:
            await _too_large(scope, send, self.max_bytes)
            return
        state = {"received": 0, "refused": False}

        async def counted_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > self.max_bytes and not state["refused"]:
                    state["refused"] = True
                    await _too_large(scope, send, self.max_bytes)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not state["refused"]:  # the 413 went out already
                await send(message)

        await self.app(scope, counted_receive, guarded_send)


def body_size_limit(app: ASGIApp) -> BodySizeLimit:
    from django.conf import settings

    return BodySizeLimit(app, max_bytes=settings.STORY_UPLOAD_MAX_BYTES + FORM_OVERHEAD)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(scope: Scope, send: Send, max_bytes: int) -> None:
    megabytes = (max_bytes - FORM_OVERHEAD) // (1024 * 1024)
    message = f"This file is too big: the limit is {megabytes} MB. Please choose a smaller file."
    accept = dict(scope.get("headers", [])).get(b"accept", b"")
    if b"application/json" in accept:
        body = json.dumps({"error": {"code": "too_large", "message": message, "details": {}}}).encode()
        content_type = b"application/json"
    else:
        body = (
            "<!doctype html><meta charset=utf-8><title>413</title>"
            f"<p style='font:1.2rem sans-serif;margin:3rem'>{message} "
            "<a href='javascript:history.back()'>Go back</a></p>"
        ).encode()
        content_type = b"text/html; charset=utf-8"
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
