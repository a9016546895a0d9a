"""Parents using the site at once: sign in, browse the library, open and read books, make books
within their quota, wait for them, download PDFs and call the API with their tokens.

Run by bench/load.py (headless, bounded); the accounts come from the JSON file named by
BENCH_USERS_FILE (one account per simulated user, each with its own quota), made by load.py.
Quota answers (429 from the API, the form's quota message) are expected answers, not failures.
Every book a user creates is appended to BENCH_BOOKS_FILE so load.py can check it afterwards.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, task

ACCOUNTS = (
    json.loads(Path(os.environ["BENCH_USERS_FILE"]).read_text()) if os.environ.get("BENCH_USERS_FILE") else []
)
BOOKS_FILE = os.environ.get("BENCH_BOOKS_FILE", "")
PAGES_PER_BOOK = int(os.environ.get("BENCH_PAGES_PER_BOOK", "5"))
_next_account = itertools.count()
_books_lock = threading.Lock()
LOGIN_ATTEMPTS = 5
THEMES = (
    "dinossauros e amizade",
    "um gato no espaço",
    "o fundo do mar",
    "a horta da escola",
    "piratas gentis",
)


class _HiddenInputs(HTMLParser):
    """The hidden fields of a page's forms (the CSRF token, the form's submit token)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "input" and values.get("type") == "hidden" and values.get("name"):
            self.fields[values["name"]] = values.get("value") or ""


def hidden_inputs(html: str) -> dict[str, str]:
    parser = _HiddenInputs()
    parser.feed(html)
    return parser.fields


def record_book(book_id: str, email: str) -> None:
    if not BOOKS_FILE:
        return
    with _books_lock, open(BOOKS_FILE, "a") as out:
        out.write(json.dumps({"id": book_id, "email": email}) + "\n")


class Parent(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.api_headers = {"Authorization": f"Bearer {self.account['token']}", "Accept": "application/json"}
        self.books: dict[str, str] = {}  # id -> last known status
        self.pending: set[str] = set()
        for attempt in range(LOGIN_ATTEMPTS):
            if self._log_in(last=attempt == LOGIN_ATTEMPTS - 1):
                break
            time.sleep(random.uniform(2, 5))  # what a person does on "try again later"
        self._refresh_books()

    # --- helpers -------------------------------------------------------------------------------

    def _log_in(self, *, last: bool) -> bool:
        """The allauth form. Over its per-IP limits (every simulated parent is 127.0.0.1) it answers
        429 or "too many attempts"; those are recorded under their own name and tried again."""
        self.client.get("/accounts/login/", name="/accounts/login/")
        form = {"login": self.account["email"], "password": self.account["password"]}
        form["csrfmiddlewaretoken"] = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/accounts/login/",
            data=form,
            allow_redirects=False,
            name="/accounts/login/ POST",
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                return True
            limited = response.status_code == 429 or "Too many" in response.text
            if limited and not last:
                response.request_meta["name"] = "/accounts/login/ POST (rate-limited, retried)"
                response.success()
            else:
                response.failure(f"login answered {response.status_code}")
            return False

    def _refresh_books(self) -> None:
        with self.client.get(
            "/api/v1/books/", headers=self.api_headers, name="/api/v1/books/", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return
            for book in response.json().get("results", []):
                self.books[book["id"]] = book["status"]

    def _generated(self) -> list[str]:
        return [book_id for book_id, status in self.books.items() if status == "generated"]

    def _any_book(self) -> str | None:
        return random.choice(list(self.books)) if self.books else None

    # --- what a parent does ----------------------------------------------------------------------

    @task(6)
    def library(self) -> None:
        self.client.get("/books/", name="/books/")

    @task(2)
    def library_search(self) -> None:
        self.client.get("/books/", params={"q": random.choice(THEMES).split()[0]}, name="/books/?q=")

    @task(5)
    def open_book(self) -> None:
        book_id = self._any_book()
        if book_id:
            self.client.get(f"/books/{book_id}/", name="/books/[id]/")

    @task(3)
    def read_book(self) -> None:
        generated = self._generated()
        if generated:
            book_id = random.choice(generated)
            self.client.get(f"/books/{book_id}/read/", name="/books/[id]/read/")
            self.client.get(
                f"/books/{book_id}/pages/1/thumbnail.png", name="/books/[id]/pages/[n]/thumbnail.png"
            )

    @task(4)
    def api_reads(self) -> None:
        self._refresh_books()
        self.client.get("/api/v1/me/", headers=self.api_headers, name="/api/v1/me/")
        book_id = self._any_book()
        if book_id:
            self.client.get(f"/api/v1/books/{book_id}/", headers=self.api_headers, name="/api/v1/books/[id]/")

    @task(4)
    def poll_pending(self) -> None:
        for book_id in list(self.pending):
            with self.client.get(
                f"/api/v1/books/{book_id}/",
                headers=self.api_headers,
                name="/api/v1/books/[id]/ (poll)",
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"{response.status_code}")
                    continue
                status = response.json()["status"]
                self.books[book_id] = status
                if status in ("generated", "failed"):
                    self.pending.discard(book_id)

    @task(2)
    def create_book(self) -> None:
        """The new-book form, as a parent fills it in; the quota's refusal is an expected answer."""
        page = self.client.get("/books/new/", name="/books/new/")
        if page.status_code != 200:
            return
        data = {
            **hidden_inputs(page.text),
            "style": "cartoon",
            "num_pages": str(PAGES_PER_BOOK),
            "language": "pt-BR",
            "age_range": "4-6",
            "narrative_source": "generated",
            "theme": random.choice(THEMES),
            "educational_goal": "amizade",
            "title": "",
            "story": "",
        }
        with self.client.post(
            "/books/new/", data=data, allow_redirects=False, name="/books/new/ POST", catch_response=True
        ) as response:
            if response.status_code == 302 and response.headers.get("Location", "").startswith("/books/"):
                book_id = response.headers["Location"].strip("/").split("/")[-1]
                self.books[book_id] = "queued"
                self.pending.add(book_id)
                record_book(book_id, self.account["email"])
                response.success()
            elif (
                response.status_code == 400
                and 'class="form-errors"' in response.text
                and ("field-error" not in response.text)
            ):
                response.success()  # the quota's answer, shown above the form
            else:
                response.failure(f"creating a book answered {response.status_code}")

    @task(1)
    def create_book_api(self) -> None:
        body = {
            "style": "cartoon",
            "num_pages": PAGES_PER_BOOK,
            "theme": random.choice(THEMES),
            "language": "pt-BR",
        }
        with self.client.post(
            "/api/v1/books/",
            json=body,
            headers=self.api_headers,
            name="/api/v1/books/ POST",
            catch_response=True,
        ) as response:
            if response.status_code == 202:
                book_id = response.json()["id"]
                self.books[book_id] = response.json()["status"]
                self.pending.add(book_id)
                record_book(book_id, self.account["email"])
                response.success()
            elif response.status_code == 429:
                response.success()  # the daily or at-once quota, or the create throttle: expected
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(2)
    def download_pdf(self) -> None:
        generated = self._generated()
        if not generated:
            return
        book_id = random.choice(generated)
        with self.client.get(
            f"/books/{book_id}/download/",
            allow_redirects=False,
            name="/books/[id]/download/",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and response.content[:4] == b"%PDF":
                response.success()
            elif response.status_code == 302:
                response.success()  # the PDF is being made; the parent is sent back to the book
            else:
                response.failure(f"{response.status_code}")
