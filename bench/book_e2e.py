"""Time one book end to end against a running site, the way a parent makes it.

Logs in, posts the create form, follows the progress WebSocket until the book is
generated, downloads the PDF and checks it. Prints the figures.

    .venv/bin/python bench/book_e2e.py --base-url http://127.0.0.1:8000 --runs 3
"""

from __future__ import annotations

import argparse
import io
import json
import re
import statistics
import time

import requests
from pypdf import PdfReader
from websockets.sync.client import connect


def login(base: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/")
    response = session.post(
        f"{base}/accounts/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise SystemExit(f"login failed: HTTP {response.status_code}")
    return session


def create_book(session: requests.Session, base: str, pages: int, theme: str) -> str:
    session.get(f"{base}/books/new/")
    form = {
        "style": "cartoon",
        "num_pages": str(pages),
        "language": "pt-BR",
        "age_range": "4-6",
        "narrative_source": "generated",
        "theme": theme,
        "educational_goal": "amizade",
        "csrfmiddlewaretoken": session.cookies["csrftoken"],
    }
    response = session.post(
        f"{base}/books/new/", data=form, headers={"Referer": f"{base}/books/new/"}, allow_redirects=False
    )
    match = re.search(r"/books/([0-9a-f-]{36})/", response.headers.get("Location", ""))
    if response.status_code != 302 or not match:
        raise SystemExit(f"create failed: HTTP {response.status_code}")
    return match.group(1)


def watch(session: requests.Session, base: str, book_id: str, timeout: float) -> list[dict]:
    ws_url = base.replace("http", "ws", 1) + f"/ws/books/{book_id}/progress/"
    headers = {"Cookie": f"sessionid={session.cookies['sessionid']}", "Origin": base}
    snapshots = []
    with connect(ws_url, additional_headers=headers, open_timeout=10) as socket:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            snapshots.append(json.loads(socket.recv(timeout=deadline - time.monotonic())))
            if snapshots[-1]["status"] in ("generated", "failed"):
                break
    return snapshots


def one_run(session: requests.Session, base: str, pages: int, timeout: float) -> float:
    started = time.monotonic()
    book_id = create_book(session, base, pages, "dinossauros e amizade")
    snapshots = watch(session, base, book_id, timeout)
    elapsed = time.monotonic() - started
    final = snapshots[-1]
    if final["status"] != "generated":
        raise SystemExit(f"book {book_id} ended {final['status']}: {final['error']}")
    pdf = session.get(base + final["pdf_url"])
    reader = PdfReader(io.BytesIO(pdf.content))
    print(
        f"book {book_id}: {elapsed:.2f}s to generated, {len(snapshots)} socket messages, "
        f"PDF {len(reader.pages)} pages, {len(pdf.content) / 1024:.0f} KiB"
    )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--email", default="demo@fabrica.local")
    parser.add_argument("--password", default="colorir-2026")
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3, help="sequential books (the daily quota is 50)")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    session = login(args.base_url, args.email, args.password)
    times = [one_run(session, args.base_url, args.pages, args.timeout) for _ in range(args.runs)]
    print(
        f"{args.pages}-page book, {len(times)} runs: median {statistics.median(times):.2f}s, "
        f"min {min(times):.2f}s, max {max(times):.2f}s"
    )


if __name__ == "__main__":
    main()
