"""How parallel is the pipeline? A 20-page book through the real Celery pipeline, timed.

The offline provider sleeps like a real one (text 3 s, picture 6 s by default), so the
wall time of a book is dominated by waiting on the "AI", as in production. For each
worker concurrency the script runs the book in a fresh process (own SQLite database,
embedded Celery worker on threads, memory broker) and prints:

- wall time from the create call to `generated`;
- the critical path: text + ceil(pictures / concurrency) x picture + PDF assembly,
  where pictures = pages + cover (they are drawn together);
- the ratio wall / critical path (target <= 1.25 with 8 concurrent picture calls);
- the same book with one worker thread: the sequential baseline.

    .venv/bin/python bench/pipeline.py                  # 20 pages, concurrency 8 and 1
    .venv/bin/python bench/pipeline.py --runs 3 --concurrency 8 --no-sequential
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_one(pages: int, text_delay: float, image_delay: float) -> dict:
    """One book in this process; the environment was set by the parent."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrica.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db.models import Max

    from ai.models import AICall
    from books.models import Book
    from books.services import book_create
    from fabrica.embedded import start_embedded_worker, stop_embedded_worker

    call_command("migrate", verbosity=0)
    call_command("seed_catalog", verbosity=0)
    user = get_user_model().objects.create_user(email="bench@example.com", password="bench-password-1")
    worker = start_embedded_worker()
    time.sleep(0.5)  # let the consumer attach to the broker
    started = time.monotonic()
    book = book_create(owner=user, style="cartoon", num_pages=pages, theme="dinossauros e amizade")
    while True:
        book.refresh_from_db()
        if book.status in (Book.Status.GENERATED, Book.Status.FAILED):
            break
        time.sleep(0.02)
    wall = time.monotonic() - started
    last_picture = AICall.objects.filter(book=book, capability="image").aggregate(last=Max("created_at"))[
        "last"
    ]
    assembly = (
        (book.generated_at - last_picture).total_seconds() if book.generated_at and last_picture else 0.0
    )
    concurrency = worker.concurrency
    stop_embedded_worker()
    waves = math.ceil((pages + 1) / concurrency)
    calls = AICall.objects.filter(book=book)
    text_ms = statistics.median(calls.filter(capability="text").values_list("latency_ms", flat=True))
    image_ms = statistics.median(calls.filter(capability="image").values_list("latency_ms", flat=True))
    return {
        "status": book.status,
        "concurrency": concurrency,
        "wall": wall,
        # The provider's latency alone, as configured...
        "critical_path": text_delay + waves * image_delay + assembly,
        # ...and with each call as long as it really took here (drawing and checking included).
        "measured_path": text_ms / 1000 + waves * image_ms / 1000 + assembly,
        "image_call": image_ms / 1000,
        "assembly": assembly,
    }


def spawn(args: argparse.Namespace, concurrency: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="fabrica-bench-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "REDIS_URL": "",
            "EMBEDDED_WORKER_CONCURRENCY": str(concurrency),
            "AI_TEXT_PROVIDERS": "offline",
            "AI_IMAGE_PROVIDERS": "offline",
            "AI_OFFLINE_TEXT_DELAY": str(args.text_delay),
            "AI_OFFLINE_IMAGE_DELAY": str(args.image_delay),
            "AI_OFFLINE_FAILURE_RATE": "0",
            "BOOK_GENERATION_DEADLINE": "3600",
            "CELERY_TASK_TIME_LIMIT": "3600",
        }
        command = [sys.executable, __file__, "--child", "--pages", str(args.pages)]
        command += ["--text-delay", str(args.text_delay), "--image-delay", str(args.image_delay)]
        output = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
        if output.returncode != 0:
            raise SystemExit(f"bench child failed:\n{output.stderr[-3000:]}")
        return json.loads(output.stdout.strip().splitlines()[-1])


def report(label: str, runs: list[dict]) -> None:
    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    walls = [run["wall"] for run in runs]
    wall = statistics.median(walls)
    print(
        f"{label}: wall median {wall:.1f} s (runs: {', '.join(f'{w:.1f}' for w in walls)}), "
        f"status {','.join(sorted({run['status'] for run in runs}))}\n"
        f"  critical path, configured latency: {median('critical_path'):.1f} s "
        f"-> ratio {wall / median('critical_path'):.2f}\n"
        f"  critical path, measured calls (one picture {median('image_call'):.2f} s incl. drawing and QC): "
        f"{median('measured_path'):.1f} s -> ratio {wall / median('measured_path'):.2f}\n"
        f"  PDF assembly after the last picture: {median('assembly'):.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--text-delay", type=float, default=3.0)
    parser.add_argument("--image-delay", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-sequential", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.pages, args.text_delay, args.image_delay)))
        return
    print(
        f"{args.pages}-page book, offline provider: text {args.text_delay:g} s, "
        f"picture {args.image_delay:g} s; {args.pages + 1} pictures (pages + cover)"
    )
    parallel = [spawn(args, args.concurrency) for _ in range(args.runs)]
    report(f"concurrency {args.concurrency}", parallel)
    if not args.no_sequential:
        sequential = [spawn(args, 1)]
        report("sequential (1 thread)", sequential)
        speedup = sequential[0]["wall"] / statistics.median(run["wall"] for run in parallel)
        print(f"speed-up over sequential: {speedup:.1f}x")


if __name__ == "__main__":
    main()
