"""Generation capacity: many parents start a book in the same second, on the production stack.

    .venv/bin/python bench/capacity.py --users 30 --pages 20   # the issue's first target
    .venv/bin/python bench/capacity.py --users 50 --pages 20   # the second
    .venv/bin/python bench/capacity.py --users 3 --pages 5 --text-delay 1 --image-delay 2  # smoke

Starts every process of the ``Procfile`` but ``release`` (bench/stack.py: honcho, DEBUG=0,
PostgreSQL ``fabrica_capacity``, Redis db 4) with the offline provider at a provider's latency
(text 5 s, picture 10 s) and a simulated quota of ``--limit`` calls in flight
(``AI_OFFLINE_MAX_CONCURRENT``) that the engine is told about (``AI_CONCURRENCY_LIMITS``).
Makes U accounts with API tokens, has each POST one P-page book at the same instant, then
follows the books in the database (not over HTTP, so watching costs the stack nothing) until
every one has ended (a page's picture is in at its ``started_at`` + ``generation_ms``), and
prints per book the time to the first picture and to ready, and the capacity bound the
provider allows::

    T* = text + ceil(U * (P + 1) / limit) * picture     (P pages and the cover per book)

plus failures, rate-limited calls, the slowest/fastest ratio and the machine's load during the
run (the CPU work of the pictures is part of the measurement on this machine). Writes the figures
as JSON to bench/results/capacity-U<users>-P<pages>.json. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import MAKE_ACCOUNTS, PASSWORD  # noqa: E402
from stack import ROOT, ProductionStack, production_stack  # noqa: E402

RESULTS = ROOT / "bench" / "results"
# The default tier of the PRD: 3 books at once, 50 requests a day; one book each here.
CAPACITY_TIER = {"max_concurrent_books": 3, "daily_requests": 50}
ENDED = ("generated", "failed")

BOOKS_SQL = """
SELECT b.id::text, b.status, b.created_at, b.generated_at,
       (SELECT min(p.started_at + p.generation_ms * interval '1 millisecond')
          FROM books_page p WHERE p.book_id = b.id AND p.status = 'done'),
       (SELECT count(*) FROM books_page p WHERE p.book_id = b.id AND p.status = 'done')
FROM books_book b WHERE b.id = ANY(%s::uuid[])
"""
CALLS_SQL = "SELECT outcome, count(*) FROM ai_aicall GROUP BY outcome"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--text-delay", type=float, default=5.0)
    parser.add_argument("--image-delay", type=float, default=10.0)
    parser.add_argument("--limit", type=int, default=64, help="the provider's calls in flight")
    parser.add_argument("--factor", type=float, default=None, help="target: every book within factor x T*")
    parser.add_argument("--first-p95", type=float, default=25.0, help="target: first picture p95 (s)")
    parser.add_argument("--timeout", type=float, default=None, help="give up after this many seconds")
    parser.add_argument(
        "--pinned",
        action="store_true",
        help="web on one CPU and the workers on the other (default: every process shares every CPU; "
        "the pictures' CPU work is what this measures)",
    )
    parser.add_argument("--db", default="fabrica_capacity")
    parser.add_argument("--redis-db", type=int, default=4)
    return parser.parse_args(argv)


def capacity_bound(*, users: int, pages: int, limit: int, text: float, picture: float) -> float:
    """The fastest the provider allows: the story, then every picture in rounds of ``limit``."""
    return text + math.ceil(users * (pages + 1) / limit) * picture


def make_accounts(stack: ProductionStack, count: int) -> list[dict]:
    script = MAKE_ACCOUNTS % {"tier": CAPACITY_TIER, "count": count, "password": PASSWORD}
    return json.loads(stack.manage("shell", "-c", script).strip().splitlines()[-1])


def start_books(base_url: str, accounts: list[dict], pages: int) -> tuple[float, list[dict]]:
    """Every account POSTs its book at the same instant; returns that instant and the answers."""
    barrier = threading.Barrier(len(accounts) + 1)
    answers: list[dict] = [{} for _ in accounts]

    def post(index: int, account: dict) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {account['token']}"
        body = {
            "style": "cartoon",
            "num_pages": pages,
            "theme": f"uma aventura no fundo do mar, livro {index + 1}",
            "language": "pt-BR",
        }
        barrier.wait()
        try:
            response = session.post(f"{base_url}/api/v1/books/", json=body, timeout=60)
            answers[index] = {"status": response.status_code, "body": response.json()}
        except (requests.RequestException, ValueError) as exc:
            answers[index] = {"status": None, "body": {"error": repr(exc)}}

    threads = [threading.Thread(target=post, args=(n, a)) for n, a in enumerate(accounts)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.time()
    for thread in threads:
        thread.join()
    return started, answers


class LoadSampler:
    """The machine's load average and CPU use, sampled while the books are drawn."""

    def __init__(self) -> None:
        self.loads: list[float] = []
        self.busy: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        before = _cpu_times()
        while not self._stop.wait(2.0):
            self.loads.append(os.getloadavg()[0])
            now = _cpu_times()
            total, idle = now[0] - before[0], now[1] - before[1]
            if total > 0:
                self.busy.append(100.0 * (total - idle) / total)
            before = now


def _cpu_times() -> tuple[int, int]:
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields), fields[3] + fields[4]  # idle + iowait


def follow_books(dsn: str, ids: list[str], *, timeout: float) -> list[tuple]:
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(dsn, autocommit=True) as conn:
        while True:
            rows = conn.execute(BOOKS_SQL, (ids,)).fetchall()
            if all(row[1] in ENDED for row in rows) or time.monotonic() > deadline:
                return rows
            time.sleep(1.0)


def provider_calls(dsn: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        return dict(conn.execute(CALLS_SQL).fetchall())


def _seconds(moment: datetime | None, since: float) -> float | None:
    return None if moment is None else moment.timestamp() - since


def run(args: argparse.Namespace) -> dict:
    bound = capacity_bound(
        users=args.users, pages=args.pages, limit=args.limit, text=args.text_delay, picture=args.image_delay
    )
    factor = args.factor or (1.2 if args.users <= 30 else 1.3)
    os.environ["AI_OFFLINE_MAX_CONCURRENT"] = str(args.limit)
    os.environ["AI_CONCURRENCY_LIMITS"] = f"offline={args.limit}"
    with production_stack(
        db_name=args.db,
        redis_db=args.redis_db,
        text_delay=args.text_delay,
        image_delay=args.image_delay,
        pin_cpus=args.pinned,
    ) as stack:
        accounts = make_accounts(stack, args.users)
        dsn = stack.env["DATABASE_URL"]
        with LoadSampler() as load:
            started, answers = start_books(stack.base_url, accounts, args.pages)
            ids = [a["body"]["id"] for a in answers if a["status"] in (201, 202)]
            rows = follow_books(dsn, ids, timeout=args.timeout or 3 * bound + 120)
        calls = provider_calls(dsn)
    books = [
        {
            "id": book_id,
            "status": status,
            "pages_done": done,
            "first_picture_s": _seconds(first_page, started),
            "ready_s": _seconds(generated_at, started) if status == "generated" else None,
        }
        for book_id, status, _created, generated_at, first_page, done in rows
    ]
    return {
        "users": args.users,
        "pages": args.pages,
        "limit": args.limit,
        "text_delay": args.text_delay,
        "image_delay": args.image_delay,
        "cpu_layout": "pinned (web CPU 0, workers CPU 1)" if args.pinned else "shared",
        "bound_s": bound,
        "factor": factor,
        "first_p95_target_s": args.first_p95,
        "refused": [a for a in answers if a["status"] not in (201, 202)],
        "books": books,
        "calls": calls,
        "load_avg": load.loads,
        "cpu_busy_pct": load.busy,
    }


def _p(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def figures(result: dict) -> dict:
    books = result["books"]
    ready = [b["ready_s"] for b in books if b["ready_s"] is not None]
    first = [b["first_picture_s"] for b in books if b["first_picture_s"] is not None]
    return {
        "generated": len(ready),
        "failed": sum(b["status"] == "failed" for b in books),
        "unfinished": sum(b["status"] not in ENDED for b in books),
        "refused": len(result["refused"]),
        "rate_limited_calls": result["calls"].get("rate_limited", 0),
        "first_p50": _p(first, 50),
        "first_p95": _p(first, 95),
        "ready_p50": _p(ready, 50),
        "ready_max": max(ready, default=None),
        "ready_min": min(ready, default=None),
        "slowest_over_bound": (max(ready) / result["bound_s"]) if ready else None,
        "slowest_over_fastest": (max(ready) / min(ready)) if ready else None,
        "load_max": max(result["load_avg"], default=None),
        "load_mean": statistics.fmean(result["load_avg"]) if result["load_avg"] else None,
        "cpu_busy_mean": statistics.fmean(result["cpu_busy_pct"]) if result["cpu_busy_pct"] else None,
    }


def targets_missed(result: dict, fig: dict) -> list[str]:
    missed = []
    if fig["failed"] or fig["unfinished"] or fig["refused"]:
        missed.append(f"{fig['failed']} failed, {fig['unfinished']} unfinished, {fig['refused']} refused")
    if fig["rate_limited_calls"] and result["users"] <= 30:
        missed.append(f"{fig['rate_limited_calls']} rate-limited calls")
    if fig["slowest_over_bound"] is not None and fig["slowest_over_bound"] > result["factor"]:
        missed.append(f"slowest book at {fig['slowest_over_bound']:.2f} x T* (target {result['factor']})")
    if (
        result["users"] <= 30
        and fig["first_p95"] is not None
        and fig["first_p95"] > result["first_p95_target_s"]
    ):
        missed.append(f"first picture p95 {fig['first_p95']:.1f} s (target {result['first_p95_target_s']} s)")
    return missed


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def report(result: dict, fig: dict) -> str:
    lines = [
        f"U={result['users']} P={result['pages']} limit={result['limit']} "
        f"text {result['text_delay']:g} s, picture {result['image_delay']:g} s: "
        f"T* = {result['bound_s']:.0f} s",
        "",
        "| book | status | pages | first picture s | ready s |",
        "|---:|---|---:|---:|---:|",
    ]
    ordered = sorted(result["books"], key=lambda b: (b["ready_s"] is None, b["ready_s"] or 0))
    for n, book in enumerate(ordered, 1):
        lines.append(
            f"| {n} | {book['status']} | {book['pages_done']} | "
            f"{_s(book['first_picture_s'])} | {_s(book['ready_s'])} |"
        )
    lines += [
        "",
        f"generated {fig['generated']}, failed {fig['failed']}, unfinished {fig['unfinished']}, "
        f"refused at the door {fig['refused']}, rate-limited provider calls {fig['rate_limited_calls']}",
        f"first picture p50 {_s(fig['first_p50'])} s, p95 {_s(fig['first_p95'])} s; "
        f"ready p50 {_s(fig['ready_p50'])} s, fastest {_s(fig['ready_min'])} s, "
        f"slowest {_s(fig['ready_max'])} s",
        f"slowest / T* = {_ratio(fig['slowest_over_bound'])} (target ≤ {result['factor']:.2f}); "
        f"slowest / fastest = {_ratio(fig['slowest_over_fastest'])}",
        f"machine: load average mean {_s(fig['load_mean'])}, max {_s(fig['load_max'])}; "
        f"CPU busy {_s(fig['cpu_busy_mean'])} % ({os.cpu_count()} cores, {result['cpu_layout']})",
        f"provider calls by outcome: {json.dumps(result['calls'], sort_keys=True)}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = run(args)
    fig = figures(result)
    print(report(result, fig))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"capacity-U{args.users}-P{args.pages}.json"
    out.write_text(json.dumps({**result, "figures": fig}, indent=2, default=str))
    missed = targets_missed(result, fig)
    for line in missed:
        print(f"MISSED: {line}")
    print(f"written to {out.relative_to(ROOT)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
