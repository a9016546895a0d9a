"""The admin front page shows the operations dashboard, drawn on the server as inline SVG."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ai.models import AICall
from books.models import Book, GenerationJob, Page
from books.tests.factories import book_factory
from fabrica.celery import app
from fabrica.dashboard import bar_chart
from fabrica.workload import provider_inflight_source

ADMIN = "/admin/"


@pytest.fixture
def staff_client(client, django_user_model):
    staff = django_user_model.objects.create_superuser(email="boss@example.com", password="a-passphrase-7")
    client.force_login(staff)
    return client


def _dashboard(html: str) -> str:
    match = re.search(r'<div id="ops-dashboard".*?</table>\s*<h2>.*?</table>', html, re.S)
    assert match, "the dashboard is not on the admin front page"
    return match.group(0)


def _call(provider: str, latency: int, outcome=AICall.Outcome.OK) -> AICall:
    return AICall.objects.create(
        provider=provider,
        model="m",
        capability="image",
        latency_ms=latency,
        outcome=outcome,
        cost_usd=Decimal("0.0100"),
    )


def test_the_tallest_bar_fills_the_chart_and_failures_sit_at_the_bottom():
    today = date(2026, 11, 23)
    chart = bar_chart([(today - timedelta(days=1), 4, 1), (today, 8, 0)], height=80)

    first, second = chart.bars
    assert (second.y, second.height) == (0, 80)
    assert (first.y, first.height) == (40, 40)
    assert (first.part_y, first.part_height) == (70, 10)
    assert chart.total == 12
    assert first.x < second.x


def test_an_empty_chart_has_no_bar_height():
    chart = bar_chart([(date(2026, 11, 23), 0, 0)])

    assert chart.bars[0].height == 0
    assert chart.peak == 0


@pytest.mark.django_db
def test_staff_see_books_failures_generations_and_providers(owner, staff_client):
    book_factory(owner=owner, status=Book.Status.GENERATED)
    book_factory(owner=owner, status=Book.Status.GENERATED)
    book_factory(owner=owner, status=Book.Status.GENERATED)
    book_factory(owner=owner, status=Book.Status.FAILED)
    book_factory(owner=owner, status=Book.Status.GENERATING)
    book_factory(owner=owner, status=Book.Status.QUEUED)
    old = book_factory(owner=owner, status=Book.Status.FAILED)
    Book.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(days=40))
    for latency in (100, 200, 300):
        _call("gemini", latency)
    _call("gemini", 5000, outcome=AICall.Outcome.TIMEOUT)

    html = _dashboard(staff_client.get(ADMIN).content.decode())

    assert "<strong>6</strong>, 1 failed" in html  # the 40-day-old book is outside the window
    assert '<strong class="ops-failure-rate">25' in html  # 1 of 4 finished books
    assert '<strong class="ops-active">2</strong>' in html
    provider_row = re.search(r'<tr class="ops-provider">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", provider_row)
    assert cells[:4] == ["gemini", "image", "4", "25.0%"]
    assert cells[4:6] == ["200", "5000"]  # p50, p95
    assert html.count("<svg") == 3
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")


@pytest.mark.django_db
def test_the_dashboard_queries_do_not_grow_with_the_data(owner, staff_client):
    staff_client.get(ADMIN)  # warm up: sessions, content types
    with CaptureQueriesContext(connection) as few:
        staff_client.get(ADMIN)
    for _ in range(20):
        book_factory(owner=owner, status=Book.Status.GENERATED, num_pages=5)
        _call("openrouter", 120)
    with CaptureQueriesContext(connection) as many:
        staff_client.get(ADMIN)

    assert len(many) == len(few)


@pytest.mark.django_db
def test_the_dashboard_is_for_staff_only(owner_client):
    response = owner_client.get(ADMIN)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- generation now, and how long parents waited ---------------------------------------------


def _workload(html: str) -> str:
    match = re.search(r'<table id="ops-workload".*?</table>\s*<h2>.*?</table>', html, re.S)
    assert match, "the workload section is not on the admin front page"
    return match.group(0)


def _request(owner, *, ago: float, ready_after: float | None, first_pages_after: list[float]) -> Book:
    """A book asked for ``ago`` seconds ago, whose pages finished drawing ``first_pages_after``."""
    asked = timezone.now() - timedelta(seconds=ago)
    book = book_factory(owner=owner, status=Book.Status.GENERATED if ready_after else Book.Status.GENERATING)
    GenerationJob.objects.create(
        kind=GenerationJob.Kind.BOOK,
        book=book,
        user=owner,
        created_at=asked,
        status=GenerationJob.Status.SUCCEEDED if ready_after else GenerationJob.Status.RUNNING,
        finished_at=asked + timedelta(seconds=ready_after) if ready_after else None,
    )
    for page, after in zip(book.pages.order_by("number"), first_pages_after, strict=False):
        # the drawing took 2 s of the wait
        Page.objects.filter(id=page.id).update(
            status=Page.Status.DONE, started_at=asked + timedelta(seconds=after - 2), generation_ms=2000
        )
    return book


@pytest.mark.django_db
def test_staff_see_the_percentiles_of_waiting_from_the_last_days_requests(owner, staff_client):
    _request(owner, ago=600, ready_after=100, first_pages_after=[10, 40])
    _request(owner, ago=500, ready_after=120, first_pages_after=[20])
    _request(owner, ago=400, ready_after=300, first_pages_after=[30])
    _request(owner, ago=60, ready_after=None, first_pages_after=[])  # still waiting: not measured yet
    _request(owner, ago=3 * 86400, ready_after=900, first_pages_after=[500])  # older than a day
    retried = _request(owner, ago=300, ready_after=None, first_pages_after=[])
    # A page drawn by the failed first attempt is not the retry's first picture.
    Page.objects.filter(book=retried, number=1).update(
        status=Page.Status.DONE, started_at=timezone.now() - timedelta(hours=2), generation_ms=1000
    )

    html = _workload(staff_client.get(ADMIN).content.decode())

    rows = [
        re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)
        for row in re.findall(r'<tr class="ops-wait">(.*?)</tr>', html, re.S)
    ]
    assert rows == [["the first picture", "3", "20.0", "30.0"], ["the finished book", "3", "120.0", "300.0"]]


@pytest.mark.django_db
def test_staff_see_the_admission_queue_the_queues_and_the_calls_in_flight(owner, staff_client, settings):
    book_factory(owner=owner, status=Book.Status.QUEUED)
    book_factory(owner=owner, status=Book.Status.QUEUED)
    book_factory(owner=owner, status=Book.Status.GENERATING)
    url = "redis://127.0.0.1:6379/13"
    queue = f"dashboard-{uuid.uuid4().hex[:8]}"  # the Redis database is shared with other test runs
    server = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        server.rpush(queue, "a", "b", "c", "d")
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.REDIS_URL = url
    default_queue, app.conf.task_default_queue = app.conf.task_default_queue, queue
    provider_inflight_source(lambda: {"gemini": 7})
    try:
        html = _workload(staff_client.get(ADMIN).content.decode())
    finally:
        provider_inflight_source(None)
        app.conf.task_default_queue = default_queue
        server.delete(queue)

    assert '<strong class="ops-admission">2</strong>' in html
    assert f'<span class="ops-queue" data-queue="{queue}">{queue}: <strong>4</strong></span>' in html
    assert '<span class="ops-inflight" data-provider="gemini">gemini: <strong>7</strong></span>' in html


@pytest.mark.django_db
def test_without_redis_or_a_limiter_the_dashboard_says_what_is_not_measured(staff_client, settings):
    settings.REDIS_URL = ""

    html = _workload(staff_client.get(ADMIN).content.decode())

    assert "Not measured: the broker is not Redis" in html
    assert "Not measured: no concurrency limiter reports its calls." in html


def test_the_workload_section_speaks_portuguese_and_spanish():
    from django.template.loader import render_to_string
    from django.utils import translation

    context = {"workload": {"queues": None, "inflight": None, "admission": 0, "waits": []}}
    with translation.override("pt-br"):
        portuguese = render_to_string("admin/_workload.html", context)
    with translation.override("es"):
        spanish = render_to_string("admin/_workload.html", context)

    assert "Geração agora" in portuguese and "fila de admissão" in portuguese
    assert "Generación ahora" in spanish and "Tiempo de espera, últimas 24 horas" in spanish


@pytest.mark.django_db
def test_provider_calls_of_refunded_failures_are_counted_in_the_cost(owner, staff_client):
    from books.models import GenerationJob

    now = timezone.now()
    failing = book_factory(owner=owner, status=Book.Status.FAILED)
    for minutes_ago in (30, 20):  # the first request and a retry, both failed and given back
        GenerationJob.objects.create(
            book=failing,
            user=owner,
            status=GenerationJob.Status.FAILED,
            quota_refunded=True,
            created_at=now - timedelta(minutes=minutes_ago),
            finished_at=now - timedelta(minutes=minutes_ago - 5),
        )
        AICall.objects.create(
            provider="gemini",
            capability="image",
            book=failing,
            outcome=AICall.Outcome.QC_FAILED,
            cost_usd=Decimal("0.0400"),
            created_at=now - timedelta(minutes=minutes_ago - 1),
        )
    drawn = book_factory(owner=owner, status=Book.Status.GENERATED)
    GenerationJob.objects.create(
        book=drawn, user=owner, status=GenerationJob.Status.SUCCEEDED, created_at=now - timedelta(minutes=9)
    )
    AICall.objects.create(
        provider="gemini",
        capability="image",
        book=drawn,
        outcome=AICall.Outcome.OK,
        cost_usd=Decimal("0.0400"),
    )

    html = staff_client.get(ADMIN).content.decode()

    provider_row = re.search(r'<tr class="ops-provider">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td>", provider_row)[6] == "0.1200"  # every call, refunded or not
    refunded = re.search(r'<p class="ops-refunded">(.*?)</p>', html, re.S).group(1)
    assert "<strong>2</strong> call(s)" in refunded
    assert "US$ <strong>0.0800</strong>" in refunded
