"""Gamification on PostgreSQL and the real stack.

Two processes award the same XP at the same moment: the event pays once, totals add up. Each award
runs in its own Django process against a throwaway ``fabrica_gamification_pg`` database; both wait
at a gate (an advisory lock this test holds), start together, and keep their transaction open for a
moment after the award, so the second one really runs while the first is uncommitted.

Then a toast: a book made by the Celery worker pays its badge there, and the page's socket (uvicorn)
hears about it through Redis.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
DB_NAME = "fabrica_gamification_pg"
DSN = f"host=127.0.0.1 port=5432 user=postgres dbname={DB_NAME}"
GATE = 424242
HOLD_SECONDS = 0.5

AWARD = """
import sys, time
import django
django.setup()
from django.db import connection, transaction
from accounts.models import User
from gamification.models import Action
from gamification.services import Activity, activity_record

user = User.objects.get(email=sys.argv[1])
activity = Activity(
    action=Action.BOOK_SHARED, key=sys.argv[2], counters={"books_shared": 1}, goals={"shares": 1}
)
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_advisory_lock_shared(%s)", [int(sys.argv[3])])  # the gate
started = time.monotonic()
with transaction.atomic():
    paid = activity_record(user=user, activity=activity)
    waited = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [float(sys.argv[4])])  # stay uncommitted a moment
print(f"{paid} {waited:.3f}")
"""


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "DJANGO_SETTINGS_MODULE": "fabrica.settings",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REDIS_URL": "",
        "PYTHONUNBUFFERED": "1",
    }


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def pg(services, tmp_path_factory):
    """A migrated, seeded database with two parents, dropped afterwards."""
    import psycopg

    def drop_and_maybe_create(create: bool) -> None:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            if create:
                conn.execute(f"CREATE DATABASE {DB_NAME}")

    drop_and_maybe_create(create=True)
    env = _env(tmp_path_factory.mktemp("gamification-pg"))
    try:
        _manage(env, "migrate", "--noinput")
        _manage(env, "seed_catalog")
        _manage(
            env,
            "shell",
            "-c",
            "from accounts.models import User\n"
            "User.objects.create_user(email='same@example.com')\n"
            "User.objects.create_user(email='two@example.com')\n",
        )
        yield env
    finally:
        drop_and_maybe_create(create=False)


def _race(env: dict[str, str], email: str, keys: tuple[str, str]) -> list[tuple[bool, float]]:
    """Run two awards in two processes, released at the same instant."""
    import psycopg

    with psycopg.connect(DSN, autocommit=True) as gate:
        gate.execute("SELECT pg_advisory_lock(%s)", [GATE])
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", AWARD, email, key, str(GATE), str(HOLD_SECONDS)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for key in keys
        ]
        deadline = time.monotonic() + 60
        while _waiting_at_gate(gate) < 2:
            assert time.monotonic() < deadline, "the award processes never reached the gate"
            assert all(worker.poll() is None for worker in workers), [w.communicate() for w in workers]
            time.sleep(0.05)
        gate.execute("SELECT pg_advisory_unlock(%s)", [GATE])
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        paid, waited = out.split()[-2:]
        results.append((paid == "True", float(waited)))
    return results


def _waiting_at_gate(conn) -> int:
    row = conn.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND NOT granted", [GATE]
    ).fetchone()
    return row[0]


def _player(email: str) -> dict:
    import psycopg

    with psycopg.connect(DSN) as conn:
        user_id = conn.execute("SELECT id FROM accounts_user WHERE email = %s", [email]).fetchone()[0]
        xp, shares = conn.execute(
            "SELECT xp, books_shared FROM gamification_player WHERE user_id = %s", [user_id]
        ).fetchone()
        ledger = conn.execute(
            "SELECT count(*) FILTER (WHERE action = 'book_shared'), sum(amount) FROM gamification_xpevent "
            "WHERE user_id = %s",
            [user_id],
        ).fetchone()
        badges = conn.execute(
            "SELECT count(*) FROM gamification_userbadge WHERE user_id = %s", [user_id]
        ).fetchone()[0]
    return {"xp": xp, "shares": shares, "share_rows": ledger[0], "ledger_xp": ledger[1], "badges": badges}


def test_the_same_event_awarded_twice_at_once_pays_once(pg):
    results = _race(pg, "same@example.com", ("share:book-1", "share:book-1"))
    assert sorted(paid for paid, _waited in results) == [False, True]
    # The loser really ran while the winner was uncommitted: it waited on the ledger's unique key.
    assert max(waited for _paid, waited in results) >= HOLD_SECONDS * 0.8
    player = _player("same@example.com")
    assert (player["share_rows"], player["shares"], player["badges"]) == (1, 1, 1)
    assert player["xp"] == player["ledger_xp"]


def test_two_different_events_at_once_both_count(pg):
    results = _race(pg, "two@example.com", ("share:book-a", "share:book-b"))
    assert [paid for paid, _waited in results] == [True, True]
    player = _player("two@example.com")
    assert (player["share_rows"], player["shares"]) == (2, 2)
    assert player["xp"] == player["ledger_xp"]  # no lost update on the totals row


def test_a_new_parent_gets_the_first_book_badge_toast_from_the_worker_over_redis(stack):
    """The award happens in the Celery worker process; the toast reaches the page through Redis."""
    import json

    from websockets.sync.client import connect

    from tests.integration.conftest import book_post, log_in, ws_headers

    email, password = "toast-family@fabrica.local", "toast-senha-longa-2026"
    stack.manage(
        "shell",
        "-c",
        "from allauth.account.models import EmailAddress\n"
        "from accounts.models import Tier, User\n"
        f"user = User.objects.create_user(email={email!r}, password={password!r}, tier=Tier.default(),"
        " language='en')\n"
        "EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)\n",
    )
    session = log_in(stack, email, password)
    url = f"{stack.ws_url}/ws/me/events/"
    with connect(url, additional_headers=ws_headers(session, stack), open_timeout=10) as socket:
        book_post(session, stack, num_pages="5", theme="um dragão que aprende a esperar")
        toasts = []
        deadline = time.monotonic() + 120
        while not any(toast["kind"] == "badge" for toast in toasts):
            assert time.monotonic() < deadline, f"no badge toast within 120 s (got {toasts})"
            toasts.append(json.loads(socket.recv(timeout=deadline - time.monotonic())))
    badge = next(toast for toast in toasts if toast["kind"] == "badge")
    assert badge["title"] == "New badge: First book"
    progress = session.get(f"{stack.base_url}/me/progress/", timeout=10)
    assert 'data-badge="first-book"' in progress.text and "gm-earned" in progress.text
