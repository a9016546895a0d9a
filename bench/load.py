"""Load test: locust, headless and bounded, against the production-mode run (bench/stack.py).

    .venv/bin/python bench/load.py                        # 50 users for 5 minutes
    .venv/bin/python bench/load.py --users 5 --minutes 0.5  # a quick smoke run
    .venv/bin/python bench/load.py --shared-cpu           # web and workers on every core

Starts the stack (honcho + Procfile, DEBUG=0, PostgreSQL ``fabrica_bench``, Redis db 3, offline
provider with text 1 s / image 2 s), makes one account per simulated user (each with its own
quota and API token), runs bench/locustfile.py, then waits a bounded time for every book
created during the run and checks it: status ``generated``, exactly N pages each done with a
picture, no page number twice, and a PDF that pdfinfo reads with at least N pages.
Prints p50/p95/p99 per endpoint from locust's CSV stats, the error rate and the books'
figures, and writes them as JSON to bench/results/load.json. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cpu_pinning import pinning_possible  # noqa: E402
from stack import BIN, ROOT, ProductionStack, production_stack  # noqa: E402

RESULTS = ROOT / "bench" / "results"
TARGET_P95_MS = 300
PASSWORD = "bench-senha-longa-2026"
# What a parent may do: one book being drawn at a time, a few requests a day.
BENCH_TIER = {"max_concurrent_books": 1, "daily_requests": 2}

MAKE_ACCOUNTS = """
import json, sys
from allauth.account.models import EmailAddress
from accounts.models import Tier, User
from accounts.tokens import api_token_create
tier, _ = Tier.objects.update_or_create(slug="bench", defaults={"name": "Bench", **%(tier)r})
accounts = []
for n in range(%(count)d):
    email = f"bench-{n:03d}@fabrica.local"
    user = User.objects.filter(email=email).first()
    user = user or User.objects.create_user(email=email, password=%(password)r)
    user.tier = tier
    user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    _, key = api_token_create(user=user, name="bench")
    accounts.append({"email": email, "password": %(password)r, "token": key})
print(json.dumps(accounts))
"""

CHECK_BOOKS = """
import json
from books.models import Book
ids = json.loads(%(ids)r)
out = []
for book in Book.objects.filter(id__in=ids).prefetch_related("pages"):
    pages = list(book.pages.all())
    numbers = [p.number for p in pages]
    out.append({
        "id": str(book.id), "status": book.status, "num_pages": book.num_pages, "pages": len(pages),
        "duplicated": len(numbers) - len(set(numbers)),
        "done_with_image": sum(1 for p in pages if p.status == "done" and bool(p.image)),
    })
print(json.dumps(out))
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument(
        "--spawn-rate",
        type=float,
        default=2.0,
        help="users arriving a second (each signs in: at 5/s password hashing fills 2 cores during the ramp)",
    )
    parser.add_argument("--pages", type=int, default=5, help="pages of each book the users make")
    parser.add_argument(
        "--settle-minutes", type=float, default=10.0, help="how long to wait for books after the run"
    )
    parser.add_argument("--db", default="fabrica_bench")
    parser.add_argument("--redis-db", type=int, default=3)
    parser.add_argument(
        "--shared-cpu",
        action="store_true",
        help="web and workers share every CPU (default: pinned apart with taskset on 2+ CPUs)",
    )
    return parser.parse_args(argv)


def make_accounts(stack: ProductionStack, count: int) -> list[dict]:
    script = MAKE_ACCOUNTS % {"tier": BENCH_TIER, "count": count, "password": PASSWORD}
    return json.loads(stack.manage("shell", "-c", script).strip().splitlines()[-1])


def warm_up(stack: ProductionStack) -> None:
    """A few requests per web process first, so the figures are not the first imports and templates."""
    for _ in range(8):
        for path in ("/", "/accounts/login/", "/healthz", "/api/schema/"):
            requests.get(f"{stack.base_url}{path}", timeout=60)


def run_locust(
    stack: ProductionStack, args: argparse.Namespace, accounts_file: Path, books_file: Path
) -> Path:
    prefix = stack.tmp / "locust"
    env = {
        **stack.env,
        "BENCH_USERS_FILE": str(accounts_file),
        "BENCH_BOOKS_FILE": str(books_file),
        "BENCH_PAGES_PER_BOOK": str(args.pages),
    }
    seconds = max(10, int(args.minutes * 60))
    command = [
        str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "--host", stack.base_url, "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
        "--run-time", f"{seconds}s", "--stop-timeout", "10", "--csv", str(prefix), "--only-summary",
        "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    print(f"[load] locust: {args.users} users for {seconds} s against {stack.base_url}", flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=seconds + 180)
    return Path(f"{prefix}_stats.csv")


def read_stats(path: Path) -> tuple[list[dict], dict]:
    rows = []
    total = {}
    with path.open() as f:
        for row in csv.DictReader(f):
            entry = {
                "method": row["Type"],
                "name": row["Name"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50": _num(row["50%"]),
                "p95": _num(row["95%"]),
                "p99": _num(row["99%"]),
                "rps": round(float(row["Requests/s"] or 0), 2),
            }
            if row["Name"] == "Aggregated":
                total = entry
            else:
                rows.append(entry)
    return rows, total


def _num(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def wait_for_books(stack: ProductionStack, ids: list[str], settle_seconds: float) -> list[dict]:
    deadline = time.monotonic() + settle_seconds
    while True:
        books = json.loads(
            stack.manage("shell", "-c", CHECK_BOOKS % {"ids": json.dumps(ids)}).strip().splitlines()[-1]
        )
        waiting = [b for b in books if b["status"] not in ("generated", "failed")]
        if not waiting or time.monotonic() > deadline:
            return books
        print(f"[load] {len(waiting)} of {len(ids)} books still being drawn", flush=True)
        time.sleep(5)


def request_pdf(stack: ProductionStack, book_id: str, token: str) -> str:
    """Ask for the book's screen PDF; returns the export's URL to poll (or an error text)."""
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{stack.base_url}/api/v1/books/{book_id}/exports/"
    asked = requests.post(url, json={"format": "digital"}, headers=headers, timeout=30)
    if asked.status_code not in (200, 202):
        return f"error: export request answered {asked.status_code}"
    return asked.headers["Location"]


def check_pdf(stack: ProductionStack, book_id: str, token: str, location: str, pages: int, deadline: float):
    """None when the book's PDF is valid with at least ``pages`` pages, else what is wrong."""
    if location.startswith("error: "):
        return location.removeprefix("error: ")
    headers = {"Authorization": f"Bearer {token}"}
    while True:
        export = requests.get(location, headers=headers, timeout=30).json()
        if export["status"] in ("ready", "failed"):
            break
        if time.monotonic() > deadline:
            return "export not ready in time"
        time.sleep(1)
    if export["status"] != "ready":
        return f"export failed: {export.get('error')}"
    pdf = requests.get(export["download_url"], timeout=60)
    path = stack.tmp / f"{book_id}.pdf"
    path.write_bytes(pdf.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
    if info.returncode != 0:
        return f"pdfinfo: {info.stderr.strip()[:200]}"
    count = next((int(line.split()[-1]) for line in info.stdout.splitlines() if line.startswith("Pages:")), 0)
    return None if count >= pages else f"PDF has {count} pages, expected at least {pages}"


def run(args: argparse.Namespace) -> dict:
    RESULTS.mkdir(parents=True, exist_ok=True)
    pinned = not args.shared_cpu and pinning_possible()
    with production_stack(db_name=args.db, redis_db=args.redis_db, pin_cpus=pinned) as stack:
        accounts = make_accounts(stack, args.users)
        tokens = {a["email"]: a["token"] for a in accounts}
        accounts_file = stack.tmp / "accounts.json"
        accounts_file.write_text(json.dumps(accounts))
        books_file = stack.tmp / "books.jsonl"
        books_file.touch()
        warm_up(stack)
        started = time.monotonic()
        stats_csv = run_locust(stack, args, accounts_file, books_file)
        duration = time.monotonic() - started
        endpoints, total = read_stats(stats_csv)
        created = [json.loads(line) for line in books_file.read_text().splitlines() if line.strip()]
        ids = [c["id"] for c in created]
        print(
            f"[load] {len(ids)} books created; waiting up to {args.settle_minutes} min for them", flush=True
        )
        books = wait_for_books(stack, ids, args.settle_minutes * 60) if ids else []
        owner = {c["id"]: c["email"] for c in created}
        problems = []
        generated = [b for b in books if b["status"] == "generated"]
        # All the PDFs are asked for first, so the workers build them side by side.
        locations = {b["id"]: request_pdf(stack, b["id"], tokens[owner[b["id"]]]) for b in generated}
        pdf_deadline = time.monotonic() + max(300, 15 * len(generated))
        for book in books:
            if book["status"] != "generated":
                problems.append(f"{book['id']}: {book['status']}")
                continue
            if book["pages"] != book["num_pages"] or book["done_with_image"] != book["num_pages"]:
                problems.append(f"{book['id']}: {book['done_with_image']}/{book['num_pages']} pages done")
            token = tokens[owner[book["id"]]]
            problem = check_pdf(
                stack, book["id"], token, locations[book["id"]], book["num_pages"], pdf_deadline
            )
            if problem:
                book["pdf"] = problem
                problems.append(f"{book['id']}: {problem}")
        missing = set(ids) - {b["id"] for b in books}
        finished = sum(
            1
            for b in books
            if b["status"] == "generated"
            and b["done_with_image"] == b["num_pages"] == b["pages"]
            and "pdf" not in b
        )
        result = {
            "users": args.users,
            "minutes": args.minutes,
            "cpu_layout": "pinned (web CPU 0, workers CPU 1)" if pinned else "shared",
            "duration_seconds": round(duration, 1),
            "endpoints": endpoints,
            "total": total,
            "error_rate": (total.get("failures", 0) / total["requests"]) if total.get("requests") else 0.0,
            "books_created": len(ids),
            "books_finished": finished,
            "books_lost": len(ids) - finished,
            "books_missing_from_db": len(missing),
            "pages_duplicated": sum(b["duplicated"] for b in books),
            "problems": problems[:50],
        }
    (RESULTS / "load.json").write_text(json.dumps(result, indent=2))
    return result


def targets_missed(result: dict) -> list[str]:
    missed = []
    for row in result["endpoints"]:
        read = row["method"] == "GET" and "download" not in row["name"]
        if read and row["p95"] is not None and row["p95"] > TARGET_P95_MS:
            missed.append(f"p95 {row['p95']:.0f} ms on {row['name']}")
    if result["total"].get("failures"):
        missed.append(f"{result['total']['failures']} failed requests")
    if result["books_lost"]:
        missed.append(f"{result['books_lost']} books lost")
    if result["pages_duplicated"]:
        missed.append(f"{result['pages_duplicated']} pages duplicated")
    return missed


def table(result: dict) -> str:
    lines = [
        "| Endpoint | Requests | Failures | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in sorted(result["endpoints"], key=lambda r: r["name"]):
        lines.append(
            f"| {row['method']} {row['name']} | {row['requests']} | {row['failures']} | "
            f"{_ms(row['p50'])} | {_ms(row['p95'])} | {_ms(row['p99'])} |"
        )
    t = result["total"]
    if t:
        lines.append(
            f"| **all** | **{t['requests']}** | **{t['failures']}** | "
            f"{_ms(t['p50'])} | {_ms(t['p95'])} | {_ms(t['p99'])} |"
        )
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def summary(result: dict) -> str:
    return (
        f"{result['users']} users × {result['minutes']} min: error rate {result['error_rate']:.2%}; "
        f"books created {result['books_created']}, finished {result['books_finished']}, "
        f"lost {result['books_lost']}; pages duplicated {result['pages_duplicated']}"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = run(args)
    print(table(result))
    print(summary(result))
    for problem in result["problems"]:
        print(f"  problem: {problem}")
    missed = targets_missed(result)
    for line in missed:
        print(f"  target missed: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
