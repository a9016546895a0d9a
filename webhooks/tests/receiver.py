"""A real HTTP server on 127.0.0.1 that records what it receives and answers as it is told."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b"ok"
    delay: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()


class Receiver:
    """``with Receiver() as receiver``: its ``url``, ``plan(Answer(...), ...)`` and ``received``.

    Planned answers are used in order; after them every request gets ``default``.
    """

    def __init__(self, default: Answer = Answer(), host: str = "127.0.0.1"):
        self.default = default
        self.received: list[Received] = []
        self._plan: deque[Answer] = deque()
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer((host, 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_port
        self.url = f"http://{host}:{self.port}/hooks/fabrica"

    def plan(self, *answers: Answer) -> None:
        with self._lock:
            self._plan.extend(answers)

    def wait_for(self, count: int, timeout: float) -> list[Received]:
        """The requests received, once there are ``count`` of them (or ``timeout`` passes)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count and time.monotonic() < deadline:
                self._arrived.wait(timeout=max(0.0, deadline - time.monotonic()))
            return list(self.received)

    def __enter__(self) -> Receiver:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next_answer(self, request: Received) -> Answer:
        with self._arrived:
            self.received.append(request)
            self._arrived.notify_all()
            return self._plan.popleft() if self._plan else self.default

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                answer = receiver._next_answer(Received(self.path, dict(self.headers.items()), body))
                time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers:
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except OSError:
                    pass  # the sender gave up waiting (a timeout being tested)

            def log_message(self, format, *args):
                pass

        return Handler
