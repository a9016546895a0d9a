"""A stack whose parts a test can break: the fault-injection suite's fixtures.

Like the integration stack (tests/integration/conftest.py, whose helpers this reuses), the site
runs as real processes: a prefork Celery worker and uvicorn over PostgreSQL and Redis. Here every
part can be taken away and brought back without touching the machine's own services:

- Redis is a private ``redis-server`` on a free port, persistence off, so a restart loses every
  queued message, as a crashed Redis without persistence would;
- PostgreSQL is reached through a small TCP proxy in this process that can be stopped (new
  connections refused, open ones cut) and started again on the same port;
- the worker and uvicorn are process groups that can be SIGKILLed and started again.

The database is ``<INTEGRATION_DB_NAME>_reliability`` (``RELIABILITY_DB_NAME`` chooses another),
so this suite and the integration suite can share one pytest session.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings

from tests.integration.conftest import (  # noqa: F401  (fixtures and the log-tail hook, reused)
    BIN,
    DB_NAME,
    PG_ADMIN_DSN,
    _free_port,
    _healthz_ok,
    _run,
    _start,
    _stop,
    _wait_for,
    log_in,
    pytest_runtest_makereport,
    services,
)

RELIABILITY_DB = os.environ.get("RELIABILITY_DB_NAME", f"{DB_NAME}_reliability")
PG_HOST, PG_PORT = "127.0.0.1", 5432
DIRECT_DSN = f"host={PG_HOST} port={PG_PORT} user=postgres dbname={RELIABILITY_DB}"
# Offline provider latency: slow enough that a test can act in the middle of a book.
IMAGE_DELAY = 1.0
TEXT_DELAY = 0.5


def query(sql: str, *params) -> list[tuple]:
    """Read the database directly (not through the proxy), so a test sees it during an outage."""
    with psycopg.connect(DIRECT_DSN, connect_timeout=5) as conn:
        return conn.execute(sql, params).fetchall()


# --- a private Redis ------------------------------------------------------------------------


class RedisServer:
    """``redis-server`` without persistence on a port of its own."""

    def __init__(self, tmp: Path) -> None:
        self.port = _free_port()
        self.tmp = tmp
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.starts += 1
        self.process, _ = _start(
            f"redis-{self.starts}",
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(self.tmp), "--protected-mode", "no",
            ],
            os.environ.copy(),
            self.tmp,
        )  # fmt: skip
        _wait_for("redis-server", self.answers, [self.process])

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        """SIGKILL: no shutdown save, no goodbye to the clients."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


# --- a PostgreSQL that can go away -------------------------------------------------------------


class TcpProxy:
    """Forwards 127.0.0.1:<port> to PostgreSQL; ``stop`` refuses and cuts, ``start`` serves again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = _free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)  # shutdown wakes the thread blocked in accept(); the port is free at once
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                if self._listener is not listener:
                    _close(client)
                    _close(upstream)
                    return
                self._sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                _close(sock)
                with self._lock:
                    self._sockets.discard(sock)


def _close(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


# --- the stack ---------------------------------------------------------------------------------


def _worker_command(name: str) -> list[str]:
    return [
        str(BIN / "celery"), "-A", "fabrica", "worker", "--loglevel=warning", "--concurrency=4",
            "--queues=" + ",".join(settings.WORK_QUEUES),  # one worker for every kind of work
        "--pool=prefork", f"--hostname={name}@%h", "--without-mingle", "--without-gossip",
    ]  # fmt: skip


@dataclass
class FaultStack:
    base_url: str
    ws_url: str
    port: int
    env: dict[str, str]
    tmp: Path
    redis: RedisServer
    pg: TcpProxy
    workers: list[subprocess.Popen] = field(default_factory=list, repr=False)
    webs: list[subprocess.Popen] = field(default_factory=list, repr=False)
    worker_extra: dict[str, str] = field(default_factory=dict)

    def manage(self, *args: str) -> str:
        return _run([str(BIN / "python"), "manage.py", *args], self.env)

    def shell(self, code: str) -> str:
        return self.manage("shell", "--verbosity=0", "-c", code)

    # The Celery worker
    def worker_start(self) -> None:
        name = f"faults-worker-{len(self.workers) + 1}"
        process, _ = _start(name, _worker_command(name), {**self.env, **self.worker_extra}, self.tmp)
        self.workers.append(process)
        _wait_for("the Celery worker", self.worker_answers, self.workers[-1:])

    def worker_answers(self) -> bool:
        from celery import Celery

        app = Celery("faults-probe", broker=self.env["REDIS_URL"], set_as_current=False)
        try:
            return bool(app.control.ping(timeout=0.5))
        except Exception:  # the broker connection itself is what we are waiting for
            return False
        finally:
            app.close()

    def worker_kill(self) -> None:
        """SIGKILL the worker's whole process group: the main process and every prefork child."""
        worker = self.workers[-1]
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    def worker_stop(self) -> None:
        _stop(self.workers[-1])

    @contextmanager
    def worker_env(self, **extra: str) -> Iterator[None]:
        """A worker with ``extra`` environment variables inside the block, the usual one after."""
        self.worker_stop()
        self.worker_extra = extra
        self.worker_start()
        try:
            yield
        finally:
            self.worker_stop()
            self.worker_extra = {}
            self.worker_start()

    # The web process
    def web_start(self) -> None:
        process, _ = _start(
            f"uvicorn-{len(self.webs) + 1}",
            [
                str(BIN / "uvicorn"), "fabrica.asgi:application", "--host", "127.0.0.1",
                "--port", str(self.port), "--lifespan", "off",
            ],
            self.env,
            self.tmp,
        )  # fmt: skip
        self.webs.append(process)
        _wait_for("uvicorn (/healthz)", lambda: _healthz_ok(self.base_url), self.webs[-1:])

    def web_kill(self) -> None:
        web = self.webs[-1]
        os.killpg(web.pid, signal.SIGKILL)
        web.wait(timeout=10)

    # Helpers
    def parent(self, email: str) -> requests.Session:
        """A new parent with room for many books (quotas are not what these tests are about)."""
        password = "uma-senha-bem-longa-2026"
        self.shell(
            "from allauth.account.models import EmailAddress\n"
            "from accounts.models import Tier, User\n"
            f"user = User.objects.create_user(email={email!r}, password={password!r}, tier=Tier.default(),"
            " daily_requests_override=500, max_concurrent_books_override=20)\n"
            "EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)\n"
        )
        return log_in(self, email, password)

    def resume(self, *, since: float) -> str:
        """``books_resume`` as the operator (or the periodic job) runs it: pages claimed before
        ``since`` (a wall-clock time after which none of them can still be drawing) are taken back."""
        return self.shell(
            "import time\nfrom datetime import timedelta\nfrom books.generation import books_resume\n"
            f"print(books_resume(stale_after=timedelta(seconds=max(0.0, time.time() - {since!r}))))"
        )

    def ensure_healthy(self) -> None:
        """Whatever a test broke, the next one finds every part running."""
        if self.pg._listener is None:
            self.pg.start()
        if self.redis.process is None or self.redis.process.poll() is not None:
            self.redis.start()
        if self.webs[-1].poll() is not None:
            self.web_start()
        if self.workers[-1].poll() is not None:
            self.worker_start()
        _wait_for("the Celery worker", self.worker_answers, self.workers[-1:])


@pytest.fixture(scope="session")
def faults_db(services):  # noqa: F811  (the imported fixture, requested)
    def drop_and_maybe_create(create: bool) -> None:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {RELIABILITY_DB} WITH (FORCE)")
            if create:
                conn.execute(f"CREATE DATABASE {RELIABILITY_DB}")

    drop_and_maybe_create(create=True)
    yield RELIABILITY_DB
    drop_and_maybe_create(create=False)


@pytest.fixture(scope="session")
def fault_stack(faults_db, tmp_path_factory) -> Iterator[FaultStack]:
    tmp = tmp_path_factory.mktemp("reliability")
    (tmp / "media").mkdir()
    redis_server = RedisServer(tmp)
    proxy = TcpProxy((PG_HOST, PG_PORT))
    redis_server.start()
    proxy.start()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{proxy.port}/{faults_db}",
        "REDIS_URL": redis_server.url,
        "DEBUG": "1",
        "MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_SETTINGS_MODULE": "fabrica.settings",
        "PYTHONUNBUFFERED": "1",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "AI_TEXT_PROVIDERS": "offline",
        "AI_IMAGE_PROVIDERS": "offline",
        "AI_OFFLINE_FAILURE_RATE": "0",
        "AI_OFFLINE_IMAGE_DELAY": str(IMAGE_DELAY),
        "AI_OFFLINE_TEXT_DELAY": str(TEXT_DELAY),
        "PAGE_IMAGE_WIDTH": "600",
        "PAGE_IMAGE_HEIGHT": "750",
        # The shared 2-core machine is slow at times: no book of these tests may fail on time.
        "BOOK_GENERATION_DEADLINE": "900",
        "API_BOOK_CREATE_RATE": "1000/min",
    }
    port = _free_port()
    stack = FaultStack(
        base_url=f"http://127.0.0.1:{port}",
        ws_url=f"ws://127.0.0.1:{port}",
        port=port,
        env=env,
        tmp=tmp,
        redis=redis_server,
        pg=proxy,
    )
    try:
        stack.manage("migrate", "--noinput")
        stack.manage("seed_catalog")
        stack.worker_start()
        stack.web_start()
        yield stack
    finally:
        for process in [*stack.webs, *stack.workers]:
            if process.poll() is None:
                _stop(process)
        redis_server.kill()
        proxy.stop()


@pytest.fixture
def stack(fault_stack: FaultStack) -> Iterator[FaultStack]:
    """The fault stack, whole again after each test."""
    fault_stack.ensure_healthy()
    yield fault_stack
    fault_stack.ensure_healthy()


def book_status(book_id: str) -> tuple[str, str]:
    [(status, error)] = query("SELECT status, error_message FROM books_book WHERE id = %s", book_id)
    return status, error


def page_rows(book_id: str) -> dict[int, dict]:
    rows = query(
        "SELECT number, status, attempts, sha256, image, provider FROM books_page WHERE book_id = %s",
        book_id,
    )
    return {
        number: {"status": status, "attempts": attempts, "sha256": sha, "image": image, "provider": provider}
        for number, status, attempts, sha, image, provider in rows
    }


def wait_until(what: str, condition, *, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"{what}: not within {timeout:.0f} s")


def wait_finished(book_id: str, *, timeout: float = 180) -> str:
    """The book's final status (generated or failed), waiting for it."""
    return wait_until(
        f"book {book_id} finished",
        lambda: (status := book_status(book_id)[0]) in ("generated", "failed") and status,
        timeout=timeout,
    )
