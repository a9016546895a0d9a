"""Time the library page (/books/) for a parent with 1,000 books, on PostgreSQL.

Creates a scratch database on a local PostgreSQL (trust auth), migrates it, seeds one
parent's books (plus other families' books, so the table is not only theirs) with
bulk_create, then requests the library through Django's test client over typical
searches, filters, sorts and pages, with and without HTMX. Prints p50/p95 of the server
time and the number of queries per page, then drops the database.

    .venv/bin/python bench/library.py
    .venv/bin/python bench/library.py --books 1000 --requests 200 --explain

Target: p95 <= 100 ms with 1,000 books. Exits with status 1 when it is missed.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_P95_MS = 100
WORDS = (
    "dino", "dinossauro", "mar", "lua", "estrelas", "jardim", "abelhas", "amizade", "escola", "chuva",
    "floresta", "gatinho", "dragão", "pirata", "foguete", "circo", "fazenda", "trem", "castelo", "baleia",
)  # fmt: skip
COMBOS = [
    {},
    {"page": "2"},
    {"page": "20"},
    {"q": "dino"},
    {"q": "lua estrelas"},
    {"q": "mar", "sort": "title"},
    {"style": "manga"},
    {"status": "generated", "sort": "oldest"},
    {"status": "failed"},
    {"date_from": "{year_ago}", "date_to": "{today}"},
    {"q": "jardim", "style": "cartoon", "page": "2"},
    {"sort": "title", "page": "3"},
    {"q": "zzz-nothing"},
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--books", type=int, default=1000, help="books of the parent being timed")
    parser.add_argument("--others", type=int, default=4000, help="books of 20 other families")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="5432")
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--db", default="fabrica_bench")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--explain", action="store_true", help="print the plan of the main queries")
    return parser.parse_args()


def admin_sql(args: argparse.Namespace, *statements: str) -> None:
    import psycopg

    with psycopg.connect(
        host=args.host, port=args.port, user=args.user, dbname="postgres", autocommit=True
    ) as conn:
        for statement in statements:
            conn.execute(statement)


def configure(args: argparse.Namespace) -> None:
    """Production-like settings: PostgreSQL, DEBUG off (no query log, cached templates)."""
    os.environ["DATABASE_URL"] = f"postgres://{args.user}@{args.host}:{args.port}/{args.db}"
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(40)
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"  # nothing is mailed
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrica.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    # No collectstatic here: serve {% static %} names as they are.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}).enable()


def seed(*, books: int, others: int):
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from books.catalog import catalog_seed
    from books.models import Book, Style

    call_command("migrate", verbosity=0)
    catalog_seed()
    styles = list(Style.objects.all())
    statuses = [Book.Status.GENERATED] * 8 + [Book.Status.FAILED, Book.Status.DRAFT]
    now = timezone.now()
    parent = User.objects.create_user(email="parent@example.com", password=None)
    families = [User.objects.create_user(email=f"family{n}@example.com", password=None) for n in range(20)]

    def book(owner, n: int, *, deleted: bool = False) -> Book:
        title = " ".join(WORDS[(n * k + k) % len(WORDS)] for k in (1, 3, 7)).capitalize()
        return Book(
            owner=owner,
            title=title if n % 10 else "",
            theme=f"{WORDS[n % len(WORDS)]} e {WORDS[(n // 3) % len(WORDS)]}",
            style=styles[n % len(styles)],
            num_pages=5 + n % 16,
            status=statuses[n % len(statuses)],
            cover_image=f"books/books/{n}/cover-{n:012d}.png",
            created_at=now - timedelta(hours=n * 17),
            deleted_at=now - timedelta(days=n % 30) if deleted else None,
        )

    started = time.perf_counter()
    Book.objects.bulk_create((book(parent, n) for n in range(books)), batch_size=1000)
    Book.objects.bulk_create((book(parent, n, deleted=True) for n in range(40)), batch_size=1000)
    Book.objects.bulk_create((book(families[n % len(families)], n) for n in range(others)), batch_size=1000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {books} books (+40 in the trash) for one parent and {others} for 20 others "
          f"in {time.perf_counter() - started:.1f}s")  # fmt: skip
    return parent


def urls() -> list[tuple[str, dict, bool]]:
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    dates = {"today": today.isoformat(), "year_ago": (today - timedelta(days=365)).isoformat()}
    combos = [{key: value.format(**dates) for key, value in combo.items()} for combo in COMBOS]
    url = reverse("books:list")
    return [(url, combo, htmx) for combo in combos for htmx in (False, True)]


def measure(parent, *, requests: int) -> tuple[list[float], dict[str, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(parent)
    plan = urls()
    queries: dict[str, int] = {}
    for url, params, htmx in plan:  # warm up, and count the queries of each page once
        headers = {"HX-Request": "true"} if htmx else {}
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params, headers=headers)
        assert response.status_code == 200, (params, response.status_code)
        queries[f"{'htmx ' if htmx else ''}{params}"] = len(captured)
    timings = []
    for n in range(requests):
        url, params, htmx = plan[n % len(plan)]
        headers = {"HX-Request": "true"} if htmx else {}
        started = time.perf_counter()
        client.get(url, params, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, queries


def explain(parent) -> None:
    from books.selectors import book_list_for

    for label, kwargs in (
        ("newest", {}),
        ("search + title sort", {"q": "dino", "sort": "title"}),
        ("style + oldest", {"style": "manga", "sort": "oldest"}),
    ):
        books = book_list_for(parent, **kwargs)
        print(f"\n-- {label}: page\n{books[:24].explain(analyze=True)}")
        print(f"-- {label}: count\n{books.order_by().values('id').explain(analyze=True)}")


def main() -> int:
    args = parse_args()
    admin_sql(args, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)', f'CREATE DATABASE "{args.db}"')
    try:
        configure(args)
        parent = seed(books=args.books, others=args.others)
        timings, queries = measure(parent, requests=args.requests)
        if args.explain:
            explain(parent)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin_sql(args, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    p50 = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(f"\n{len(timings)} requests of /books/ over {len(queries)} searches, filters, sorts and pages")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"(machine load average {load} on {os.cpu_count()} CPUs: other work slows every request)")
    print(f"server time  p50 {p50:.1f} ms · p95 {p95:.1f} ms · max {max(timings):.1f} ms")
    print(f"queries per page: {min(queries.values())}–{max(queries.values())} (full page / HTMX results)")
    for label, count in queries.items():
        print(f"  {count:>2}  {label}")
    ok = p95 <= TARGET_P95_MS
    print(f"\np95 {'within' if ok else 'OVER'} the {TARGET_P95_MS} ms target")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
