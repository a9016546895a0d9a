"""Bodies over the limit are refused before the app reads them."""

from __future__ import annotations

import asyncio
import json

from fabrica.body_limit import BodySizeLimit

LIMIT = 1000


class RecordingApp:
    """Reads the whole body like Django does, then answers 200."""

    def __init__(self):
        self.called = False
        self.body = b""

    async def __call__(self, scope, receive, send):
        self.called = True
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _run(headers, chunks):
    app = RecordingApp()
    sent, pulled = [], []
    queue = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]

    async def receive():
        pulled.append(1)
        return queue.pop(0)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/books/new/", "headers": headers}
    asyncio.run(BodySizeLimit(app, max_bytes=LIMIT)(scope, receive, send))
    return app, sent, len(pulled)


def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body():
    app, sent, pulled = _run([(b"content-length", b"5000")], [b"x" * 5000])
    assert not app.called and pulled == 0
    assert sent[0]["status"] == 413
    assert b"too big" in sent[1]["body"]


def test_json_clients_get_the_error_shape():
    headers = [(b"content-length", b"5000"), (b"accept", b"application/json")]
    _, sent, _ = _run(headers, [b"x" * 5000])
    assert json.loads(sent[1]["body"])["error"]["code"] == "too_large"


def test_a_body_without_a_length_is_cut_off_at_the_limit():
    app, sent, pulled = _run([], [b"x" * 600, b"x" * 600, b"x" * 600])
    assert pulled == 2  # the third chunk is never read
    assert [message.get("status") for message in sent if "status" in message] == [413]


def test_bodies_within_the_limit_reach_the_app():
    app, sent, _ = _run([(b"content-length", b"900")], [b"x" * 500, b"x" * 400])
    assert app.body == b"x" * 900
    assert sent[0]["status"] == 200
