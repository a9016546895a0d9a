"""Prometheus metrics: what moves when books are made, and who may read them."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.core.cache import cache
from prometheus_client.parser import text_string_to_metric_families

from books.generation import book_fail
from books.models import Book
from books.services import book_create
from books.tests.factories import book_factory
from fabrica.celery import app
from fabrica.workload import provider_inflight_source

STRANGER = "203.0.113.7"


def _samples(client, **extra) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content[:200]
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def _value(samples, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def _quick(settings):
    settings.PAGE_IMAGE_WIDTH, settings.PAGE_IMAGE_HEIGHT = 480, 600
    settings.AI_RETRY_BACKOFF_SECONDS = 0
    settings.AI_OFFLINE_FAILURE_RATE = 0
    settings.AI_TEXT_PROVIDERS = ["offline"]
    settings.AI_IMAGE_PROVIDERS = ["offline"]
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_a_generated_book_moves_the_book_and_ai_counters(client, owner, celery_eager, _quick):
    before = _samples(client)

    book = book_create(owner=owner, style="cartoon", num_pages=5, theme="a fox who shares")

    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    after = _samples(client)
    assert _value(after, "fabrica_books_created_total") == _value(before, "fabrica_books_created_total") + 1
    assert (
        _value(after, "fabrica_books_generated_total") == _value(before, "fabrica_books_generated_total") + 1
    )
    durations = "fabrica_book_generation_duration_seconds_count"
    assert _value(after, durations) == _value(before, durations) + 1
    text_calls = {"provider": "offline", "capability": "text", "outcome": "ok"}
    image_calls = {"provider": "offline", "capability": "image", "outcome": "ok"}
    assert _value(after, "fabrica_ai_calls_total", **text_calls) > _value(
        before, "fabrica_ai_calls_total", **text_calls
    )
    # five pages and the cover
    assert (
        _value(after, "fabrica_ai_calls_total", **image_calls)
        >= _value(before, "fabrica_ai_calls_total", **image_calls) + 6
    )


@pytest.mark.django_db(transaction=True)
def test_a_failed_book_moves_the_failure_counter_once(client, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    before = _value(_samples(client), "fabrica_books_failed_total")

    book_fail(book_id=book.id, message="The illustrator is away.")
    book_fail(book_id=book.id, message="The illustrator is away.")

    assert _value(_samples(client), "fabrica_books_failed_total") == before + 1


@pytest.mark.django_db
def test_active_generations_are_read_from_the_database_at_scrape_time(client, owner):
    book_factory(owner=owner, status=Book.Status.GENERATING)
    book_factory(owner=owner, status=Book.Status.GENERATING)
    book_factory(owner=owner, status=Book.Status.QUEUED)
    book_factory(owner=owner, status=Book.Status.GENERATED)

    samples = _samples(client)

    assert _value(samples, "fabrica_active_generations", status="generating") == 2
    assert _value(samples, "fabrica_active_generations", status="queued") == 1


@pytest.mark.django_db
def test_request_latency_is_recorded_per_view(client):
    client.get("/healthz")

    samples = _samples(client)

    labels = {"method": "GET", "view": "healthz", "status": "200"}
    assert _value(samples, "fabrica_http_request_duration_seconds_count", **labels) >= 1


@pytest.mark.django_db
def test_queue_depth_is_the_length_of_the_celery_list_in_redis(client, settings):
    url = "redis://127.0.0.1:6379/13"
    queue = f"celery-{uuid.uuid4().hex[:8]}"  # the Redis database is shared with other test runs
    server = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        server.rpush(queue, "a", "b", "c")
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.REDIS_URL = url
    default_queue, app.conf.task_default_queue = app.conf.task_default_queue, queue
    try:
        samples = _samples(client)
    finally:
        app.conf.task_default_queue = default_queue
        server.delete(queue)

    assert _value(samples, "fabrica_celery_queue_depth", queue=queue) == 3


@pytest.mark.django_db
def test_queue_depth_is_reported_for_every_routed_queue_and_counts_prioritised_tasks(client, settings):
    url = "redis://127.0.0.1:6379/13"
    # Names of this run only: the Redis database is shared with other test runs.
    pictures, story = (f"{name}-{uuid.uuid4().hex[:8]}" for name in ("pictures", "story"))
    keys = [pictures, f"{pictures}\x06\x163", story]
    server = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        server.rpush(pictures, "a", "b")
        server.rpush(f"{pictures}\x06\x163", "c")  # kombu's list for priority 3 of that queue
        server.rpush(story, "d")
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.REDIS_URL = url
    routes = app.conf.task_routes
    app.conf.task_routes = {
        "books.tasks.book_draw_page": {"queue": pictures},
        "books.tasks.x": {"queue": story},
    }
    try:
        samples = _samples(client)
    finally:
        app.conf.task_routes = routes
        server.delete(*keys)

    assert _value(samples, "fabrica_celery_queue_depth", queue=pictures) == 3
    assert _value(samples, "fabrica_celery_queue_depth", queue=story) == 1
    default = settings.CELERY_TASK_DEFAULT_QUEUE
    assert ("fabrica_celery_queue_depth", frozenset({("queue", default)})) in samples  # the default one too


@pytest.mark.django_db
def test_the_admission_queue_is_the_books_waiting_to_start(client, owner):
    book_factory(owner=owner, status=Book.Status.QUEUED)
    book_factory(owner=owner, status=Book.Status.QUEUED)
    book_factory(owner=owner, status=Book.Status.GENERATING)

    assert _value(_samples(client), "fabrica_admission_queue_length") == 2


@pytest.mark.django_db
def test_calls_in_flight_are_read_from_the_registered_limiter_at_scrape_time(client):
    inflight = {"gemini": 3, "offline": 0}
    provider_inflight_source(lambda: inflight)
    try:
        first = _samples(client)
        inflight["gemini"] = 5
        second = _samples(client)
    finally:
        provider_inflight_source(None)

    assert _value(first, "fabrica_provider_calls_in_flight", provider="gemini") == 3
    assert ("fabrica_provider_calls_in_flight", frozenset({("provider", "offline")})) in first
    assert _value(second, "fabrica_provider_calls_in_flight", provider="gemini") == 5


@pytest.mark.django_db
def test_a_failing_limiter_reader_leaves_the_other_metrics_standing(client):
    def broken():
        raise ConnectionError("redis is restarting")

    provider_inflight_source(broken)
    try:
        samples = _samples(client)
    finally:
        provider_inflight_source(None)

    assert not any(name == "fabrica_provider_calls_in_flight" for name, _ in samples)
    assert ("fabrica_admission_queue_length", frozenset()) in samples


@pytest.mark.django_db(transaction=True)
def test_a_generated_book_observes_its_time_to_first_picture_and_to_ready_once(
    client, owner, celery_eager, _quick
):
    first, ready = "fabrica_book_first_picture_seconds_count", "fabrica_book_ready_seconds_count"
    before = _samples(client)

    book = book_create(owner=owner, style="cartoon", num_pages=5, theme="a fox who shares")

    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    after = _samples(client)
    assert _value(after, first) == _value(before, first) + 1  # five pages, one first picture
    assert _value(after, ready) == _value(before, ready) + 1
    assert _value(after, "fabrica_book_ready_seconds_sum") > _value(before, "fabrica_book_ready_seconds_sum")


def test_the_histograms_are_observed_only_when_the_transaction_commits(transactional_db):
    from django.db import transaction

    from fabrica import metrics

    before = metrics.READY_SECONDS._sum.get()
    with pytest.raises(RuntimeError), transaction.atomic():
        metrics.book_ready_observe(42.0)
        raise RuntimeError("rolled back")
    with transaction.atomic():
        metrics.book_ready_observe(7.0)

    assert metrics.READY_SECONDS._sum.get() == before + 7.0


@pytest.mark.django_db
def test_no_queue_depth_in_embedded_mode(client, settings):
    settings.REDIS_URL = ""

    samples = _samples(client)

    assert not any(name == "fabrica_celery_queue_depth" for name, _ in samples)


# --- who may read them ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stranger_gets_404_in_production(client, settings):
    settings.DEBUG = False
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics", REMOTE_ADDR=STRANGER).status_code == 404


@pytest.mark.django_db
def test_a_stranger_is_refused_in_development_too(client, settings):
    settings.DEBUG = True

    assert client.get("/metrics", REMOTE_ADDR=STRANGER).status_code == 403


@pytest.mark.django_db
def test_the_bearer_token_opens_metrics_from_anywhere(client, settings):
    settings.DEBUG = False
    settings.METRICS_TOKEN = "s3cret-scrape-token"

    allowed = client.get("/metrics", REMOTE_ADDR=STRANGER, HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    wrong = client.get("/metrics", REMOTE_ADDR=STRANGER, HTTP_AUTHORIZATION="Bearer guess")

    assert allowed.status_code == 200
    assert b"fabrica_books_created_total" in allowed.content
    assert wrong.status_code == 404


@pytest.mark.django_db
def test_a_request_forwarded_by_a_local_proxy_is_not_local(client, settings):
    settings.DEBUG = False
    settings.METRICS_TOKEN = ""

    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=STRANGER)

    assert response.status_code == 404


def _request_series(client) -> int:
    return sum(1 for name, _labels in _samples(client) if name.startswith("fabrica_http_request_duration"))


@pytest.mark.django_db(transaction=True)
def test_made_up_methods_and_paths_add_no_series_after_the_first(client):
    import random
    import string

    rng = random.Random(14)

    def made_up() -> str:
        return "".join(rng.choices(string.ascii_uppercase + string.digits, k=rng.randint(1, 12)))

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    paths = ["/healthz", "/api/v1/not-here/"]
    for method in [*methods, made_up()]:  # one request of each kind: the series a scrape can ever have
        for path in [*paths, f"/{made_up()}/"]:
            client.generic(method, path)
    before = _request_series(client)

    for _ in range(200):
        method = rng.choice([*methods, made_up(), made_up().lower()])
        path = rng.choice([*paths, f"/{made_up()}/", f"/books/{made_up()}/{made_up()}"])
        client.generic(method, path)

    assert _request_series(client) == before


@pytest.mark.django_db(transaction=True)
def test_an_unknown_method_and_an_unknown_path_are_labelled_other_and_unmatched(client):
    client.generic("M123", "/no-such-page/")

    samples = _samples(client)

    labels = {"method": "other", "view": "unmatched", "status": "404"}
    assert _value(samples, "fabrica_http_request_duration_seconds_count", **labels) >= 1
