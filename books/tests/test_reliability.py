"""Nothing lost, nothing made twice: double submissions, redelivered tasks, and outages of the
broker, the cache or the database in the middle of a book."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from ai.pictures import picture_call
from books import generation, submissions
from books.generation import dispatch, pages
from books.generation import story as story_step
from books.models import Book, GenerationJob, Page
from books.services import book_create
from books.submissions import (
    SubmissionInProgress,
    SubmissionKeyReused,
    submission_claim,
    submission_complete,
    submission_release,
)
from books.tests.factories import book_factory

VALID = {
    "style": "cartoon",
    "num_pages": "5",
    "language": "pt-BR",
    "age_range": "4-6",
    "narrative_source": "generated",
    "theme": "dinossauros e amizade",
    "educational_goal": "amizade",
    "title": "",
    "story": "",
}


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- books.submissions ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_first_claim_goes_ahead_and_a_repeat_gets_its_book(owner):
    assert submission_claim(user=owner, scope="t", key="k", fingerprint="f") is None
    submission_complete(user=owner, scope="t", key="k", fingerprint="f", book_id="b-1")
    first = submission_claim(user=owner, scope="t", key="k", fingerprint="f")
    assert first is not None and first.book_id == "b-1" and not first.pending


@pytest.mark.django_db
def test_a_key_reused_with_another_request_is_refused(owner):
    submission_claim(user=owner, scope="t", key="k", fingerprint="f")
    with pytest.raises(SubmissionKeyReused):
        submission_claim(user=owner, scope="t", key="k", fingerprint="other")


@pytest.mark.django_db
def test_keys_of_two_users_never_meet(owner, other_user):
    assert submission_claim(user=owner, scope="t", key="k", fingerprint="f") is None
    assert submission_claim(user=other_user, scope="t", key="k", fingerprint="other") is None


@pytest.mark.django_db
def test_a_repeat_waits_for_the_first_and_then_says_it_is_still_in_progress(owner, monkeypatch):
    monkeypatch.setattr(submissions, "WAIT_SECONDS", 0.3)
    submission_claim(user=owner, scope="t", key="k", fingerprint="f")
    with pytest.raises(SubmissionInProgress) as raised:
        submission_claim(user=owner, scope="t", key="k", fingerprint="f")
    assert raised.value.status_code == 409


@pytest.mark.django_db
def test_a_released_key_can_be_claimed_again(owner):
    submission_claim(user=owner, scope="t", key="k", fingerprint="f")
    submission_release(user=owner, scope="t", key="k")
    assert submission_claim(user=owner, scope="t", key="k", fingerprint="f") is None


@pytest.mark.django_db
def test_two_claims_at_the_same_moment_one_goes_ahead_the_other_gets_its_book(owner):
    barrier = threading.Barrier(2)
    results = []

    def claim():
        barrier.wait()
        first = submission_claim(user=owner, scope="t", key="k", fingerprint="f")
        if first is None:
            submission_complete(user=owner, scope="t", key="k", fingerprint="f", book_id="made-once")
        results.append(first)

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results, key=lambda r: r is not None)[0] is None
    assert [r.book_id for r in results if r is not None] == ["made-once"]


# --- the web form, sent twice -------------------------------------------------------------


def _token(owner_client) -> str:
    html = owner_client.get(reverse("books:new")).content.decode()
    marker = 'name="submit_token" value="'
    assert marker in html, "the form carries a one-time token"
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


@pytest.mark.django_db
def test_the_form_sent_twice_makes_one_book_and_both_answers_lead_to_it(owner_client, owner):
    token = _token(owner_client)
    first = owner_client.post(reverse("books:new"), {**VALID, "submit_token": token})
    second = owner_client.post(reverse("books:new"), {**VALID, "submit_token": token})

    book = Book.objects.get(owner=owner)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("books:detail", args=[book.id])


@pytest.mark.django_db
def test_each_form_shown_has_its_own_token(owner_client, owner):
    assert _token(owner_client) != _token(owner_client)
    for _ in range(2):
        owner_client.post(reverse("books:new"), {**VALID, "submit_token": _token(owner_client)})
    assert Book.objects.filter(owner=owner).count() == 2


@pytest.mark.django_db
def test_the_same_form_changed_and_sent_again_makes_a_new_book(owner_client, owner):
    token = _token(owner_client)
    owner_client.post(reverse("books:new"), {**VALID, "submit_token": token})
    owner_client.post(reverse("books:new"), {**VALID, "theme": "um gato nadador", "submit_token": token})
    assert sorted(Book.objects.values_list("theme", flat=True)) == [
        "dinossauros e amizade",
        "um gato nadador",
    ]


@pytest.mark.django_db
def test_a_refused_form_keeps_its_token_usable_for_the_corrected_one(owner_client, owner):
    token = _token(owner_client)
    refused = owner_client.post(reverse("books:new"), {**VALID, "num_pages": "30", "submit_token": token})
    assert refused.status_code == 400
    assert f'value="{token}"' in refused.content.decode()
    accepted = owner_client.post(reverse("books:new"), {**VALID, "submit_token": token})
    assert accepted.status_code == 302
    assert Book.objects.filter(owner=owner).count() == 1


@pytest.mark.django_db
def test_the_own_story_flow_sent_twice_makes_one_book(owner_client, owner):
    token = _token(owner_client)
    data = {
        **VALID,
        "narrative_source": "uploaded",
        "theme": "",
        "story": "A Ana gosta de estrelas.",
        "submit_token": token,
        "step": "pages",
        "page": [f"A Ana gosta de estrelas, parte {n}." for n in range(1, 6)],
    }
    answers = [owner_client.post(reverse("books:new"), data) for _ in range(2)]
    book = Book.objects.get(owner=owner)
    assert [a.status_code for a in answers] == [302, 302]
    assert {a["Location"] for a in answers} == {reverse("books:detail", args=[book.id])}


@pytest.mark.django_db
def test_a_form_without_a_token_still_works(owner_client, owner):
    assert owner_client.post(reverse("books:new"), VALID).status_code == 302
    assert Book.objects.filter(owner=owner).count() == 1


# --- redelivered and abandoned page tasks ------------------------------------------------------


def _calls_counted(monkeypatch) -> list:
    calls = []

    def counting(**kwargs):
        calls.append(kwargs.get("page_id"))
        return picture_call(**kwargs)

    monkeypatch.setattr(pages, "picture_call", counting)
    return calls


@pytest.mark.django_db(transaction=True)
def test_a_redelivered_task_of_a_drawn_page_draws_nothing(owner, monkeypatch, celery_eager):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    page = book.pages.get(number=1)
    generation.page_draw(page_id=page.id)
    page.refresh_from_db()
    assert (page.status, page.attempts) == (Page.Status.DONE, 1)
    calls = _calls_counted(monkeypatch)

    generation.page_draw(page_id=page.id)

    again = Page.objects.get(id=page.id)
    assert calls == []
    assert (again.status, again.attempts, again.sha256, again.image.name) == (
        Page.Status.DONE,
        1,
        page.sha256,
        page.image.name,
    )


@pytest.mark.django_db(transaction=True)
def test_a_page_a_live_worker_is_drawing_is_left_to_it(owner, monkeypatch):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    page = book.pages.get(number=1)
    Page.objects.filter(id=page.id).update(status=Page.Status.RUNNING, started_at=timezone.now(), attempts=1)
    calls = _calls_counted(monkeypatch)

    generation.page_draw(page_id=page.id)

    assert calls == []
    assert Page.objects.get(id=page.id).status == Page.Status.RUNNING


@pytest.mark.django_db(transaction=True)
def test_a_page_claimed_by_a_dead_worker_is_taken_back_and_the_attempt_recorded(
    owner, settings, celery_eager
):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    page = book.pages.get(number=1)
    long_ago = timezone.now() - timedelta(seconds=settings.PICTURE_TASK_TIME_LIMIT + 5)
    Page.objects.filter(id=page.id).update(status=Page.Status.RUNNING, started_at=long_ago, attempts=1)

    generation.page_draw(page_id=page.id)

    page.refresh_from_db()
    assert (page.status, page.attempts) == (Page.Status.DONE, 2)


# --- outages in the middle of a book --------------------------------------------------------------


def _make(owner, **overrides):
    fields = {"style": "cartoon", "num_pages": 5, "theme": "dinossauros e amizade", "language": "pt-BR"}
    return book_create(owner=owner, **{**fields, **overrides})


@pytest.mark.django_db(transaction=True)
def test_progress_that_cannot_be_sent_never_stops_a_book(owner, celery_eager, monkeypatch):
    def redis_down(book_id):
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(dispatch, "progress_notify", redis_down)
    book = _make(owner)
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    assert book.pages.filter(status=Page.Status.DONE).count() == 5


@pytest.mark.django_db(transaction=True)
def test_an_assembly_that_cannot_be_queued_is_left_for_the_resume_job(owner, celery_eager, monkeypatch):
    from books import tasks

    real_delay = tasks.book_assemble.delay

    def broker_down(*args, **kwargs):
        raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.book_assemble, "delay", broker_down)
    book = _make(owner)
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATING, book.error_message
    assert book.pages.filter(status=Page.Status.DONE).count() == 5
    assert not book.jobs.filter(quota_refunded=True).exists()

    monkeypatch.setattr(tasks.book_assemble, "delay", real_delay)
    generation.books_resume(stale_after=timedelta(0))
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED


@pytest.mark.django_db(transaction=True)
def test_pages_that_cannot_be_queued_are_left_pending_for_the_resume_job(owner, celery_eager, monkeypatch):
    real = dispatch.enqueue_pages

    def broker_down(*args, **kwargs):
        raise KombuOperationalError("Connection refused")

    monkeypatch.setattr(dispatch, "enqueue_pages", broker_down)
    book = _make(owner)
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATING
    assert set(book.pages.values_list("status", flat=True)) == {Page.Status.PENDING}

    monkeypatch.setattr(dispatch, "enqueue_pages", real)
    generation.books_resume(stale_after=timedelta(0))
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    assert book.pages.filter(status=Page.Status.DONE).count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_page_that_meets_an_outage_is_drawn_again_not_failed(owner, celery_eager, monkeypatch):
    failed_once = set()

    def flaky(**kwargs):
        page_id = kwargs.get("page_id")
        if page_id is not None and page_id not in failed_once:
            failed_once.add(page_id)
            raise RedisConnectionError("Connection reset by peer")
        return picture_call(**kwargs)

    monkeypatch.setattr(pages, "picture_call", flaky)
    book = _make(owner)
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED, book.error_message
    assert set(book.pages.values_list("attempts", flat=True)) == {2}  # each retry recorded
    assert book.jobs.get().status == GenerationJob.Status.SUCCEEDED


@pytest.mark.django_db
def test_a_story_written_twice_keeps_the_first_pages(owner):
    from ai.services import story_generate

    book = book_factory(owner=owner, status=Book.Status.QUEUED)
    Book.objects.filter(id=book.id).update(status=Book.Status.GENERATING)
    story = story_generate(request=story_step.story_request(book), book_id=book.id).story

    story_step.book_save_story(book=book, story=story)
    first = list(book.pages.values_list("id", "number"))
    story_step.book_save_story(book=book, story=story)

    assert list(book.pages.values_list("id", "number")) == first
    assert len(first) == book.num_pages
