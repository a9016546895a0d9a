"""Time the leaderboards with 100,000 players and 2,000,000 XP awards, and awarding XP as the ledger grows.

Creates a scratch database on a local PostgreSQL (trust auth), migrates and seeds it, creates the
users (bulk_create), then:

1. times real awards (gamification.services.activity_record: ledger insert, player row, streak,
   missions, badges) for random users with an empty ledger;
2. COPYs 1,000,000 ledger rows, times the awards again; COPYs another 1,000,000, times them again;
3. rebuilds every player's totals from the ledger (``recompute_leaderboards``), VACUUM ANALYZE;
4. requests /leaderboards/ through Django's test client (global and friends, this week and all
   time, full page and HTMX tab) as a player near the top, one in the middle and one near the
   bottom (whose rank counts almost every row), and prints p50/p95 and the queries per page;

then drops the database.

    .venv/bin/python bench/leaderboard.py
    .venv/bin/python bench/leaderboard.py --users 100000 --rows 2000000 --requests 200 --explain

Targets: leaderboard p95 <= 50 ms; award time flat as the ledger grows (p50 at 2M rows within
2x of the empty ledger, allowing for noise). Exits with status 1 when either is missed.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_P95_MS = 50
AWARD_GROWTH_LIMIT = 2.0
ACTIONS = [("book_generated", 50), ("pdf_downloaded", 10), ("book_shared", 20), ("daily_streak", 15)]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=2_000_000, help="ledger rows, loaded in two halves")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--awards", type=int, default=200, help="awards timed at each ledger size")
    parser.add_argument("--friends", type=int, default=30, help="accepted friends of each viewer")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="5432")
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--db", default="fabrica_bench_lb")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--explain", action="store_true", help="print the plan of the board queries")
    return parser.parse_args()


def admin_sql(args: argparse.Namespace, *statements: str) -> None:
    import psycopg

    with psycopg.connect(
        host=args.host, port=args.port, user=args.user, dbname="postgres", autocommit=True
    ) as conn:
        for statement in statements:
            conn.execute(statement)


def configure(args: argparse.Namespace, *, media_root: str) -> None:
    """Production-like settings: PostgreSQL, DEBUG off (no query log, cached templates)."""
    os.environ["DATABASE_URL"] = f"postgres://{args.user}@{args.host}:{args.port}/{args.db}"
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(40)
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"  # nothing is mailed
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["REDIS_URL"] = ""
    os.environ["MEDIA_ROOT"] = media_root
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrica.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}).enable()


def seed_users(count: int) -> list[int]:
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from books.catalog import catalog_seed
    from gamification.models import Player

    call_command("migrate", verbosity=0)
    catalog_seed()
    started = time.perf_counter()
    now = timezone.now()
    for start in range(0, count, 10_000):
        User.objects.bulk_create(
            (
                User(
                    email=f"family{n}@example.com",
                    password="!",
                    display_name="" if n % 7 == 0 else f"Família {n}",
                    date_joined=now,
                )
                for n in range(start, min(start + 10_000, count))
            ),
            batch_size=5000,
        )
    ids = list(User.objects.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), 10_000):
        Player.objects.bulk_create(
            (
                Player(user_id=user_id, on_leaderboards=user_id % 10 != 0)
                for user_id in ids[start : start + 10_000]
            ),
            batch_size=5000,
        )
    print(f"created {len(ids):,} users and players in {time.perf_counter() - started:.1f}s")
    return ids


def copy_ledger(user_ids: list[int], *, first: int, count: int) -> None:
    """COPY ``count`` ledger rows (keys first..first+count) for random users over the last 60 days."""
    from django.db import connection
    from django.utils import timezone

    rng = random.Random(first)
    now = timezone.now()
    started = time.perf_counter()
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(
            "COPY gamification_xpevent (user_id, action, key, amount, created_at) FROM STDIN"
        ) as copy,
    ):
        for chunk_start in range(first, first + count, 100_000):
            buffer = io.StringIO()
            for n in range(chunk_start, min(chunk_start + 100_000, first + count)):
                action, amount = ACTIONS[n % len(ACTIONS)]
                created = now - timedelta(seconds=rng.randrange(60 * 24 * 3600))
                buffer.write(
                    f"{rng.choice(user_ids)}\t{action}\tbench:{n}\t{amount}\t{created.isoformat()}\n"
                )
            copy.write(buffer.getvalue())
    connection.connection.commit()
    print(f"copied {count:,} ledger rows in {time.perf_counter() - started:.1f}s")


def time_awards(user_ids: list[int], *, count: int, label: str) -> list[float]:
    from accounts.models import User
    from gamification.models import Action, MissionTemplate
    from gamification.services import Activity, activity_record

    rng = random.Random(label)
    users = list(User.objects.filter(id__in=rng.sample(user_ids, count)))
    timings = []
    for n, user in enumerate(users):
        activity = Activity(
            action=Action.PDF_DOWNLOADED,
            key=f"award:{label}:{n}",
            counters={"pdfs_downloaded": 1},
            goals={MissionTemplate.Goal.PDFS: 1},
        )
        started = time.perf_counter()
        assert activity_record(user=user, activity=activity)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def ledger_rows() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM gamification_xpevent")
        return cursor.fetchone()[0]


def finish_load() -> None:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("recompute_leaderboards", batch=5000, verbosity=0)
    print(f"recomputed every player's totals from the ledger in {time.perf_counter() - started:.1f}s")
    from gamification.models import Player
    from gamification.rules import level_for_xp

    sample = Player.objects.order_by("?")[:2000].values_list("xp", "level")
    assert all(level == level_for_xp(xp) for xp, level in sample), "levels in SQL differ from the curve"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE gamification_player")
        cursor.execute("VACUUM ANALYZE gamification_xpevent")
        cursor.execute("ANALYZE")
    print(f"vacuum analyze in {time.perf_counter() - started:.1f}s")


def viewers(user_ids: list[int], *, friends: int) -> dict[str, object]:
    """Visible players near the top, in the middle and near the bottom of the all-time board, with friends."""
    from accounts.models import User
    from gamification.models import Follow, Player

    ranked = list(
        Player.objects.filter(on_leaderboards=True).order_by("-xp", "user").values_list("user_id", flat=True)
    )
    picks = {"top (#10)": ranked[9], "middle": ranked[len(ranked) // 2], "bottom": ranked[-5]}
    rng = random.Random(7)
    for user_id in picks.values():
        Follow.objects.bulk_create(
            [
                Follow(from_user_id=user_id, to_user_id=other, status=Follow.Status.ACCEPTED)
                for other in rng.sample(user_ids, friends)
                if other != user_id
            ],
            ignore_conflicts=True,
        )
    return {label: User.objects.get(id=user_id) for label, user_id in picks.items()}


def measure(people: dict[str, object], *, requests: int) -> tuple[list[float], dict[str, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("gamification:leaderboards")
    plan = [
        (label, {"board": board, "period": period}, htmx)
        for label in people
        for board in ("global", "friends")
        for period in ("all", "week")
        for htmx in (False, True)
    ]
    clients = {}
    for label, user in people.items():
        clients[label] = Client()
        clients[label].force_login(user)
    queries: dict[str, int] = {}
    for label, params, htmx in plan:  # warm up, and count the queries of each page once
        headers = {"HX-Request": "true"} if htmx else {}
        with CaptureQueriesContext(connection) as captured:
            response = clients[label].get(url, params, headers=headers)
        assert response.status_code == 200, (label, params, response.status_code)
        queries[f"{label:<10} {params['board']:<8} {params['period']:<4}{' htmx' if htmx else ''}"] = len(
            captured
        )
    timings = []
    for n in range(requests):
        label, params, htmx = plan[n % len(plan)]
        headers = {"HX-Request": "true"} if htmx else {}
        started = time.perf_counter()
        clients[label].get(url, params, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, queries


def explain(people: dict[str, object]) -> None:
    from gamification.models import Player
    from gamification.rules import board_week

    visible = Player.objects.filter(on_leaderboards=True)
    week = board_week()
    bottom = Player.objects.get(pk=people["bottom"].pk)
    for label, queryset in (
        ("top 50, all time", visible.select_related("user").order_by("-xp", "user")[:50]),
        (
            "top 50, this week",
            visible.filter(week=week).select_related("user").order_by("-weekly_xp", "user")[:50],
        ),
        ("rank of the bottom player, all time", visible.filter(xp__gt=bottom.xp).values("pk")),
    ):
        print(f"\n-- {label}\n{queryset.explain(analyze=True)}")


def summary(timings: list[float]) -> str:
    p50, p95 = statistics.median(timings), statistics.quantiles(timings, n=20)[-1]
    return f"p50 {p50:6.1f} ms · p95 {p95:6.1f} ms · mean {statistics.fmean(timings):6.1f} ms"


def main() -> int:
    args = parse_args()
    started = time.perf_counter()
    admin_sql(args, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)', f'CREATE DATABASE "{args.db}"')
    awards: dict[str, list[float]] = {}
    media_root = tempfile.mkdtemp(prefix="bench-lb-media-")
    try:
        configure(args, media_root=media_root)
        user_ids = seed_users(args.users)
        half = args.rows // 2
        awards[f"{ledger_rows():>9,} rows"] = time_awards(user_ids, count=args.awards, label="empty")
        copy_ledger(user_ids, first=0, count=half)
        awards[f"{ledger_rows():>9,} rows"] = time_awards(user_ids, count=args.awards, label="half")
        copy_ledger(user_ids, first=half, count=args.rows - half)
        awards[f"{ledger_rows():>9,} rows"] = time_awards(user_ids, count=args.awards, label="full")
        finish_load()
        people = viewers(user_ids, friends=args.friends)
        timings, queries = measure(people, requests=args.requests)
        if args.explain:
            explain(people)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin_sql(args, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        shutil.rmtree(media_root, ignore_errors=True)  # the style samples the catalog drew

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    elapsed = time.perf_counter() - started
    print(f"\n(machine load average {load} on {os.cpu_count()} CPUs; whole run {elapsed:.0f}s)")
    print(
        f"\nawarding XP (ledger insert + player row + streak + missions + badges), {args.awards} awards each:"
    )
    for label, values in awards.items():
        print(f"  ledger {label}: {summary(values)}")
    print(f"\n{len(timings)} requests of /leaderboards/ ({args.users:,} players, {args.rows:,} ledger rows)")
    print(f"server time  {summary(timings)} · max {max(timings):.1f} ms")
    print(f"queries per page: {min(queries.values())}–{max(queries.values())}")
    for label, count in queries.items():
        print(f"  {count:>2}  {label}")
    p95 = statistics.quantiles(timings, n=20)[-1]
    medians = [statistics.median(values) for values in awards.values()]
    flat = medians[-1] <= medians[0] * AWARD_GROWTH_LIMIT
    print(f"\nleaderboard p95 {'within' if p95 <= TARGET_P95_MS else 'OVER'} the {TARGET_P95_MS} ms target")
    verdict = "flat" if flat else "GREW"
    print(f"award time {verdict}: p50 {medians[0]:.1f} → {medians[-1]:.1f} ms from the empty ledger")
    return 0 if p95 <= TARGET_P95_MS and flat else 1


if __name__ == "__main__":
    sys.exit(main())
