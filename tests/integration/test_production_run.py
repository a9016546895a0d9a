"""Production mode without Docker: the Procfile under honcho, on the machine's PostgreSQL and Redis.

DEBUG off, JSON logs, uvicorn with 2 processes on one port, 2 Celery workers (prefork) and beat,
metrics added up across all of them through PROMETHEUS_MULTIPROC_DIR. Its own database
(INTEGRATION_DB_NAME + "_prod") and Redis db (INTEGRATION_REDIS_DB + 1), so it runs beside the
rest of the integration suite.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from pypdf import PdfReader

from tests.integration.conftest import (
    BIN,
    DB_NAME,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    PG_ADMIN_DSN,
    REDIS_DB,
    ROOT,
    Stack,
    _free_port,
    _tail,
    book_post,
    log_in,
    ws_headers,
)
from tests.integration.test_end_to_end import _watch_until_finished

pytestmark = pytest.mark.integration

PROD_DB = f"{DB_NAME}_prod"
PROD_REDIS_DB = (REDIS_DB + 1) % 16
STARTUP_SECONDS = 90  # migrations ran before; this is 5 processes importing Django on a busy machine
PROCESSES = ("web", "worker_io", "worker_cpu", "beat")


def _metric(base_url: str, name: str) -> float:
    response = requests.get(f"{base_url}/metrics", timeout=10)
    assert response.status_code == 200, response.text[:300]
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == name:
                return sample.value
    return 0.0


@pytest.fixture(scope="module")
def production(services, tmp_path_factory):
    """``honcho start`` of the Procfile's web, workers and beat, after its release line."""
    import psycopg
    import redis

    tmp = tmp_path_factory.mktemp("production")
    redis_client = redis.Redis(host="127.0.0.1", port=6379, db=PROD_REDIS_DB)

    def reset_database(create: bool) -> None:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PROD_DB} WITH (FORCE)")
            if create:
                conn.execute(f"CREATE DATABASE {PROD_DB}")

    reset_database(create=True)
    redis_client.flushdb()
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SENTRY_", "AWS_", "CSP_"))},
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        # No mail server here: emails go to the log, which production allows only when asked.
        "EMAIL_BACKEND": "",
        "ALLOW_CONSOLE_EMAIL": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{PROD_DB}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{PROD_REDIS_DB}",
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp / "metrics"),
        # Plain HTTP on loopback: the browser-side cookies may not insist on HTTPS here.
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DJANGO_SETTINGS_MODULE": "fabrica.settings",
        "PYTHONUNBUFFERED": "1",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "AI_TEXT_PROVIDERS": "offline",
        "AI_IMAGE_PROVIDERS": "offline",
        "AI_OFFLINE_FAILURE_RATE": "0",
        "LOG_LEVEL": "INFO",
    }
    env.pop("LOG_FORMAT", None)  # production's own default: JSON
    honcho = str(BIN / "honcho")

    release = subprocess.run(
        [honcho, "-f", "Procfile", "start", "release"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert release.returncode == 0, (
        f"the release line failed:\n{release.stdout[-4000:]}\n{release.stderr[-2000:]}"
    )
    assert (tmp / "metrics").is_dir(), "the release line prepares the metrics folder"
    demo = subprocess.run(
        [str(BIN / "python"), "manage.py", "ensure_demo_user"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert demo.returncode == 0, demo.stderr

    log = tmp / "honcho.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [honcho, "-f", "Procfile", "start", "-p", str(port), *PROCESSES],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    stack = Stack(base_url=base_url, ws_url=f"ws://127.0.0.1:{port}", env=env, tmp=tmp)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _ready(base_url):
            if process.poll() is not None:
                pytest.fail(f"honcho exited with {process.returncode}:\n{_tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"/readyz did not answer 200 within {STARTUP_SECONDS} s:\n{_tail(log)}")
            time.sleep(0.5)
        yield stack, process, log
    finally:
        leftovers = _descendants(process.pid)  # only if the test did not stop them itself
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for pid in leftovers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        reset_database(create=False)
        redis_client.flushdb()


def _descendants(pid: int) -> dict[int, str]:
    """Every live process under ``pid`` (honcho starts each of its processes in a session of its own,
    so the process group does not find them), with its command line."""
    parents, commands = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        if state != "Z":
            parents[int(entry.name)], commands[int(entry.name)] = int(ppid), command
    found, frontier = {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found[child] = commands[child]
                frontier.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _ready(base_url: str) -> bool:
    try:
        return requests.get(f"{base_url}/readyz", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def _worker_lines(log: Path) -> list[dict]:
    """The JSON log lines honcho copied from the workers (``12:00:00 worker_io.1 | {...}``)."""
    lines = []
    for line in log.read_text(errors="replace").splitlines():
        prefix, _, rest = line.partition("| ")
        if "worker" in prefix and rest.startswith("{"):
            try:
                lines.append(json.loads(rest))
            except json.JSONDecodeError:
                continue
    return lines


def _sign_up(stack: Stack, email: str) -> requests.Response:
    visitor = requests.Session()
    url = f"{stack.base_url}/accounts/signup/"
    visitor.get(url, timeout=10)
    form = {"email": email, "password1": "lapis-de-cor-42", "password2": "lapis-de-cor-42"}
    form["csrfmiddlewaretoken"] = visitor.cookies["csrftoken"]
    return visitor.post(url, data=form, headers={"Referer": url}, allow_redirects=False, timeout=30)


# Before the test below: it stops the stack.
def test_signing_up_in_production_does_not_tell_which_emails_have_accounts(production):
    stack, _honcho, log = production
    new = _sign_up(stack, f"nova-{uuid.uuid4().hex[:8]}@example.com")
    known = _sign_up(stack, DEMO_EMAIL)

    assert new.status_code == known.status_code == 302
    assert new.headers["Location"] == known.headers["Location"] == "/accounts/confirm-email/"
    deadline = time.monotonic() + 10
    while f"To: {DEMO_EMAIL}" not in log.read_text(errors="replace"):  # the console backend, on purpose
        assert time.monotonic() < deadline, f"no email to the account's owner:\n{_tail(log)}"
        time.sleep(0.5)


def test_the_procfile_runs_the_site_in_production_mode_and_stops_cleanly(production):
    stack, honcho, log = production
    readyz = requests.get(f"{stack.base_url}/readyz", timeout=10)
    assert readyz.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok", "storage": "ok"}
    # DEBUG is off: the policy and the security headers are there, /metrics is for loopback only.
    home = requests.get(stack.base_url, timeout=10)
    assert "Content-Security-Policy" in home.headers
    assert home.headers["X-Frame-Options"] == "DENY"

    children = _descendants(honcho.pid)
    commands = list(children.values())
    assert sum("celery -A fabrica worker" in c for c in commands) >= 1 + 3, (
        "worker_io: one process of threads; worker_cpu: a parent and 2 prefork children"
    )
    assert any("celery -A fabrica beat" in c for c in commands)
    assert sum("uvicorn" in c or "multiprocessing" in c for c in commands) >= 3, (
        "a supervisor and 2 web processes"
    )

    generated_before = _metric(stack.base_url, "fabrica_books_generated_total")
    parent = log_in(stack, DEMO_EMAIL, DEMO_PASSWORD)
    request_id = f"prod-{uuid.uuid4().hex[:12]}"
    parent.headers["X-Request-ID"] = request_id
    try:
        book_id = book_post(parent, stack, num_pages="5", theme="um farol que conta histórias")
    finally:
        del parent.headers["X-Request-ID"]
    snapshots = _watch_until_finished(
        f"{stack.ws_url}/ws/books/{book_id}/progress/", ws_headers(parent, stack)
    )
    final = snapshots[-1]
    assert final["status"] == "generated", f"the book failed: {final['error'] or final['message']}"
    assert [page["number"] for page in final["pages"]] == [1, 2, 3, 4, 5]
    assert all(page["status"] == "done" for page in final["pages"])

    # Counted in a worker process, read through a web process: the multiprocess folder adds them up.
    deadline = time.monotonic() + 10
    while _metric(stack.base_url, "fabrica_books_generated_total") < generated_before + 1:
        assert time.monotonic() < deadline, "books_generated did not move on /metrics"
        time.sleep(0.5)
    assert any(
        path.name.startswith("counter_") for path in Path(stack.env["PROMETHEUS_MULTIPROC_DIR"]).iterdir()
    )

    download = parent.get(stack.base_url + final["pdf_url"], allow_redirects=False, timeout=60)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(download.content)).pages) >= 5 + 2

    # The workers' JSON log lines name the request that asked for the book.
    tagged = [line for line in _worker_lines(log) if line.get("request_id") == request_id]
    assert tagged, f"no worker log line carries {request_id}:\n{_tail(log)}"
    assert any(line["logger"] == "fabrica.tasks" and "succeeded" in line["message"] for line in tagged)

    honcho.send_signal(signal.SIGTERM)
    honcho.wait(timeout=60)
    still_running = [command for pid, command in children.items() if _alive(pid)]
    assert still_running == [], f"still running after honcho stopped: {still_running}"
    assert honcho.returncode is not None
