"""Operations on the real stack: the readiness probe against real PostgreSQL and Redis, and the
request id carried from an HTTP request into the worker's log lines."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from tests.integration.conftest import BIN, _free_port, _start, _stop, _wait_for, book_post, log_in

pytestmark = pytest.mark.integration


def test_readyz_is_ok_on_the_running_stack(stack):
    response = requests.get(f"{stack.base_url}/readyz", timeout=10)

    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok", "storage": "ok"}


def test_readyz_names_redis_when_it_points_at_a_closed_port(stack):
    port, closed = _free_port(), _free_port()
    env = {**stack.env, "REDIS_URL": f"redis://127.0.0.1:{closed}/15"}
    server, _ = _start(
        "uvicorn-no-redis",
        [
            str(BIN / "uvicorn"), "fabrica.asgi:application", "--host", "127.0.0.1",
            "--port", str(port), "--lifespan", "off",
        ],
        env,
        stack.tmp,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for("uvicorn without Redis (/healthz)", lambda: _answers(f"{base_url}/healthz"), [server])
        response = requests.get(f"{base_url}/readyz", timeout=15)
    finally:
        _stop(server)

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache", "broker"]
    assert body["checks"]["database"] == "ok"


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


class TcpProxy:
    """A TCP relay on a loopback port to a real service; ``stop()`` is the service going away
    (new connections refused, open ones cut) without touching the machine's PostgreSQL or Redis."""

    def __init__(self, target_port: int, port: int | None = None):
        self.target_port = target_port
        self.port = port or _free_port()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()

    def start(self) -> TcpProxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        with self._lock:
            if self._listener is not None:
                # shutdown() wakes the thread blocked in accept(); close() alone would not.
                with contextlib.suppress(OSError):
                    self._listener.shutdown(socket.SHUT_RDWR)
                self._listener.close()
                self._listener = None
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            if self._listener is not listener:  # accepted just as it stopped
                client.close()
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def _through(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


def _readyz(base_url: str) -> tuple[int, dict]:
    response = requests.get(f"{base_url}/readyz", timeout=20)
    return response.status_code, response.json()


def test_readyz_names_postgresql_or_redis_while_it_is_stopped_and_recovers(stack):
    postgres, redis_ = TcpProxy(5432).start(), TcpProxy(6379).start()
    port = _free_port()
    env = {
        **stack.env,
        "DATABASE_URL": _through(stack.env["DATABASE_URL"], postgres.port),
        "REDIS_URL": _through(stack.env["REDIS_URL"], redis_.port),
    }
    server, _ = _start(
        "uvicorn-behind-proxies",
        [
            str(BIN / "uvicorn"), "fabrica.asgi:application", "--host", "127.0.0.1",
            "--port", str(port), "--lifespan", "off",
        ],
        env,
        stack.tmp,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for("uvicorn behind the proxies (/healthz)", lambda: _answers(f"{base_url}/healthz"), [server])
        assert _readyz(base_url) == (
            200,
            {
                "status": "ok",
                "checks": {"database": "ok", "cache": "ok", "broker": "ok", "storage": "ok"},
                "failed": [],
            },
        )

        postgres.stop()
        status, body = _readyz(base_url)
        assert status == 503
        assert body["failed"] == ["database"]
        assert body["checks"]["database"].startswith("failed: ")
        assert requests.get(f"{base_url}/healthz", timeout=10).status_code == 200, "alive, just not ready"

        postgres = TcpProxy(5432, port=postgres.port).start()
        assert _readyz(base_url)[0] == 200

        redis_.stop()
        status, body = _readyz(base_url)
        assert status == 503
        assert body["failed"] == ["cache", "broker"]
        assert body["checks"]["database"] == "ok"

        redis_ = TcpProxy(6379, port=redis_.port).start()
        assert _readyz(base_url)[0] == 200
    finally:
        _stop(server)
        postgres.stop()
        redis_.stop()


def test_the_request_id_of_the_click_appears_in_the_worker_log_lines(stack):
    """The worker logs warnings while the provider fails; each names the request that made the book."""
    email, password = "ops-logs@fabrica.local", "registro-de-pedidos-2026"
    stack.manage(
        "shell",
        "-c",
        "from allauth.account.models import EmailAddress\n"
        "from accounts.models import Tier, User\n"
        f"user = User.objects.create_user(email={email!r}, password={password!r}, tier=Tier.default())\n"
        "EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)\n",
    )
    session = log_in(stack, email, password)
    request_id = f"it-{uuid.uuid4().hex[:16]}"

    with stack.worker_env(AI_OFFLINE_FAILURE_RATE="1", AI_RETRY_BACKOFF_SECONDS="0"):
        worker_log = stack.tmp / f"celery-worker-{len(stack.workers)}.log"
        session.headers["X-Request-ID"] = request_id
        try:
            book_post(session, stack, num_pages="5", theme="um relógio que perdeu as horas")
        finally:
            del session.headers["X-Request-ID"]
        deadline = time.monotonic() + 60
        while not (lines := [line for line in worker_log.read_text().splitlines() if request_id in line]):
            assert time.monotonic() < deadline, f"no line of {worker_log.name} names {request_id}"
            time.sleep(0.5)

    assert any("WARNING" in line for line in lines), lines
    assert all(f"[{request_id}]" in line for line in lines), "the id sits in its own field of the line"
