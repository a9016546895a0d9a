import pytest

from books.errors import BookInvalid, QuotaExceeded
from books.models import Book, GenerationJob
from books.quotas import quota_usage
from books.services import book_create
from books.tests.factories import book_factory

pytestmark = pytest.mark.django_db


def _create(owner, **overrides):
    fields = {"style": "cartoon", "num_pages": 8, "theme": "dinosaurs who share", "language": "en"}
    return book_create(owner=owner, **{**fields, **overrides})


@pytest.mark.parametrize("pages", [4, 21, "abc", None])
def test_it_refuses_a_book_outside_5_to_20_pages(owner, pages):
    with pytest.raises(BookInvalid) as exc:
        _create(owner, num_pages=pages)
    assert "between 5 and 20 pages" in exc.value.details["num_pages"]
    assert not Book.objects.exists()
    assert not GenerationJob.objects.exists()


def test_it_refuses_a_story_of_10001_characters(owner):
    with pytest.raises(BookInvalid) as exc:
        _create(owner, narrative_source="uploaded", story="a" * 10_001)
    assert "10,001" in exc.value.details["story"]
    assert not Book.objects.exists()


def test_it_accepts_a_story_of_exactly_10000_characters(owner):
    book = _create(owner, narrative_source="uploaded", story="Era uma vez. " * 769 + "abc")
    assert len(book.story) <= 10_000


def test_it_refuses_an_unknown_style(owner):
    with pytest.raises(BookInvalid) as exc:
        _create(owner, style="cubism")
    assert "style" in exc.value.details
    assert not Book.objects.exists()


def test_it_refuses_a_generated_story_without_a_theme(owner):
    with pytest.raises(BookInvalid) as exc:
        _create(owner, theme="   ")
    assert "theme" in exc.value.details


def test_it_refuses_an_unknown_language(owner):
    with pytest.raises(BookInvalid) as exc:
        _create(owner, language="fr")
    assert "language" in exc.value.details


def test_a_new_book_is_queued_with_one_job(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        book = _create(owner)
    assert book.status == Book.Status.QUEUED
    assert book.jobs.count() == 1
    assert len(callbacks) == 1  # the story task is enqueued only after commit


def test_the_fourth_book_while_three_generate_is_refused(owner):
    for _ in range(3):
        book_factory(owner=owner, status=Book.Status.GENERATING)
    with pytest.raises(QuotaExceeded) as exc:
        _create(owner)
    assert "3 books being drawn at once" in exc.value.message
    assert Book.objects.count() == 3


def test_a_finished_book_frees_a_concurrent_slot(owner):
    for status in (Book.Status.GENERATING, Book.Status.GENERATING, Book.Status.GENERATED):
        book_factory(owner=owner, status=status)
    assert _create(owner).status == Book.Status.QUEUED


def test_the_daily_quota_names_the_limit_and_when_it_resets(owner):
    owner.daily_requests_override = 2
    owner.save()
    _create(owner)
    _create(owner)
    with pytest.raises(QuotaExceeded) as exc:
        _create(owner)
    assert "all 2 generation requests for today" in exc.value.message
    assert "resets" in exc.value.message
    assert exc.value.details["limit"] == "daily_requests"
    assert Book.objects.count() == 2


def test_a_refunded_request_does_not_count(owner):
    owner.daily_requests_override = 1
    owner.save()
    book = _create(owner)
    GenerationJob.objects.filter(book=book).update(quota_refunded=True)
    Book.objects.filter(id=book.id).update(status=Book.Status.FAILED)
    assert quota_usage(user=owner).requests_left == 1
    _create(owner)


def test_the_tier_limits_apply_when_no_override(owner):
    tier = owner.effective_tier
    assert (tier.max_concurrent_books, tier.daily_requests) == (3, 50)
    assert quota_usage(user=owner).requests_limit == 50
