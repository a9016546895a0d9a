"""Server CPU per request of the pages and API reads the load test hits most.

Creates a scratch PostgreSQL database, migrates it, seeds a parent with a library of books
(generated ones with page pictures, one still being drawn) and an API token, then asks each
endpoint through Django's test client in production-like settings (DEBUG=0, PostgreSQL, the
Redis cache and sessions when ``--redis-db`` is given). For each endpoint it prints the median
and 90th percentile of ``time.process_time()`` around the request (this process's CPU: the
framework, middleware, queries' client side, templates, JSON; not PostgreSQL's own work) and the
number of queries. ``--profile NAME`` prints cProfile's top functions for one endpoint.

    .venv/bin/python bench/request_cpu.py
    .venv/bin/python bench/request_cpu.py --rounds 50 --profile library
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BOOKS = 12
PAGES = 8


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=30, help="timed requests per endpoint")
    parser.add_argument("--db", default="fabrica_request_cpu")
    parser.add_argument("--redis-db", type=int, default=12, help="Redis db for cache and sessions")
    parser.add_argument("--profile", default="", help="an endpoint's name: print its cProfile top 25")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def admin_sql(*statements: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def configure(args: argparse.Namespace) -> None:
    """What bench/stack.py gives the web processes: DEBUG off, PostgreSQL, Redis."""
    os.environ.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.db}",
            "REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "testserver",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "MEDIA_ROOT": tempfile.mkdtemp(prefix="fabrica-request-cpu-"),
            "LOG_LEVEL": "WARNING",
            # One client asks hundreds of times a minute: the per-user API limit would answer 429.
            "API_RATE_LIMIT": "100000/min",
            "DJANGO_SETTINGS_MODULE": "fabrica.settings",
        }
    )
    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.test.utils import override_settings

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    # No collectstatic here: serve {% static %} names as they are.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}).enable()


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (240, 300), 255).save(out, format="PNG")
    return out.getvalue()


def seed():
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from accounts.models import Tier, User
    from accounts.tokens import api_token_create
    from books.catalog import catalog_seed
    from books.models import Book, Page
    from books.tests.factories import book_factory

    call_command("migrate", verbosity=0)
    catalog_seed()
    parent = User.objects.create_user(email="parent@example.com", password=None, tier=Tier.default())
    png = _png()
    books = [
        book_factory(owner=parent, status=Book.Status.GENERATED, num_pages=PAGES, title=f"Livro {n}")
        for n in range(BOOKS)
    ]
    for page in Page.objects.filter(book__in=books):
        page.image.save(f"{page.book_id}-{page.number}.png", ContentFile(png), save=False)
        page.thumbnail.save(f"{page.book_id}-{page.number}-thumb.png", ContentFile(png), save=False)
        page.status = Page.Status.DONE
        page.save()
    drawing = book_factory(owner=parent, status=Book.Status.GENERATING, num_pages=5, title="Em andamento")
    _token, raw_key = api_token_create(user=parent, name="request-cpu")
    return parent, books[0], drawing, raw_key


def endpoints(book, drawing) -> list[tuple[str, str, bool]]:
    """(name, path, API?) in the order of the load test's weights."""
    return [
        ("library", "/books/", False),
        ("library search", "/books/?q=Livro", False),
        ("book page", f"/books/{book.id}/", False),
        ("reader", f"/books/{book.id}/read/", False),
        ("thumbnail", f"/books/{book.id}/pages/1/thumbnail.png", False),
        ("new book form", "/books/new/", False),
        ("API list", "/api/v1/books/", True),
        ("API detail", f"/api/v1/books/{book.id}/", True),
        ("API poll (drawing)", f"/api/v1/books/{drawing.id}/", True),
        ("API me", "/api/v1/me/", True),
    ]


def _get(client, path: str, api: bool, raw_key: str):
    headers = {"Authorization": f"Bearer {raw_key}", "Accept": "application/json"} if api else {}
    response = client.get(path, headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # a file is read as uvicorn would send it
    return response


def measure(client, path: str, api: bool, raw_key: str, rounds: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm up: templates compiled, caches filled
        _get(client, path, api, raw_key)
    with CaptureQueriesContext(connection) as captured:
        _get(client, path, api, raw_key)
    queries = len(captured)  # now: the next request's start empties the connection's log
    cpu = []
    for _ in range(rounds):
        started = time.process_time()
        _get(client, path, api, raw_key)
        cpu.append((time.process_time() - started) * 1000)
    return statistics.median(cpu), statistics.quantiles(cpu, n=10)[-1], queries


def profile(client, path: str, api: bool, raw_key: str, rounds: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        _get(client, path, api, raw_key)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(20)


def main() -> int:
    args = parse_args()
    admin_sql(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)', f'CREATE DATABASE "{args.db}"')
    try:
        configure(args)
        from django.test import Client

        parent, book, drawing, raw_key = seed()
        client = Client()
        client.force_login(parent)
        rows = []
        for name, path, api in endpoints(book, drawing):
            if args.profile and args.profile != name:
                continue
            rows.append((name, *measure(client, path, api, raw_key, args.rounds)))
            if args.profile:  # after the measurement's warm-up: no first-request imports in the profile
                profile(client, path, api, raw_key, args.rounds)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin_sql(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\nserver CPU per request, {args.rounds} rounds each (load average {load} on {os.cpu_count()} CPUs)"
    )
    print(f"| {'endpoint':<20} | {'CPU ms p50':>10} | {'CPU ms p90':>10} | {'queries':>7} |")
    print(f"| {'-' * 20} | {'-' * 10}: | {'-' * 10}: | {'-' * 7}: |")
    for name, p50, p90, queries in rows:
        print(f"| {name:<20} | {p50:>10.2f} | {p90:>10.2f} | {queries:>7} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
