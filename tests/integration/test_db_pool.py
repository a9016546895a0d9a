"""The connection pool on the real stack: one uvicorn process never holds more PostgreSQL
connections than its pool, however many requests arrive at once, and a request that cannot get
a connection within DB_POOL_TIMEOUT answers 503 with Retry-After instead of a database error.

Counted, not timed: the connections are those in pg_stat_activity under the server's own
application_name.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import psycopg
import pytest
import requests

from tests.integration.conftest import (
    BIN,
    DB_NAME,
    DEMO_EMAIL,
    PG_ADMIN_DSN,
    ROOT,
    Stack,
    _free_port,
    _healthz_ok,
    _start,
    _stop,
    _wait_for,
)

pytestmark = pytest.mark.integration

BURST = 100


@contextmanager
def _web_process(stack: Stack, name: str, **env: str) -> Iterator[str]:
    """One more uvicorn process on the stack's database, its connections named ``name``."""
    port = _free_port()
    env = {**stack.env, "DATABASE_URL": f"{stack.env['DATABASE_URL']}?application_name={name}", **env}
    server, _ = _start(
        name,
        [
            str(BIN / "uvicorn"), "fabrica.asgi:application", "--host", "127.0.0.1",
            "--port", str(port), "--lifespan", "off",
        ],
        env,
        stack.tmp,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{name} (/healthz)", lambda: _healthz_ok(base_url), [server])
        yield base_url
    finally:
        _stop(server)


def _connections(name: str) -> int:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [name]
        ).fetchone()[0]


class _Sampler(threading.Thread):
    """The most connections seen at once while the burst runs."""

    def __init__(self, name: str):
        super().__init__(daemon=True)
        self.name_seen, self.most, self.done = name, 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.most = max(self.most, _connections(self.name_seen))
            time.sleep(0.01)


def test_a_burst_of_100_requests_never_opens_more_connections_than_the_pool(stack, parent):
    name = "fabrica-pool-burst"
    with _web_process(
        stack, name, DB_POOL_MIN_SIZE="1", DB_POOL_MAX_SIZE="4", DB_POOL_TIMEOUT="60", WEB_MAX_INFLIGHT="0"
    ) as url:
        sampler = _Sampler(name)
        sampler.start()
        cookies = parent.cookies.get_dict()
        with ThreadPoolExecutor(max_workers=BURST) as pool:
            statuses = list(
                pool.map(
                    lambda _: requests.get(f"{url}/books/", cookies=cookies, timeout=120).status_code,
                    range(BURST),
                )
            )
        sampler.done.set()
        sampler.join()

    assert statuses == [200] * BURST
    assert 1 <= sampler.most <= 4, f"{sampler.most} connections at once with a pool of 4"


@contextmanager
def _tables_locked(*tables: str) -> Iterator[None]:
    """Hold the tables every signed-in request reads, so a request keeps its connection waiting."""
    with psycopg.connect(PG_ADMIN_DSN.replace("dbname=postgres", f"dbname={DB_NAME}")) as conn:
        conn.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
        yield


def _waiting_on_a_lock(name: str) -> bool:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND wait_event_type = 'Lock'",
            [name],
        ).fetchone()
    return row[0] > 0


def test_a_request_that_waits_longer_than_the_pool_timeout_answers_503(stack, parent):
    name = "fabrica-pool-exhausted"
    raw_key = stack.manage("api_token", DEMO_EMAIL, "--name", "pool-timeout").strip()
    cookies = parent.cookies.get_dict()
    with (
        _web_process(stack, name, DB_POOL_MIN_SIZE="0", DB_POOL_MAX_SIZE="1", DB_POOL_TIMEOUT="1") as url,
        ThreadPoolExecutor(max_workers=1) as background,
    ):
        with _tables_locked("django_session", "accounts_user"):
            holder = background.submit(requests.get, f"{url}/books/", cookies=cookies, timeout=60)
            _wait_for("the first request to hold the only connection", lambda: _waiting_on_a_lock(name), [])
            api = requests.get(
                f"{url}/api/v1/me/", headers={"Authorization": f"Bearer {raw_key}"}, timeout=30
            )
            page = requests.get(f"{url}/books/", cookies=cookies, timeout=30)
        first = holder.result(timeout=60)

    assert api.status_code == 503
    assert api.json()["error"]["code"] == "service_unavailable"
    assert api.headers["Retry-After"]
    assert page.status_code == 503
    assert page.headers["Retry-After"]
    assert "503" in page.text
    assert first.status_code == 200


def _check_database(stack: Stack, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "python"), "manage.py", "check", "--database", "default"],
        cwd=ROOT,
        env={**stack.env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_start_up_check_refuses_pools_that_exceed_max_connections(stack):
    fits = _check_database(stack)
    too_many = _check_database(stack, WEB_CONCURRENCY="20", DB_POOL_MAX_SIZE="10")

    assert fits.returncode == 0, fits.stderr
    assert too_many.returncode != 0
    assert "fabrica.E010" in too_many.stderr
    assert "web 20 × DB_POOL_MAX_SIZE 10 = 200" in too_many.stderr


def test_a_saturated_web_process_refuses_at_the_door_but_answers_probes(stack, parent):
    name = "fabrica-admission"
    cookies = parent.cookies.get_dict()
    with (
        _web_process(stack, name, WEB_MAX_INFLIGHT="1", DB_POOL_TIMEOUT="30") as url,
        ThreadPoolExecutor(max_workers=1) as background,
    ):
        with _tables_locked("django_session", "accounts_user"):
            holder = background.submit(requests.get, f"{url}/books/", cookies=cookies, timeout=60)
            _wait_for("the first request to be in flight", lambda: _waiting_on_a_lock(name), [])
            started = time.monotonic()
            refused = requests.get(f"{url}/books/", cookies=cookies, timeout=30)
            refused_in = time.monotonic() - started
            api = requests.get(f"{url}/api/v1/books/", timeout=30)
            probe = requests.get(f"{url}/healthz", timeout=30)
        first = holder.result(timeout=60)

    assert refused.status_code == 503 and refused.headers["Retry-After"]
    assert refused_in < 10, "refused at the door, not after waiting for the database"
    assert api.status_code == 503 and api.json()["error"]["code"] == "service_unavailable"
    assert probe.status_code == 200
    assert first.status_code == 200
