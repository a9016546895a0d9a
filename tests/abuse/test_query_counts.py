"""The pages the load test hits most do not run one query per book or per page (no N+1).

Counted, not timed: the same page for a parent with 2 books and with 12 must run the same
number of queries (a small slack for the pagination's count).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.tokens import api_token_create
from books.models import Book
from books.tests.factories import book_factory

PAGES = 8


def _books(owner, count: int) -> list[Book]:
    return [
        book_factory(owner=owner, status=Book.Status.GENERATED, num_pages=PAGES, title=f"Livro {n}")
        for n in range(count)
    ]


def _queries(get, path: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured), [q["sql"][:160] for q in captured.captured_queries]


def _web_paths(book: Book) -> list[str]:
    return ["/books/", "/books/?q=Livro", f"/books/{book.id}/", f"/books/{book.id}/read/", "/"]


def _api_paths(book: Book) -> list[str]:
    return ["/api/v1/books/", f"/api/v1/books/{book.id}/", "/api/v1/me/"]


@pytest.mark.django_db
def test_web_pages_run_as_many_queries_for_12_books_as_for_2(client, owner, other_user):
    client.force_login(owner)
    few = _books(owner, 2)
    counts_few = {path: _queries(client.get, path) for path in _web_paths(few[0])}
    _books(owner, 10)
    for path, (before, _) in counts_few.items():
        after, sql = _queries(client.get, path)
        assert after <= before + 1, f"{path}: {before} queries with 2 books, {after} with 12:\n" + "\n".join(
            sql
        )


@pytest.mark.django_db
def test_api_reads_run_as_many_queries_for_12_books_as_for_2(owner):
    _token, raw_key = api_token_create(user=owner, name="counts")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    few = _books(owner, 2)
    counts_few = {path: _queries(api.get, path) for path in _api_paths(few[0])}
    _books(owner, 10)
    for path, (before, _) in counts_few.items():
        after, sql = _queries(api.get, path)
        assert after <= before + 1, f"{path}: {before} queries with 2 books, {after} with 12:\n" + "\n".join(
            sql
        )


@pytest.mark.django_db
def test_a_book_of_20_pages_runs_as_many_queries_as_one_of_5(client, owner):
    from books.sharing import share_link_create

    client.force_login(owner)
    _token, raw_key = api_token_create(user=owner, name="counts")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    counts = []
    for pages in (5, 20):
        book = book_factory(owner=owner, status=Book.Status.GENERATED, num_pages=pages)
        token = share_link_create(book=book, expiry="7d").token
        web = [f"/books/{book.id}/", f"/books/{book.id}/read/", f"/s/{token}/", f"/s/{token}/pages/2/"]
        counts.append(
            {
                path.replace(str(book.id), "[id]").replace(token, "[t]"): _queries(client.get, path)
                for path in web
            }
            | {f"api {book.num_pages}": _queries(api.get, f"/api/v1/books/{book.id}/")}
        )
    five, twenty = counts
    for (path, (before, _)), (after, sql) in zip(five.items(), twenty.values(), strict=True):
        assert after <= before + 1, f"{path}: {before} queries for 5 pages, {after} for 20:\n" + "\n".join(
            sql
        )


# What each of the busiest reads may run, sessions in the cache as in production (cached_db on
# Redis): lower these when a page gets leaner, never raise them without a reason.
WEB_BUDGET = {"/books/": 9, "/books/[id]/": 7, "/books/[id]/read/": 3, "/books/[id]/pages/1/thumbnail.png": 3}
API_BUDGET = {"/api/v1/books/": 3, "/api/v1/books/[id]/": 3, "/api/v1/me/": 4}


def _budget_paths(book: Book, budget: dict[str, int]) -> dict[str, str]:
    return {path: path.replace("[id]", str(book.id)) for path in budget}


@pytest.mark.django_db
@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_the_busiest_pages_stay_within_their_query_budget(client, owner):
    from django.core.files.base import ContentFile

    client.force_login(owner)
    book = _books(owner, 3)[0]
    page = book.pages.get(number=1)
    page.thumbnail.save("thumb.png", ContentFile(b"\x89PNG"), save=True)
    for path, url in _budget_paths(book, WEB_BUDGET).items():
        client.get(url)  # the first request fills the session cache
        count, sql = _queries(client.get, url)
        assert count <= WEB_BUDGET[path], f"{path}: {count} queries:\n" + "\n".join(sql)


@pytest.mark.django_db
def test_the_busiest_api_reads_stay_within_their_query_budget(owner):
    from accounts.models import Tier

    owner.tier = Tier.default()  # as every account made by sign-up has
    owner.save(update_fields=["tier"])
    _token, raw_key = api_token_create(user=owner, name="budget")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    book = _books(owner, 3)[0]
    for path, url in _budget_paths(book, API_BUDGET).items():
        api.get(url)  # the first call marks the token used
        count, sql = _queries(api.get, url)
        assert count <= API_BUDGET[path], f"{path}: {count} queries:\n" + "\n".join(sql)
