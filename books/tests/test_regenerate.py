"""Drawing one page again: one request of quota, the same characters and style, live progress,
the old picture kept when the new one cannot be drawn."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ai.providers import register_image_provider, unregister_provider
from books import generation
from books.models import Book, GenerationJob, Page
from books.progress import progress_snapshot
from books.quotas import quota_usage
from books.tests.drawn import Picky, drawn_book
from books.tests.factories import book_factory
from exports.models import Export
from exports.selectors import book_content_hash

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.PAGE_IMAGE_WIDTH, settings.PAGE_IMAGE_HEIGHT = 480, 600
    settings.AI_RETRY_BACKOFF_SECONDS = 0
    settings.AI_OFFLINE_FAILURE_RATE = 0
    settings.AI_IMAGE_PROVIDERS = ["picky"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def picky():
    provider = Picky()
    register_image_provider("picky", lambda config: provider)
    yield provider
    unregister_provider("picky")


@pytest.fixture
def redraw(owner_client, django_capture_on_commit_callbacks, celery_eager, picky):
    """Ask for a page again and let the worker draw it, as it would after the request."""

    def post(book, number: int = 2, *, headers=None, **data):
        with django_capture_on_commit_callbacks(execute=True):
            return owner_client.post(_url(book, number), data, **(headers or {}))

    return post


def _url(book, number: int = 2) -> str:
    return reverse("books:page_regenerate", args=[book.id, number])


def _shas(book) -> dict[int, str]:
    return dict(book.pages.values_list("number", "sha256"))


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- a page drawn again ----------------------------------------------------------------------------


def test_only_that_page_is_drawn_again_and_the_book_is_ready_again(owner, redraw, picky):
    book = drawn_book(owner=owner)
    before, cover, content = _shas(book), book.cover_image.name, book_content_hash(book=book)

    response = redraw(book, 2)

    assert response.status_code == 302
    assert response["Location"] == reverse("books:detail", args=[book.id]) + "#progress"
    book.refresh_from_db()
    assert (book.status, book.progress) == (Book.Status.GENERATED, 100)
    assert book.status_message == "Page 2 is drawn again."
    after = _shas(book)
    assert after[2] != before[2]
    assert {n: sha for n, sha in after.items() if n != 2} == {n: sha for n, sha in before.items() if n != 2}
    assert book.cover_image.name == cover
    assert [request.seed.split(":")[1] for request in picky.requests] == ["2"]  # no cover, no other page
    job = book.jobs.get()
    assert (job.kind, job.page.number, job.status) == ("page", 2, GenerationJob.Status.SUCCEEDED)
    assert job.step == GenerationJob.Step.DONE and not job.quota_refunded
    assert quota_usage(user=owner).requests_today == 1
    assert book_content_hash(book=book) != content
    assert not Export.objects.filter(book=book).exists()  # the PDF is made again on the next download


def test_the_redrawn_page_follows_the_characters_style_and_what_to_change(owner, redraw, picky):
    book = drawn_book(owner=owner)

    redraw(book, 3, instructions="  make Rex   smile ")
    redraw(book, 3, instructions="add a kite")

    first, second = picky.requests
    assert first.character_sheet == second.character_sheet == book.character_sheet
    assert first.style == second.style == "cartoon"
    assert first.prompt == "a dinosaur, scene 3\nChange asked for by the parent: make Rex smile"
    assert second.prompt == "a dinosaur, scene 3\nChange asked for by the parent: add a kite"
    assert first.seed != second.seed  # a new picture each time, not the same one again
    assert book.pages.get(number=3).illustration_prompt == second.prompt


def test_without_what_to_change_the_prompt_stays_as_it_was(owner, redraw, picky):
    book = drawn_book(owner=owner)
    redraw(book, 1)
    assert picky.requests[0].prompt == "a dinosaur, scene 1"


def test_with_htmx_the_browser_goes_to_the_book_page_to_watch(owner, redraw):
    book = drawn_book(owner=owner)
    response = redraw(book, 2, headers=HX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("books:detail", args=[book.id]) + "#progress"


def test_while_the_page_is_drawn_the_book_page_shows_it_live(owner, owner_client):
    book = drawn_book(owner=owner)
    old = book.pages.get(number=2).sha256

    response = owner_client.post(_url(book, 2))  # the worker has not started yet

    assert response.status_code == 302
    book.refresh_from_db()
    assert (book.status, book.progress, book.status_message) == ("generating", 74, "Redrawing page 2…")
    page = book.pages.get(number=2)
    assert (page.status, page.sha256) == (Page.Status.PENDING, old)  # the old picture stays until then
    snapshot = progress_snapshot(book)
    assert [item["status"] for item in snapshot["pages"]] == ["done", "pending", "done", "done", "done"]
    body = owner_client.get(reverse("books:detail", args=[book.id])).content.decode()
    assert f'data-ws-url="/ws/books/{book.id}/progress/"' in body
    assert "Redrawing page 2…" in body
    assert _url(book, 3) not in body  # nothing else can change meanwhile
    assert book.jobs.get().status == GenerationJob.Status.QUEUED


def test_a_redraw_that_fails_keeps_the_old_picture_and_gives_the_request_back(
    owner, owner_client, redraw, picky
):
    book = drawn_book(owner=owner)
    before = _shas(book)
    picky.broken = {2}

    redraw(book, 2)

    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    assert "could not draw page 2 again, so it keeps its picture" in book.status_message
    assert _shas(book) == before
    page = book.pages.get(number=2)
    assert page.status == Page.Status.DONE
    assert page.error_message == "Our illustrators are busy right now. Please try again in a few minutes."
    job = book.jobs.get()
    assert (job.status, job.quota_refunded) == (GenerationJob.Status.FAILED, True)
    assert quota_usage(user=owner).requests_today == 0
    body = owner_client.get(reverse("books:detail", args=[book.id])).content.decode()
    assert "Our illustrators are busy right now." in body


def test_a_redraw_past_the_deadline_stops_cleanly_with_the_old_picture(owner, owner_client):
    book = drawn_book(owner=owner)
    before = _shas(book)
    owner_client.post(_url(book, 4))
    Book.objects.filter(id=book.id).update(drawing_started_at=timezone.now() - timedelta(hours=1))

    assert generation.books_fail_overdue() == 1

    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    assert _shas(book) == before and book.pages.get(number=4).status == Page.Status.DONE
    assert book.jobs.get().quota_refunded


def test_drawing_the_same_page_again_after_it_is_done_changes_nothing(owner, redraw, picky):
    book = drawn_book(owner=owner)
    redraw(book, 2)
    sha = book.pages.get(number=2).sha256

    generation.page_draw(page_id=book.pages.get(number=2).id)  # a redelivered task

    assert len(picky.requests) == 1
    assert book.pages.get(number=2).sha256 == sha


# --- a failed book --------------------------------------------------------------------------------


def _failed_on_page_3(owner, *, others: str = Page.Status.DONE, cover: bool = True) -> Book:
    book = drawn_book(owner=owner, status=Book.Status.FAILED, generated_at=None, error_message="page 3")
    Page.objects.filter(book=book, number=3).update(status=Page.Status.FAILED, sha256="", image="")
    Page.objects.filter(book=book, number=4).update(status=others)
    if not cover:
        Book.objects.filter(id=book.id).update(cover_image="")
    return book


def test_the_page_that_failed_can_be_drawn_and_then_the_book_is_finished(owner, redraw):
    book = _failed_on_page_3(owner)

    redraw(book, 3)

    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED and book.generated_at
    assert book.error_message == ""
    assert book.pages.get(number=3).status == Page.Status.DONE
    assert Export.objects.filter(book=book, status=Export.Status.READY).exists()  # first finish: the PDF


def test_a_failed_book_without_a_cover_gets_one_when_its_last_page_is_drawn(owner, redraw, picky):
    book = _failed_on_page_3(owner, cover=False)
    redraw(book, 3)
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED and book.cover_image
    assert [request.kind for request in picky.requests] == ["page", "cover"]


def test_a_failed_book_with_other_pages_missing_waits_for_try_again(owner, redraw):
    book = _failed_on_page_3(owner, others=Page.Status.PENDING)

    redraw(book, 3)

    book.refresh_from_db()
    assert book.status == Book.Status.FAILED
    assert book.error_message == "Page 3 is drawn. Press “Try again” to finish the rest of the book."
    assert book.pages.get(number=3).status == Page.Status.DONE
    assert book.pages.get(number=4).status == Page.Status.PENDING
    assert book.jobs.get().status == GenerationJob.Status.SUCCEEDED


def test_try_again_after_a_redraw_finishes_the_rest_of_the_book(
    owner, owner_client, redraw, picky, django_capture_on_commit_callbacks
):
    book = _failed_on_page_3(owner, others=Page.Status.PENDING)
    redraw(book, 3)

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("books:retry", args=[book.id]))

    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    assert [request.seed.split(":")[1] for request in picky.requests] == ["3", "4"]
    page_job, book_job = book.jobs.order_by("id")
    assert (page_job.kind, book_job.kind) == (GenerationJob.Kind.PAGE, GenerationJob.Kind.BOOK)
    assert book_job.status == GenerationJob.Status.SUCCEEDED


def test_a_failed_page_that_still_cannot_be_drawn_leaves_the_book_failed(owner, redraw, picky):
    book = _failed_on_page_3(owner)
    picky.broken = {3}

    redraw(book, 3)

    book.refresh_from_db()
    assert book.status == Book.Status.FAILED
    assert book.error_message.startswith("We could not draw page 3")
    assert book.pages.get(number=3).status == Page.Status.FAILED
    assert book.jobs.get().quota_refunded


def test_a_drawn_page_of_a_failed_book_is_left_to_try_again(owner, owner_client):
    book = _failed_on_page_3(owner)
    response = owner_client.post(_url(book, 1))
    assert response.status_code == 409
    assert "only a page that could not be drawn can be redrawn" in " ".join(_messages(response))
    assert not book.jobs.exists()


# --- when it is refused ----------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_book_still_being_drawn_answers_409(owner, owner_client, headers):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)

    response = owner_client.post(_url(book, 2), **headers)

    assert response.status_code == 409
    assert "Wait until the book is ready before redrawing a page." in response.content.decode()
    assert not book.jobs.exists()
    assert book.pages.get(number=2).status == Page.Status.PENDING


def test_the_daily_quota_counts_a_redraw_and_refuses_the_next_when_used_up(owner, owner_client, redraw):
    owner.daily_requests_override = 2
    owner.save(update_fields=["daily_requests_override"])
    book = drawn_book(owner=owner)
    GenerationJob.objects.create(book=book, user=owner, status=GenerationJob.Status.SUCCEEDED)

    assert redraw(book, 1).status_code == 302
    assert quota_usage(user=owner).requests_today == 2

    refused = owner_client.post(_url(book, 2))

    assert refused.status_code == 429
    assert "You have used all 2 generation requests for today" in " ".join(_messages(refused))
    assert book.jobs.filter(kind=GenerationJob.Kind.PAGE).count() == 1
    assert book.pages.get(number=2).status == Page.Status.DONE


def test_with_htmx_a_refusal_is_shown_in_the_redraw_form(owner, owner_client):
    owner.daily_requests_override = 0
    owner.save(update_fields=["daily_requests_override"])
    book = drawn_book(owner=owner)

    response = owner_client.post(_url(book, 2), {"instructions": "a kite"}, **HX)

    body = response.content.decode()
    assert response.status_code == 429
    assert "<html" not in body and 'id="redraw-2"' in body
    assert "You have used all 0 generation requests for today" in body
    assert 'value="a kite"' in body and "<details open>" in body


@pytest.mark.parametrize(
    ("instructions", "message"),
    [("x" * 301, "This has 301 characters; the limit is 300."), ("give him a gun", "please remove “gun”")],
)
def test_what_to_change_is_checked_like_everything_a_parent_types(owner, owner_client, instructions, message):
    book = drawn_book(owner=owner)
    response = owner_client.post(_url(book, 2), {"instructions": instructions})
    assert response.status_code == 400
    assert message in " ".join(_messages(response))
    assert not book.jobs.exists()


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_someone_elses_page_answers_404(owner_client, other_user, headers):
    book = drawn_book(owner=other_user)
    assert owner_client.post(_url(book, 2), **headers).status_code == 404
    assert not book.jobs.exists()


def test_a_redraw_is_only_started_by_a_post(owner, owner_client):
    book = drawn_book(owner=owner)
    assert owner_client.get(_url(book, 2)).status_code == 405


def test_a_visitor_is_sent_to_sign_in(owner, client):
    book = drawn_book(owner=owner)
    response = client.post(_url(book, 2))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not book.jobs.exists()


def test_the_book_page_offers_a_redraw_for_each_drawn_page(owner, owner_client):
    book = drawn_book(owner=owner)
    body = owner_client.get(reverse("books:detail", args=[book.id])).content.decode()
    for number in range(1, 6):
        assert f'action="{_url(book, number)}"' in body
    assert 'name="instructions"' in body
