"""The figures in one table: the load test and the fault scenarios, as markdown.

    .venv/bin/python bench/report.py           # short load run (10 users, 1 minute) + faults
    .venv/bin/python bench/report.py --full    # the full 50 users × 5 minutes + faults
    make bench                                 # the same as the first line (make bench ARGS=--full)

Load: bench/load.py (production-mode stack under honcho, locust headless). Faults: pytest over
tests/reliability/ on the real services, read back from its junit XML (pass/fail, duration and
the recovery times the tests print, e.g. "worker SIGKILL -> book generated again in 7.2 s").
Writes bench/results/report.md (and load.json, reliability.xml) and prints the table.
Needs PostgreSQL and Redis on 127.0.0.1, like the integration suite.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402
from stack import BIN, ROOT  # noqa: E402

RESULTS = ROOT / "bench" / "results"
FAULTS = ROOT / "tests" / "reliability"
# "worker SIGKILL -> book generated again in 7.2 s (...)": what recovered, and how fast.
RECOVERY = re.compile(r"^(?P<what>[^\n]*?->[^\n]*?)\s+(?P<seconds>\d+(?:\.\d+)?) s\b", re.M)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="50 users for 5 minutes (default: 10 for 1)")
    parser.add_argument("--users", type=int, help="override the number of users")
    parser.add_argument("--minutes", type=float, help="override the run time")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument(
        "--load-from", type=Path, help="report a saved bench/load.py result (load.json) instead"
    )
    parser.add_argument("--skip-faults", action="store_true")
    return parser.parse_args(argv)


def run_load(args: argparse.Namespace) -> dict:
    users = args.users or (50 if args.full else 10)
    minutes = args.minutes or (5.0 if args.full else 1.0)
    return load.run(load.parse_args(["--users", str(users), "--minutes", str(minutes)]))


def run_faults() -> dict:
    """pytest over tests/reliability/ with junit output; one entry per test."""
    junit = RESULTS / "reliability.xml"
    junit.unlink(missing_ok=True)
    env = {
        **os.environ,
        "CI": "true",  # the services must be there: a skip would hide a missing figure
        "INTEGRATION_DB_NAME": os.environ.get("BENCH_FAULTS_DB_NAME", "fabrica_bench_faults"),
        "INTEGRATION_REDIS_DB": os.environ.get("BENCH_FAULTS_REDIS_DB", "3"),
    }
    started = time.monotonic()
    command = [
        str(BIN / "python"), "-m", "pytest", str(FAULTS), "-q", "-p", "no:cacheprovider",
        f"--junitxml={junit}", "-o", "junit_logging=system-out", "-o", "junit_family=xunit2",
    ]  # fmt: skip
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    tests = parse_junit(junit) if junit.exists() else []
    return {
        "exit_code": completed.returncode,
        "seconds": round(time.monotonic() - started, 1),
        "tests": tests,
        "tail": completed.stdout[-3000:] if not tests or completed.returncode else "",
    }


def parse_junit(path: Path) -> list[dict]:
    tests = []
    for case in ET.parse(path).getroot().iter("testcase"):
        outcome = "passed"
        message = ""
        for tag in ("failure", "error", "skipped"):
            element = case.find(tag)
            if element is not None:
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[tag]
                message = (
                    (element.get("message") or "").splitlines()[0][:160] if element.get("message") else ""
                )
                break
        out = "".join(element.text or "" for element in case.iter("system-out"))
        tests.append(
            {
                "name": f"{case.get('classname', '').rsplit('.', 1)[-1]}::{case.get('name')}",
                "outcome": outcome,
                "seconds": round(float(case.get("time") or 0), 1),
                "recovery": [
                    {"what": m["what"].strip(), "seconds": float(m["seconds"])}
                    for m in RECOVERY.finditer(out)
                ],
                "message": message,
            }
        )
    return tests


def markdown(load_result: dict | None, faults: dict | None) -> str:
    lines = [f"# Fábrica de Livros — benchmark report ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)", ""]
    if load_result:
        total = load_result["total"]
        lines += [
            f"## Load: {load_result['users']} users × {load_result['minutes']} min "
            "(production mode: honcho + Procfile, DEBUG=0, PostgreSQL, Redis, 2 web processes, "
            "2 Celery workers, beat; offline AI with text 1 s / image 2 s)",
            "",
            "| Figure | Value |",
            "|---|---:|",
            f"| Requests | {total.get('requests', 0)} |",
            f"| p50 / p95 / p99 (all, ms) | {_ms(total.get('p50'))} / {_ms(total.get('p95'))} / "
            f"{_ms(total.get('p99'))} |",
            f"| Errors (quota 429s are expected answers) | {total.get('failures', 0)} "
            f"({load_result['error_rate']:.2%}) |",
            f"| Books created | {load_result['books_created']} |",
            "| Books finished (generated, N pages done with pictures, valid PDF) | "
            f"{load_result['books_finished']} |",
            f"| Books lost | {load_result['books_lost']} |",
            f"| Pages duplicated | {load_result['pages_duplicated']} |",
            "",
            "### Per endpoint",
            "",
            load.table(load_result),
            "",
        ]
        missed = load.targets_missed(load_result)
        lines += [
            f"Targets (p95 < {load.TARGET_P95_MS} ms on pages and API reads, 0 errors, 0 lost, 0 duplicated):"
        ]
        lines += [f"- missed: {line}" for line in missed] or ["- all met"]
        lines += [f"- problem: {problem}" for problem in load_result.get("problems", [])]
        lines.append("")
    if faults:
        lines += [
            f"## Faults: tests/reliability/ (exit {faults['exit_code']}, {faults['seconds']} s)",
            "",
            "| Scenario | Result | Duration s | Recovery |",
            "|---|---|---:|---|",
        ]
        for test in faults["tests"]:
            recovery = "; ".join(f"{r['what']} **{r['seconds']:.1f} s**" for r in test["recovery"]) or "–"
            result = test["outcome"] + (f" ({test['message']})" if test["message"] else "")
            lines.append(f"| {test['name']} | {result} | {test['seconds']:.1f} | {recovery} |")
        if not faults["tests"]:
            lines.append("| (no junit results) | – | – | – |")
        if faults["tail"]:
            lines += ["", "```", faults["tail"].strip(), "```"]
        lines.append("")
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.load_from:
        load_result = json.loads(args.load_from.read_text())
    else:
        load_result = None if args.skip_load else run_load(args)
    faults = None if args.skip_faults or not FAULTS.exists() else run_faults()
    report = markdown(load_result, faults)
    (RESULTS / "report.md").write_text(report)
    (RESULTS / "report.json").write_text(json.dumps({"load": load_result, "faults": faults}, indent=2))
    print(report)
    failed = bool(load_result and load.targets_missed(load_result))
    failed |= bool(faults and faults["exit_code"] != 0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
