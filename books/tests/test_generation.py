"""The pipeline run eagerly: story → pages → cover and PDF, and what happens when things go wrong."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from books import generation
from books.models import Book, GenerationJob, Page
from books.quotas import quota_usage
from books.services import book_create
from books.tests.factories import book_factory
from exports.models import Export

pytestmark = pytest.mark.django_db(transaction=True)


def _make(owner, **overrides):
    fields = {"style": "cartoon", "num_pages": 6, "theme": "dinossauros e amizade", "language": "pt-BR"}
    return book_create(owner=owner, **{**fields, **overrides})


def test_a_book_is_written_drawn_and_assembled(owner, celery_eager):
    book = _make(owner)
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    assert book.progress == 100
    assert book.title
    pages = list(book.pages.order_by("number"))
    assert [p.number for p in pages] == [1, 2, 3, 4, 5, 6]
    assert all(
        p.status == Page.Status.DONE and p.image and p.thumbnail and len(p.sha256) == 64 for p in pages
    )
    assert all(p.text for p in pages)
    assert len({p.sha256 for p in pages}) == 6  # a different picture on every page
    job = book.jobs.get()
    assert (job.status, job.step) == (GenerationJob.Status.SUCCEEDED, GenerationJob.Step.DONE)


def test_the_pdf_has_a_cover_a_title_page_and_every_page(owner, celery_eager):
    book = _make(owner)
    export = Export.objects.get(book=book)
    with export.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert len(reader.pages) >= 6 + 2
    text = "".join(page.extract_text() for page in reader.pages)
    assert book.pages.get(number=1).text.split()[0] in text


def test_a_users_own_story_is_split_into_the_pages_asked_for(owner, celery_eager):
    story = "\n\n".join(f"Parágrafo número {n} da história da Ana, que adora estrelas." for n in range(1, 8))
    book = _make(owner, narrative_source="uploaded", story=story, num_pages=5, theme="")
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    assert book.pages.count() == 5
    assert "Parágrafo número 1" in book.pages.get(number=1).text


def test_running_the_story_step_twice_creates_no_duplicate_pages(owner, celery_eager):
    book = _make(owner)
    generation.book_write_story(book_id=book.id)
    assert book.pages.count() == 6


def test_drawing_a_finished_page_again_changes_nothing(owner, celery_eager):
    book = _make(owner)
    page = book.pages.get(number=1)
    generation.page_draw(page_id=page.id)
    page.refresh_from_db()
    assert page.attempts == 1


def test_when_every_provider_fails_the_book_fails_cleanly_and_the_quota_is_given_back(
    owner, celery_eager, settings
):
    settings.AI_OFFLINE_FAILURE_RATE = 1.0
    book = _make(owner)
    book.refresh_from_db()
    assert book.status == Book.Status.FAILED
    assert book.error_message
    assert "Traceback" not in book.error_message
    job = book.jobs.get()
    assert job.status == GenerationJob.Status.FAILED and job.quota_refunded
    assert quota_usage(user=owner).requests_today == 0


def test_a_book_past_its_deadline_fails_and_refunds(owner, celery_eager):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    GenerationJob.objects.create(book=book, user=owner, status=GenerationJob.Status.RUNNING)
    Book.objects.filter(id=book.id).update(drawing_started_at=timezone.now() - timedelta(minutes=6))
    generation.page_draw(page_id=book.pages.first().id)
    book.refresh_from_db()
    assert book.status == Book.Status.FAILED
    assert "too long" in book.error_message
    assert book.jobs.get().quota_refunded


def test_resume_finishes_a_book_left_half_drawn_by_a_stopped_process(owner, celery_eager):
    book = book_factory(owner=owner, status=Book.Status.GENERATING, num_pages=5)
    GenerationJob.objects.create(
        book=book, user=owner, status=GenerationJob.Status.RUNNING, step=GenerationJob.Step.PAGES
    )
    Book.objects.filter(id=book.id).update(generation_started_at=timezone.now() - timedelta(minutes=30))
    Page.objects.filter(book=book, number__in=[1, 2]).update(
        status=Page.Status.RUNNING, started_at=timezone.now() - timedelta(minutes=1)
    )
    resumed = generation.books_resume(stale_after=timedelta(0))
    book.refresh_from_db()
    assert [item.book.id for item in resumed] == [book.id]
    assert book.status == Book.Status.GENERATED
    assert book.pages.filter(status=Page.Status.DONE).count() == 5


def test_resume_writes_the_story_of_a_book_left_queued(owner, celery_eager):
    book = book_factory(owner=owner, status=Book.Status.QUEUED)
    GenerationJob.objects.create(book=book, user=owner)
    generation.books_resume(stale_after=timedelta(0))
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    assert book.pages.count() == 5


def test_a_failed_book_is_not_touched_by_late_page_tasks(owner, celery_eager):
    book = book_factory(owner=owner, status=Book.Status.FAILED)
    generation.page_draw(page_id=book.pages.first().id)
    assert book.pages.first().status == Page.Status.PENDING


def test_the_watchdog_fails_books_stuck_past_the_deadline_and_spares_the_rest(owner):
    stuck = book_factory(owner=owner, status=Book.Status.GENERATING)
    fresh = book_factory(owner=owner, status=Book.Status.GENERATING)
    for book in (stuck, fresh):
        GenerationJob.objects.create(book=book, user=owner, status=GenerationJob.Status.RUNNING)
    Book.objects.filter(id=stuck.id).update(drawing_started_at=timezone.now() - timedelta(minutes=6))
    Book.objects.filter(id=fresh.id).update(drawing_started_at=timezone.now())
    assert generation.books_fail_overdue() == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert (stuck.status, fresh.status) == (Book.Status.FAILED, Book.Status.GENERATING)
    assert stuck.jobs.get().quota_refunded


def test_the_job_records_its_celery_task(owner, celery_eager):
    book = _make(owner)
    assert book.jobs.get().celery_task_id


def _flaky_pictures(settings, *, fail, name="flaky"):
    """An image provider that raises ``fail(seed, times_seen)``'s error, or draws."""
    from ai.providers import register_image_provider
    from ai.providers.offline import OfflineImageProvider

    calls = []

    class Flaky(OfflineImageProvider):
        def generate_image(self, request):
            calls.append(request.seed)
            error = fail(request.seed, calls.count(request.seed))
            if error:
                raise error
            return super().generate_image(request)

    Flaky.name = name
    register_image_provider(name, lambda config: Flaky())
    settings.AI_IMAGE_PROVIDERS = [name]
    return calls


@pytest.fixture
def flaky_pictures(settings):
    from ai.providers import unregister_provider

    yield lambda fail: _flaky_pictures(settings, fail=fail)
    unregister_provider("flaky")


def test_a_transient_provider_error_is_retried_by_the_router_not_the_task(
    owner, celery_eager, settings, flaky_pictures
):
    from ai.errors import ProviderError
    from ai.models import AICall

    settings.AI_ATTEMPTS_PER_PROVIDER = 2
    settings.AI_RETRY_BACKOFF_SECONDS = 0
    calls = flaky_pictures(
        lambda seed, seen: (
            ProviderError("busy", transient=True) if seed.endswith(":2") and seen == 1 else None
        )
    )

    book = _make(owner)

    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    page = book.pages.get(number=2)
    assert page.attempts == 1  # one task run: the second call was the router's
    assert calls.count(f"{book.id}:2") == 2
    assert list(AICall.objects.filter(page=page).values_list("attempt", "outcome").order_by("id")) == [
        (1, AICall.Outcome.ERROR),
        (2, AICall.Outcome.OK),
    ]


def test_a_page_the_router_gave_up_on_is_not_called_again_by_the_task(
    owner, celery_eager, settings, flaky_pictures
):
    from ai.errors import ProviderError

    settings.AI_ATTEMPTS_PER_PROVIDER = 2
    settings.AI_RETRY_BACKOFF_SECONDS = 0
    calls = flaky_pictures(
        lambda seed, seen: ProviderError("busy", transient=True) if seed.endswith(":2") else None
    )

    book = _make(owner)

    book.refresh_from_db()
    assert book.status == Book.Status.FAILED
    assert calls.count(f"{book.id}:2") == 2  # the router's two attempts, and nothing more
    assert book.pages.get(number=2).status == Page.Status.FAILED
    assert book.jobs.get().quota_refunded
