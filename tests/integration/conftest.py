"""The real stack for the integration suite: PostgreSQL, Redis, a Celery worker and uvicorn.

Nothing here uses pytest-django's test database: the site runs in subprocesses
against a throwaway ``fabrica_integration`` database and Redis db 15
(``INTEGRATION_DB_NAME`` / ``INTEGRATION_REDIS_DB`` choose others).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
# Two runs at once (say, two developers' checkouts) can each pick their own database and Redis db.
DB_NAME = os.environ.get("INTEGRATION_DB_NAME", "fabrica_integration")
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_DB = int(os.environ.get("INTEGRATION_REDIS_DB", "15"))
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
DEMO_EMAIL = "demo@fabrica.local"
DEMO_PASSWORD = "colorir-2026"
STARTUP_SECONDS = 30

# Log files of the running subprocesses, attached to the report of any failing test.
_LOGS: list[Path] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and _LOGS:
        for path in _LOGS:
            report.sections.append((f"{path.name} (last 80 lines)", _tail(path)))
    return report


def _tail(path: Path, lines: int = 80) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(cannot read {path}: {exc})"


@dataclass(frozen=True)
class Stack:
    base_url: str
    ws_url: str
    env: dict[str, str]
    tmp: Path
    # Every Celery worker started so far; the last one is the one running.
    workers: list[subprocess.Popen] = field(default_factory=list, repr=False)

    def manage(self, *args: str) -> str:
        return _run([str(BIN / "python"), "manage.py", *args], self.env)

    @contextmanager
    def worker_env(self, **extra: str) -> Iterator[None]:
        """Run the Celery worker with ``extra`` environment variables inside the block, the usual one after.

        The worker is replaced rather than joined by a second one, so no task of the block can
        land on a worker without ``extra``.
        """
        self._replace_worker({**self.env, **extra})
        try:
            yield
        finally:
            self._replace_worker(self.env)

    def _replace_worker(self, env: dict[str, str]) -> None:
        _stop(self.workers[-1])
        self.workers.append(_start_worker(env, self.tmp, name=f"celery-worker-{len(self.workers) + 1}"))
        _wait_for("the Celery worker", _worker_answers_ping, self.workers[-1:])


def _run(cmd: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(cmd[1:])} exited with {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def services():
    """PostgreSQL and Redis on 127.0.0.1: skip without them, unless CI=true demands them."""
    import psycopg
    import redis

    problems = []
    try:
        psycopg.connect(PG_ADMIN_DSN, connect_timeout=3).close()
    except psycopg.Error as exc:
        problems.append(f"PostgreSQL: {exc}".strip())
    try:
        redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        problems.append(f"Redis: {exc}")
    if problems:
        if os.environ.get("CI") == "true":
            pytest.fail("integration: CI=true but " + "; ".join(problems), pytrace=False)
        pytest.skip("integration: PostgreSQL/Redis not reachable on 127.0.0.1 (set CI=true to require them)")


@pytest.fixture(scope="session")
def integration_db(services):
    """A fresh ``fabrica_integration`` database and an empty Redis db 15, both cleaned up afterwards."""
    import psycopg
    import redis

    def drop_and_maybe_create(create: bool) -> None:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            if create:
                conn.execute(f"CREATE DATABASE {DB_NAME}")

    cache = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    drop_and_maybe_create(create=True)
    cache.flushdb()
    yield DATABASE_URL
    drop_and_maybe_create(create=False)
    cache.flushdb()


def _start(name: str, cmd: list[str], env: dict[str, str], tmp: Path) -> tuple[subprocess.Popen, Path]:
    log = tmp / f"{name}.log"
    _LOGS.append(log)
    with log.open("wb") as out:
        process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return process, log


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the group this fixture started: the worker and its children
        process.wait(timeout=5)


def _start_worker(env: dict[str, str], tmp: Path, *, name: str) -> subprocess.Popen:
    worker, _ = _start(
        name,
        [
            str(BIN / "celery"), "-A", "fabrica", "worker", "--loglevel=warning", "--concurrency=4",
            "--queues=" + ",".join(settings.WORK_QUEUES),  # one worker for every kind of work
            "--pool=prefork", "--hostname=integration@%h", "--without-mingle", "--without-gossip",
        ],
        env,
        tmp,
    )  # fmt: skip
    return worker


def _wait_for(what: str, ready, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                pytest.fail(f"{what}: {process.args[0]} exited with {process.returncode} (see its log)")
        if ready():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} was not ready within {STARTUP_SECONDS} s (see the logs)")


def _worker_answers_ping() -> bool:
    from celery import Celery

    app = Celery("integration-probe", broker=REDIS_URL, set_as_current=False)
    try:
        return bool(app.control.ping(timeout=0.5))
    except Exception:  # the broker connection itself is what we are waiting for
        return False
    finally:
        app.close()


def _healthz_ok(base_url: str) -> bool:
    try:
        return requests.get(f"{base_url}/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope="session")
def stack(integration_db, tmp_path_factory) -> Stack:
    """Migrated database, demo user, a prefork Celery worker and uvicorn, all as real processes."""
    tmp = tmp_path_factory.mktemp("integration")
    (tmp / "media").mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": integration_db,
        "REDIS_URL": REDIS_URL,
        "DEBUG": "1",
        "MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_SETTINGS_MODULE": "fabrica.settings",
        "PYTHONUNBUFFERED": "1",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "AI_TEXT_PROVIDERS": "offline",
        "AI_IMAGE_PROVIDERS": "offline",
        "AI_OFFLINE_FAILURE_RATE": "0",
    }
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    stack = Stack(base_url=base_url, ws_url=f"ws://127.0.0.1:{port}", env=env, tmp=tmp)
    stack.manage("migrate", "--noinput")

    stack.workers.append(_start_worker(env, tmp, name="celery-worker"))
    server, _ = _start(
        "uvicorn",
        [
            str(BIN / "uvicorn"), "fabrica.asgi:application", "--host", "127.0.0.1", "--port", str(port),
            "--lifespan", "off",
        ],
        env,
        tmp,
    )  # fmt: skip
    try:
        stack.manage("seed_catalog")
        assert DEMO_EMAIL in stack.manage("ensure_demo_user")
        _wait_for("the Celery worker", _worker_answers_ping, stack.workers[-1:])
        _wait_for("uvicorn (/healthz)", lambda: _healthz_ok(base_url), [server])
        yield stack
    finally:
        _stop(server)
        _stop(stack.workers[-1])


def log_in(stack: Stack, email: str, password: str) -> requests.Session:
    """Log in through the real allauth form, as a browser would."""
    session = requests.Session()
    login_url = f"{stack.base_url}/accounts/login/"
    assert session.get(login_url, timeout=10).status_code == 200
    response = session.post(
        login_url,
        data={"login": email, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": login_url},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, f"login as {email} answered {response.status_code}"
    assert session.get(f"{stack.base_url}/books/", allow_redirects=False, timeout=10).status_code == 200
    return session


def book_post(session: requests.Session, stack: Stack, **fields: str) -> str:
    """Fill in the new-book form and return the new book's id (from the redirect to its page)."""
    new_url = f"{stack.base_url}/books/new/"
    assert session.get(new_url, timeout=10).status_code == 200
    data = {
        "style": "cartoon",
        "num_pages": "8",
        "language": "pt-BR",
        "age_range": "4-6",
        "narrative_source": "generated",
        "theme": "dinossauros e amizade",
        "educational_goal": "amizade",
        "title": "",
        "story": "",
        **fields,
        "csrfmiddlewaretoken": session.cookies["csrftoken"],
    }
    response = session.post(
        new_url, data=data, headers={"Referer": new_url}, allow_redirects=False, timeout=10
    )
    assert response.status_code == 302, (
        f"creating a book answered {response.status_code}: {response.text[:2000]}"
    )
    location = response.headers["Location"]
    assert location.startswith("/books/") and location.endswith("/"), location
    return location.removeprefix("/books/").removesuffix("/")


def ws_headers(session: requests.Session, stack: Stack) -> dict[str, str]:
    return {"Cookie": f"sessionid={session.cookies['sessionid']}", "Origin": stack.base_url}


@pytest.fixture(scope="session")
def parent(stack) -> requests.Session:
    """The demo parent, logged in."""
    return log_in(stack, DEMO_EMAIL, DEMO_PASSWORD)


@pytest.fixture(scope="session")
def other_parent(stack) -> requests.Session:
    """A second parent with a verified email, logged in."""
    email, password = "outra-familia@fabrica.local", "outra-senha-longa-2026"
    stack.manage(
        "shell",
        "-c",
        "from allauth.account.models import EmailAddress\n"
        "from accounts.models import Tier, User\n"
        f"user = User.objects.create_user(email={email!r}, password={password!r}, tier=Tier.default())\n"
        "EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)\n",
    )
    return log_in(stack, email, password)


@pytest.fixture(scope="session")
def parents_book(stack, parent) -> str:
    """A small book of the demo parent's (its generation may still be running)."""
    return book_post(parent, stack, num_pages="5", theme="um gato que aprende a dividir")
