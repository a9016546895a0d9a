"""Trying a failed book again, and the character sheet the parent can edit before doing so."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from ai.errors import ProviderError
from ai.providers import register_image_provider, unregister_provider
from ai.providers.offline import OfflineImageProvider
from books.models import Book, GenerationJob, Page
from books.quotas import quota_usage
from books.services import book_create
from books.tests.factories import book_factory


class Picky(OfflineImageProvider):
    """Draws like the offline illustrator, but refuses the pages whose seed ends in one of ``broken``."""

    name = "picky"

    def __init__(self):
        self.broken: set[str] = set()
        self.requests = []

    def generate_image(self, request):
        self.requests.append(request)
        if any(request.seed.endswith(f":{number}") for number in self.broken):
            raise ProviderError("The illustrator refused this scene.", transient=False)
        return super().generate_image(request)

    def seeds_since(self, index: int) -> list[str]:
        return [request.seed.rsplit(":", 1)[1] for request in self.requests[index:]]


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.PAGE_IMAGE_WIDTH, settings.PAGE_IMAGE_HEIGHT = 480, 600
    settings.AI_RETRY_BACKOFF_SECONDS = 0
    settings.AI_OFFLINE_FAILURE_RATE = 0
    settings.AI_TEXT_PROVIDERS = ["offline"]
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


def _failed_on_page_3(owner, picky, **fields) -> Book:
    picky.broken = {"3"}
    book = book_create(
        owner=owner, style="cartoon", num_pages=5, theme="a turtle who learns to swim", **fields
    )
    book.refresh_from_db()
    assert book.status == Book.Status.FAILED
    picky.broken = set()
    return book


def _retry_url(book) -> str:
    return reverse("books:retry", args=[book.id])


# --- a book that failed ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_page_that_cannot_be_drawn_fails_the_book_and_gives_the_request_back(
    owner, owner_client, picky, celery_eager
):
    book = _failed_on_page_3(owner, picky)

    page = book.pages.get(number=3)
    assert page.status == Page.Status.FAILED
    assert page.error_message
    assert "page 3" in book.error_message
    assert book.jobs.get().quota_refunded
    assert quota_usage(user=owner).requests_today == 0
    detail = owner_client.get(reverse("books:detail", args=[book.id])).content.decode()
    assert book.error_message in detail
    assert page.error_message in detail
    assert _retry_url(book) in detail


@pytest.mark.django_db(transaction=True)
def test_trying_again_draws_only_the_missing_pages_and_finishes_the_book(
    owner, owner_client, picky, celery_eager
):
    book = _failed_on_page_3(owner, picky)
    kept = dict(book.pages.filter(status=Page.Status.DONE).values_list("number", "sha256"))
    missing = sorted(set(range(1, 6)) - set(kept))
    assert kept and 3 in missing
    before = len(picky.requests)

    response = owner_client.post(_retry_url(book))

    assert response.status_code == 302
    assert response["Location"] == reverse("books:detail", args=[book.id])
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    assert book.error_message == ""
    assert dict(book.pages.filter(number__in=kept).values_list("number", "sha256")) == kept
    assert book.pages.filter(status=Page.Status.DONE).count() == 5
    redrawn = [seed for seed in picky.seeds_since(before) if seed != "cover"]
    assert sorted(int(seed) for seed in redrawn) == missing
    first, second = book.jobs.order_by("id")
    assert (first.status, first.quota_refunded) == (GenerationJob.Status.FAILED, True)
    assert second.status == GenerationJob.Status.SUCCEEDED
    assert quota_usage(user=owner).requests_today == 1


@pytest.mark.django_db(transaction=True)
def test_a_book_whose_story_failed_is_written_again_on_retry(
    owner, owner_client, picky, celery_eager, settings
):
    settings.AI_OFFLINE_FAILURE_RATE = 1.0
    book = book_create(owner=owner, style="cartoon", num_pages=5, theme="a brave little owl")
    book.refresh_from_db()
    assert (book.status, book.pages.count()) == (Book.Status.FAILED, 0)

    settings.AI_OFFLINE_FAILURE_RATE = 0
    owner_client.post(_retry_url(book))

    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    assert book.pages.count() == 5


@pytest.mark.django_db(transaction=True)
def test_the_retry_draws_with_the_character_sheet_the_parent_just_saved(
    owner, owner_client, picky, celery_eager
):
    book = _failed_on_page_3(owner, picky)
    sheet = "Tito, a small green turtle with a red scarf and round glasses."
    before = len(picky.requests)

    saved = owner_client.post(reverse("books:characters", args=[book.id]), {"character_sheet": sheet})
    owner_client.post(_retry_url(book))

    assert saved.status_code == 302
    new_requests = picky.requests[before:]
    assert new_requests
    assert {request.character_sheet for request in new_requests} == {sheet}


# --- when a retry is refused ----------------------------------------------------------------


def _get_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_ready_book_cannot_be_tried_again(owner, owner_client):
    book = book_factory(owner=owner, status=Book.Status.GENERATED)

    response = owner_client.post(_retry_url(book), follow=True)

    assert "Only a book that failed can be tried again." in _get_messages(response)
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    assert not book.jobs.exists()


def test_someone_elses_book_cannot_be_tried_again(owner, other_user, client):
    book = book_factory(owner=owner, status=Book.Status.FAILED)
    client.force_login(other_user)
    assert client.post(_retry_url(book)).status_code == 404
    book.refresh_from_db()
    assert book.status == Book.Status.FAILED


def test_a_retry_is_only_started_by_a_post(owner, owner_client):
    book = book_factory(owner=owner, status=Book.Status.FAILED)
    assert owner_client.get(_retry_url(book)).status_code == 405


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(owner, client):
    book = book_factory(owner=owner, status=Book.Status.FAILED)
    response = client.post(_retry_url(book))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_retry_with_the_daily_quota_used_up_says_so_and_the_book_stays_failed(owner, owner_client):
    owner.daily_requests_override = 1
    owner.save(update_fields=["daily_requests_override"])
    book = book_factory(owner=owner, status=Book.Status.FAILED)
    other = book_factory(owner=owner, status=Book.Status.GENERATED)
    GenerationJob.objects.create(book=other, user=owner, status=GenerationJob.Status.SUCCEEDED)

    response = owner_client.post(_retry_url(book), follow=True)

    (message,) = _get_messages(response)
    assert "You have used all 1 generation requests for today" in message
    book.refresh_from_db()
    assert book.status == Book.Status.FAILED
    assert not book.jobs.exists()


def test_a_retry_keeps_the_drawn_pages_and_resets_the_rest(owner):
    from books.services import book_retry

    book = book_factory(owner=owner, status=Book.Status.FAILED, error_message="We could not draw page 3")
    Page.objects.filter(book=book, number__in=[1, 2]).update(status=Page.Status.DONE, sha256="a" * 64)
    Page.objects.filter(book=book, number=3).update(status=Page.Status.FAILED, error_message="no", attempts=3)

    book_retry(book=book, user=owner)

    book.refresh_from_db()
    assert (book.status, book.error_message, book.progress) == (Book.Status.QUEUED, "", 10 + 80 * 2 // 5)
    statuses = dict(book.pages.values_list("number", "status"))
    assert statuses == {1: "done", 2: "done", 3: "pending", 4: "pending", 5: "pending"}
    page = book.pages.get(number=3)
    assert (page.error_message, page.attempts) == ("", 0)
    assert book.jobs.get().step == GenerationJob.Step.PAGES


# --- the character sheet ------------------------------------------------------------------


def _characters_url(book) -> str:
    return reverse("books:characters", args=[book.id])


def test_the_character_sheet_of_a_ready_book_is_shown_for_editing(owner, owner_client):
    book = book_factory(
        owner=owner, status=Book.Status.GENERATED, character_sheet="Rex, a purple dinosaur with a yellow hat."
    )
    page = owner_client.get(reverse("books:detail", args=[book.id])).content.decode()
    assert 'name="character_sheet"' in page
    assert "Rex, a purple dinosaur with a yellow hat." in page
    assert _characters_url(book) in page


def test_saving_the_character_sheet_changes_the_book(owner, owner_client):
    book = book_factory(owner=owner, status=Book.Status.GENERATED, character_sheet="Rex.")
    response = owner_client.post(_characters_url(book), {"character_sheet": "  Rex, now with a red cape.  "})
    assert response.status_code == 302
    book.refresh_from_db()
    assert book.character_sheet == "Rex, now with a red cape."
    follow = owner_client.get(response["Location"])
    assert "Saved. Every new picture follows these characters." in _get_messages(follow)


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        ("x" * 2001, "Keep the characters under 2000 characters."),
        ("Rex carries a gun everywhere.", "Let&#x27;s keep the book child-friendly: please remove “gun”."),
    ],
)
def test_a_character_sheet_too_long_or_unkind_is_refused_next_to_the_field(
    owner, owner_client, sheet, message
):
    book = book_factory(owner=owner, status=Book.Status.GENERATED, character_sheet="Rex.")

    response = owner_client.post(_characters_url(book), {"character_sheet": sheet})

    assert response.status_code == 400
    page = response.content.decode()
    assert f'<p class="error" id="id_character_sheet_error" role="alert">{message}</p>' in page
    book.refresh_from_db()
    assert book.character_sheet == "Rex."


def test_the_characters_cannot_change_while_the_book_is_being_drawn(owner, owner_client):
    book = book_factory(owner=owner, status=Book.Status.GENERATING, character_sheet="Rex.")
    response = owner_client.post(_characters_url(book), {"character_sheet": "Rex with a cape."})
    assert response.status_code == 400
    assert "Wait until the book is ready before changing its characters." in response.content.decode()
    book.refresh_from_db()
    assert book.character_sheet == "Rex."


def test_someone_elses_characters_cannot_be_changed(owner, other_user, client):
    book = book_factory(owner=owner, status=Book.Status.GENERATED, character_sheet="Rex.")
    client.force_login(other_user)
    assert client.post(_characters_url(book), {"character_sheet": "Mine now."}).status_code == 404
    book.refresh_from_db()
    assert book.character_sheet == "Rex."
