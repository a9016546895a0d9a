"""The production-mode run on this machine, for the load test: the repo's Procfile under honcho.

DEBUG=0, the local PostgreSQL (a throwaway ``fabrica_bench`` database) and Redis (db 3),
``web`` (uvicorn, 2 processes), ``worker_io`` and ``worker_cpu`` (Celery) and ``beat``, the
offline AI provider with simulated latency (text 1 s, image 2 s). Loopback only, on a free port.

    .venv/bin/python bench/stack.py            # start it and wait for Ctrl-C
    .venv/bin/python bench/stack.py --keep-db  # leave the database behind afterwards
    .venv/bin/python bench/stack.py --shared-cpu  # no taskset: web and workers share every CPU

With 2+ CPUs (and taskset) the web processes are pinned to CPU 0 and Celery to CPU 1
(bench/cpu_pinning.py), standing in for production where workers run on other machines.

bench/load.py uses ``production_stack()`` from here.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from cpu_pinning import WEB_CPU, WORKER_CPU, pin_stack, pinning_possible

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
STARTUP_SECONDS = 90


@dataclass(frozen=True)
class ProductionStack:
    base_url: str
    env: dict[str, str]
    tmp: Path
    log: Path

    def manage(self, *args: str, stdin: str | None = None, timeout: float = 300) -> str:
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} exited {result.returncode}:\n{result.stderr[-4000:]}"
            )
        return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile_processes() -> list[str]:
    """Every process of the production stack: each Procfile line but the one-shot release."""
    names = []
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line and not line.startswith("#") and ":" in line:
            names.append(line.split(":", 1)[0].strip())
    return [name for name in names if name != "release"]


def procfile_workers() -> list[str]:
    return [name for name in procfile_processes() if "celery -A fabrica worker" in procfile_command(name)]


def procfile_command(name: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit(f"The Procfile has no {name!r} process.")


def _database(name: str, *, create: bool) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if create:
            conn.execute(f"CREATE DATABASE {name}")


def _flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def stack_env(
    *, db_name: str, redis_db: int, port: int, tmp: Path, text_delay: float, image_delay: float
) -> dict:
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        # No mail server on the bench: emails go to the log, which production allows only when asked.
        "ALLOW_CONSOLE_EMAIL": "1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db_name}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "HOST": "127.0.0.1",
        # Plain HTTP on loopback: no TLS in front of it.
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": str(tmp / "media"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp / "prometheus"),
        "DJANGO_SETTINGS_MODULE": "fabrica.settings",
        "PYTHONUNBUFFERED": "1",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "AI_TEXT_PROVIDERS": "offline",
        "AI_IMAGE_PROVIDERS": "offline",
        "AI_OFFLINE_TEXT_DELAY": str(text_delay),
        "AI_OFFLINE_IMAGE_DELAY": str(image_delay),
        "AI_OFFLINE_FAILURE_RATE": "0",
        # Every simulated parent signs in from 127.0.0.1: the per-IP login limit would refuse them.
        "ACCOUNT_LOGIN_RATE": "10000/m/ip",
        "ACCOUNT_LOGIN_FAILED_RATE": "10000/m/ip,5/300s/key",
        # A reverse proxy keeps its idle connections shorter than the app server's; locust's
        # pool has no idle limit, so uvicorn's 5 s default races it (resets on reused sockets).
        "UVICORN_TIMEOUT_KEEP_ALIVE": "75",
    }


def _ready(base_url: str, env: dict[str, str]) -> bool:
    try:
        if requests.get(f"{base_url}/readyz", timeout=3).status_code != 200:
            return False
    except requests.RequestException:
        return False
    from celery import Celery

    app = Celery("bench-probe", broker=env["REDIS_URL"], set_as_current=False)
    try:
        return len(app.control.ping(timeout=1.0) or []) >= len(procfile_workers())
    except Exception:  # the broker itself may not be answering yet
        return False
    finally:
        app.close()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # honcho passes it on to every process it started
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the session this script started, nothing else
        process.wait(timeout=10)


@contextmanager
def production_stack(
    *,
    db_name: str = "fabrica_bench",
    redis_db: int = 3,
    port: int | None = None,
    text_delay: float = 1.0,
    image_delay: float = 2.0,
    keep_db: bool = False,
    pin_cpus: bool | None = None,
) -> Iterator[ProductionStack]:
    """``pin_cpus`` (default: on with 2+ CPUs and taskset): web on one CPU, Celery on the other."""
    port = port or free_port()
    tmp = Path(tempfile.mkdtemp(prefix="fabrica-bench-"))
    (tmp / "media").mkdir()
    (tmp / "prometheus").mkdir()
    env = stack_env(
        db_name=db_name, redis_db=redis_db, port=port, tmp=tmp, text_delay=text_delay, image_delay=image_delay
    )
    _database(db_name, create=True)
    _flush_redis(env["REDIS_URL"])
    base_url = f"http://127.0.0.1:{port}"
    log = tmp / "honcho.log"
    stack = ProductionStack(base_url=base_url, env=env, tmp=tmp, log=log)
    print(f"[stack] {db_name}, redis db {redis_db}, logs in {log}", flush=True)
    # The Procfile's release step: migrate, the catalog, static files, translations.
    release = subprocess.run(
        procfile_command("release"),
        shell=True,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if release.returncode != 0:
        _database(db_name, create=False)
        raise RuntimeError(
            f"the Procfile's release step failed:\n{release.stdout[-2000:]}{release.stderr[-4000:]}"
        )
    command = [
        str(BIN / "honcho"),
        "start",
        "-f",
        "Procfile",
        "-p",
        str(port),
        "--no-colour",
        *procfile_processes(),
    ]
    with log.open("wb") as out:
        honcho = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _ready(base_url, env):
            if honcho.poll() is not None:
                raise RuntimeError(f"honcho exited with {honcho.returncode}; see {log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the stack was not ready within {STARTUP_SECONDS} s; see {log}")
            time.sleep(0.5)
        print(f"[stack] ready at {base_url} ({' '.join(shlex.quote(c) for c in command[1:])})", flush=True)
        if pinning_possible() if pin_cpus is None else pin_cpus:
            print(f"[stack] pinned to CPUs (web {WEB_CPU}, workers {WORKER_CPU}): {pin_stack(honcho.pid)}")
        else:
            print("[stack] shared CPUs: web and workers run on any core", flush=True)
        yield stack
    finally:
        _stop(honcho)
        if not keep_db:
            _database(db_name, create=False)
            _flush_redis(env["REDIS_URL"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="fabrica_bench")
    parser.add_argument("--redis-db", type=int, default=3)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--shared-cpu", action="store_true", help="do not pin web and workers to their own CPUs"
    )
    args = parser.parse_args()
    with production_stack(
        db_name=args.db,
        redis_db=args.redis_db,
        port=args.port or None,
        keep_db=args.keep_db,
        pin_cpus=False if args.shared_cpu else None,
    ):
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
