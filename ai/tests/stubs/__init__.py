"""Local HTTP servers that speak the AI providers' wire formats, for tests through the real SDKs.

Each stub listens on 127.0.0.1 (a free port) in a daemon thread. A test steers it by pushing
scenario names (or ready-made ``StubReply`` objects) onto ``stub.scenarios``: every request
takes the next one, and an empty queue means ``"ok"``. Every request is recorded in
``stub.requests`` (path, lower-cased headers, parsed JSON body) for assertions.

Scenarios every stub understands:

- ``"ok"``: text requests get a valid story with the page count asked for in the prompt
  (or ``stub.num_pages``); image requests get a real PNG of black line art drawn with Pillow,
  at the aspect ratio the request asked for. Token counts are included.
- ``"malformed_json"``: the model's text is not JSON. ``"incomplete_json"``: JSON without pages.
- ``"rate_limited"``: 429 with ``Retry-After: 2``. ``"server_error"``: 500.
- ``"unauthorized"`` (401), ``"forbidden"`` (403), ``"bad_request"`` (400).
- ``"slow"``: the answer comes ``stub.slow_seconds`` late (2 s by default).
- ``"safety_block"``: the provider's safety filter refused the request.
- ``"no_image"``: a text-only answer, even where a picture was asked for.

Provider-specific extras are listed in each stub's module.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from PIL import Image, ImageDraw

from ai.providers.base import ProviderConfig

_PAGES_IN_PROMPT = re.compile(r"exactly (\d+) pages")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: Any  # the parsed JSON body, or None


@dataclass
class StubReply:
    """One HTTP answer; push it onto ``stub.scenarios`` for a fully custom reply."""

    status: int = 200
    body: Any = None  # dict/list: sent as JSON; bytes/str: sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering


class StubServer:
    """The plumbing shared by the provider stubs; subclasses turn a scenario into a reply."""

    provider = ""  # the provider name the stub stands in for ("gemini", "openrouter")
    url_path = ""  # appended to the server's address to form ``url``

    def __init__(self) -> None:
        self.scenarios: deque[str | StubReply] = deque()
        self.requests: list[RecordedRequest] = []
        self.num_pages: int | None = None  # overrides the page count read from the prompt
        self.slow_seconds = 2.0
        self.image_width = 400  # the height follows from the aspect ratio asked for
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle -------------------------------------------------------------

    def start(self) -> StubServer:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.stub = self  # type: ignore[attr-defined]
        # A short poll interval keeps shutdown (each test's teardown) fast.
        threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=type(self).__name__,
            daemon=True,
        ).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes "slow" handlers so they do not outlive the test
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL to give the adapter (``ProviderConfig.base_url``)."""
        assert self._server, "start the stub first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self.url_path}"

    @property
    def last_request(self) -> RecordedRequest:
        return self.requests[-1]

    def provider_config(
        self, capability: str = "text", *, api_key: str = "test-key", timeout: float = 5.0, model: str = ""
    ) -> ProviderConfig:
        """A ``ProviderConfig`` that points the real adapter at this stub."""
        return ProviderConfig(
            name=self.provider,
            capability=capability,
            model=model,
            timeout=timeout,
            api_key=api_key,
            base_url=self.url,
        )

    # --- what subclasses implement ---------------------------------------------

    def reply(self, request: RecordedRequest, scenario: str) -> StubReply:
        raise NotImplementedError

    # --- helpers for subclasses ------------------------------------------------

    def pages_wanted(self, prompt: str) -> int:
        if self.num_pages is not None:
            return self.num_pages
        match = _PAGES_IN_PROMPT.search(prompt)
        return int(match.group(1)) if match else 5

    def _handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> StubReply:
        request = RecordedRequest(method=method, path=path, headers=headers, body=_json_or_none(raw))
        with self._lock:
            self.requests.append(request)
            scenario = self.scenarios.popleft() if self.scenarios else "ok"
        if isinstance(scenario, StubReply):
            return scenario
        reply = self.reply(request, scenario)
        if scenario == "slow":
            reply.delay = self.slow_seconds
        return reply


DINO = "Dino: a small round green dinosaur with three back spikes and a striped scarf; never wears a hat."


def sample_story(num_pages: int, *, character_sheet: Any = None) -> dict[str, Any]:
    """A story in the shape our prompt asks for, ``num_pages`` pages long."""
    return {
        "title": "Dino and the Lost Kite",
        "character_sheet": character_sheet or DINO,
        "cover_prompt": "Dino holding a kite string on a hill, big smile, simple clouds.",
        "pages": [
            {
                "number": number,
                "text": f"On page {number}, Dino helps a friend and learns something new.",
                "illustration_prompt": f"Dino in scene {number}, a tree and a kite, simple shapes.",
            }
            for number in range(1, num_pages + 1)
        ],
    }


def line_art_png(width: int = 400, height: int = 500) -> bytes:
    """A small black-on-white drawing (a sun, a house, a tree), like a coloring page."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    stroke = max(2, width // 100)
    unit = min(width, height)
    draw.ellipse(_box(0.78 * width, 0.14 * height, 0.09 * unit), outline="black", width=stroke)
    house = (0.18 * width, 0.5 * height, 0.58 * width, 0.85 * height)
    draw.rectangle(house, outline="black", width=stroke)
    roof = [(house[0], house[1]), ((house[0] + house[2]) / 2, 0.32 * height), (house[2], house[1])]
    draw.line([*roof, roof[0]], fill="black", width=stroke, joint="curve")
    draw.rectangle((0.33 * width, 0.68 * height, 0.43 * width, 0.85 * height), outline="black", width=stroke)
    draw.line([(0.78 * width, 0.85 * height), (0.78 * width, 0.6 * height)], fill="black", width=stroke)
    draw.ellipse(_box(0.78 * width, 0.52 * height, 0.1 * unit), outline="black", width=stroke)
    draw.line([(0, 0.85 * height), (width, 0.85 * height)], fill="black", width=stroke)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def size_for_ratio(ratio: str | None, width: int) -> tuple[int, int]:
    """``"4:5"`` and a width -> (width, height); anything unreadable gives 4:5."""
    match = re.fullmatch(r"\s*(\d+)\s*:\s*(\d+)\s*", ratio or "")
    across, down = (int(match.group(1)), int(match.group(2))) if match else (4, 5)
    return width, round(width * down / max(across, 1))


def _box(center_x: float, center_y: float, radius: float) -> tuple[float, float, float, float]:
    return (center_x - radius, center_y - radius, center_x + radius, center_y + radius)


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


class _Handler(BaseHTTPRequestHandler):
    server_version = "ProviderStub/1.0"

    def do_POST(self) -> None:
        self._serve("POST")

    def do_GET(self) -> None:
        self._serve("GET")

    def _serve(self, method: str) -> None:
        stub: StubServer = self.server.stub  # type: ignore[attr-defined]
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = stub._handle(method, urlsplit(self.path).path, headers, raw)
        if reply.delay and stub._stopping.wait(reply.delay):
            return
        self._send(reply)

    def _send(self, reply: StubReply) -> None:
        body = reply.body
        content_type = "application/json"
        if isinstance(body, (dict, list)):
            payload = json.dumps(body).encode()
        else:
            payload = body.encode() if isinstance(body, str) else (body or b"")
            content_type = "text/plain; charset=utf-8"
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.headers.get("Content-Type", content_type))
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                if name.lower() != "content-type":
                    self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout): nothing left to tell it

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet
