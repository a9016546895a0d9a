"""Management commands an operator runs: seed_catalog, cleanup, resume_generations, and the others."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from ai.models import PromptTemplate
from ai.prompts import DEFAULTS, image_prompt
from ai.schemas import ImageRequest
from books import cleanup as cleanup_module
from books.catalog import PROMPT_SEED_NOTE
from books.models import Book, GenerationJob, Page, ShareLink
from books.tasks import books_resume_stuck
from books.tests.factories import book_factory
from exports.models import Export
from gamification.models import Badge, MissionTemplate


def _run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


# --- seed_catalog ---------------------------------------------------------------------------


def _catalog_counts() -> dict[str, int]:
    return {
        "badges": Badge.objects.count(),
        "missions": MissionTemplate.objects.count(),
        "prompts": PromptTemplate.objects.count(),
        "schedules": PeriodicTask.objects.count(),
    }


@pytest.mark.django_db
def test_seed_catalog_seeds_prompt_templates_and_a_second_run_changes_nothing():
    first = _run("seed_catalog")
    counts = _catalog_counts()
    second = _run("seed_catalog")

    assert counts["prompts"] == len(DEFAULTS) and counts["badges"] and counts["missions"]
    assert set(PromptTemplate.objects.values_list("name", "version")) == {(name, 1) for name in DEFAULTS}
    assert "created prompt template image_page" in first
    assert _catalog_counts() == counts
    assert "kept    prompt template image_page" in second
    assert "Nothing to change." in second


@pytest.mark.django_db
def test_seeded_prompt_templates_render_the_same_text_as_the_built_in_default():
    request = ImageRequest(prompt="a turtle", style="cartoon", width=480, height=600)
    built_in = image_prompt(request)

    _run("seed_catalog")

    seeded = image_prompt(request)
    assert (built_in.label, seeded.label) == ("image_page@0", "image_page@1")
    assert seeded.text == built_in.text


@pytest.mark.django_db
def test_seed_catalog_never_overwrites_a_template_staff_edited(django_user_model):
    staff = django_user_model.objects.create_superuser(email="staff@example.com", password="x-long-pass-9")
    _run("seed_catalog")
    PromptTemplate.objects.create(name="image_page", body="Ours: {prompt}", created_by=staff)

    _run("seed_catalog")

    assert list(PromptTemplate.objects.filter(name="image_page").values_list("version", "body"))[0] == (
        2,
        "Ours: {prompt}",
    )


@pytest.mark.django_db
def test_a_seeded_template_the_built_in_default_moved_past_gets_a_new_version():
    _run("seed_catalog")
    PromptTemplate.objects.filter(name="image_cover").update(body="last release's cover prompt {prompt}")

    out = _run("seed_catalog")

    latest = PromptTemplate.objects.filter(name="image_cover").order_by("-version").first()
    assert (latest.version, latest.body, latest.notes) == (2, DEFAULTS["image_cover"], PROMPT_SEED_NOTE)
    assert "updated prompt template image_cover" in out


@pytest.mark.django_db
def test_seed_catalog_schedules_the_resume_and_the_daily_cleanup_once():
    _run("seed_catalog")
    _run("seed_catalog")

    resume = PeriodicTask.objects.get(task="books.tasks.books_resume_stuck")
    daily = PeriodicTask.objects.get(task="books.tasks.cleanup")
    assert resume.interval.every == 120 and daily.interval.every == 86400


# --- cleanup --------------------------------------------------------------------------------


def _old(days: int):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def leftovers(owner):
    """One of each thing cleanup deletes, and one of each it must keep."""
    book = book_factory(owner=owner, status=Book.Status.GENERATED)
    expired = Export.objects.create(book=book, content_hash="a" * 64, expires_at=_old(1))
    expired.file.save("old.pdf", ContentFile(b"%PDF old"), save=True)
    Export.objects.create(book=book, content_hash="b" * 64, expires_at=timezone.now() + timedelta(days=3))
    ShareLink.objects.create(book=book, expires_at=_old(31))
    ShareLink.objects.create(book=book, revoked_at=_old(40))
    ShareLink.objects.create(book=book, expires_at=_old(2))  # still says "expired" to whoever opens it
    ShareLink.objects.create(book=book)
    book_factory(owner=owner, status=Book.Status.GENERATED, deleted_at=_old(31))
    book_factory(owner=owner, status=Book.Status.GENERATED, deleted_at=_old(3))
    return expired


def test_cleanup_dry_run_counts_each_category_and_deletes_nothing(leftovers):
    out = _run("cleanup", "--dry-run")

    assert "expired exports: would delete 1" in out
    assert "share links ended more than 30 days ago: would delete 2" in out
    assert "books in the trash for more than 30 days: would delete 1" in out
    assert "Dry run: nothing was deleted." in out
    assert (Export.objects.count(), ShareLink.objects.count(), Book.objects.count()) == (2, 4, 3)
    assert leftovers.file.storage.exists(leftovers.file.name)


@pytest.mark.django_db(transaction=True)
def test_cleanup_deletes_what_is_due_and_keeps_the_rest(leftovers):
    name, storage = leftovers.file.name, leftovers.file.storage

    out = _run("cleanup")

    assert "expired exports: deleted 1" in out
    assert "share links ended more than 30 days ago: deleted 2" in out
    assert "books in the trash for more than 30 days: deleted 1" in out
    assert not storage.exists(name)
    assert Export.objects.count() == 1
    assert ShareLink.objects.count() == 2
    assert list(Book.objects.filter(deleted_at__isnull=False).values_list("deleted_at", flat=True)) != []
    assert Book.objects.count() == 2
    assert _run("cleanup", "--dry-run").count("would delete 0") >= 3


def test_cleanup_says_which_optional_category_is_missing_and_runs_the_rest(owner, monkeypatch):
    monkeypatch.setattr(
        cleanup_module,
        "OPTIONAL_SWEEPS",
        [("old analytics events (retention)", ("nowhere.analytics_purge",))],
    )

    out = _run("cleanup", "--dry-run")

    assert "old analytics events (retention): skipped: nowhere.analytics_purge is not installed" in out
    assert "expired exports: would delete 0" in out


def test_cleanup_calls_another_apps_purge_with_dry_run(owner, monkeypatch):
    calls = []

    def analytics_purge(*, dry_run: bool) -> int:
        calls.append(dry_run)
        return 7

    monkeypatch.setattr(cleanup_module, "_optional", lambda *paths: (analytics_purge, paths[0]))
    monkeypatch.setattr(cleanup_module, "OPTIONAL_SWEEPS", [("old analytics events", ("x.analytics_purge",))])

    dry = _run("cleanup", "--dry-run")
    real = _run("cleanup")

    assert calls == [True, False]
    assert "old analytics events: would delete 7" in dry
    assert "old analytics events: deleted 7" in real


def test_cleanup_reports_a_failing_category_and_still_runs_the_others(owner, monkeypatch):
    def broken(*, dry_run: bool) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cleanup_module, "_optional", lambda *paths: (broken, paths[0]))

    out = _run("cleanup")

    assert "failed; see the log" in out
    assert "expired exports: deleted 0" in out
    assert "disk on fire" not in out


def test_cleanup_purges_analytics_events_past_their_retention(owner, settings):
    from analytics.models import AnalyticsEvent

    settings.ANALYTICS_RETENTION_DAYS = 30
    AnalyticsEvent.objects.create(name="book_created", created_at=_old(31))
    AnalyticsEvent.objects.create(name="book_created", created_at=_old(29))

    dry = _run("cleanup", "--dry-run")
    real = _run("cleanup")

    assert "old analytics events (retention): would delete 1" in dry
    assert "old analytics events (retention): deleted 1" in real
    assert AnalyticsEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_cleanup_deletes_expired_download_my_data_archives(owner):
    from accounts.models import DataExport

    DataExport.objects.create(user=owner, status=DataExport.Status.READY, expires_at=_old(1))
    DataExport.objects.create(user=owner, status=DataExport.Status.READY, expires_at=_old(-3))

    dry = _run("cleanup", "--dry-run")
    assert "expired “download my data” files: would delete 1" in dry
    assert DataExport.objects.count() == 2

    out = _run("cleanup")

    assert "expired “download my data” files: deleted 1" in out
    assert DataExport.objects.count() == 1


def test_the_daily_cleanup_task_runs_the_same_service(leftovers):
    from books.tasks import cleanup

    assert cleanup() >= 4  # 1 export, 2 links, 1 book


# --- resume_generations ---------------------------------------------------------------------


def _stuck_generating(owner, *, minutes: int = 30) -> Book:
    """A book a killed worker left with pages 1-2 drawn, page 3 claimed and 4-5 never started."""
    book = book_factory(owner=owner, status=Book.Status.GENERATING, num_pages=5)
    then = timezone.now() - timedelta(minutes=minutes)
    GenerationJob.objects.create(
        book=book,
        user=owner,
        status=GenerationJob.Status.RUNNING,
        step=GenerationJob.Step.PAGES,
        created_at=then,
        started_at=then,
    )
    Book.objects.filter(id=book.id).update(created_at=then, generation_started_at=then)
    Page.objects.filter(book=book, number__in=[1, 2]).update(status=Page.Status.DONE, started_at=then)
    Page.objects.filter(book=book, number=3).update(status=Page.Status.RUNNING, started_at=then)
    return book


@pytest.fixture
def small_pictures(settings):
    settings.PAGE_IMAGE_WIDTH, settings.PAGE_IMAGE_HEIGHT = 480, 600
    settings.AI_OFFLINE_FAILURE_RATE = 0


def test_resume_dry_run_lists_each_stuck_book_with_what_would_be_queued(owner):
    book = _stuck_generating(owner)
    queued = book_factory(owner=owner, status=Book.Status.QUEUED, theme="owls at night")
    Book.objects.filter(id=queued.id).update(created_at=timezone.now() - timedelta(minutes=20))
    fresh = book_factory(owner=owner, status=Book.Status.GENERATING, theme="fresh one")

    out = _run("resume_generations", "--dry-run")

    assert (
        f"{book.id}  “dinosaurs” (owner@example.com, Generating): would re-queue pages 3, 4, 5, the cover"
        in out
    )
    assert f"{queued.id}  “owls at night” (owner@example.com, Queued): would re-queue the story" in out
    assert str(fresh.id) not in out
    assert "Dry run: 2 book(s) would be resumed; nothing queued." in out
    assert Page.objects.get(book=book, number=3).status == Page.Status.RUNNING


@pytest.mark.django_db(transaction=True)
def test_resume_finishes_a_stuck_book(owner, celery_eager, small_pictures):
    book = _stuck_generating(owner)

    out = _run("resume_generations", "--stale-minutes", "10")

    book.refresh_from_db()
    assert "re-queued pages 3, 4, 5, the cover" in out
    assert "Resumed 1 book(s)." in out
    assert book.status == Book.Status.GENERATED
    assert book.pages.filter(status=Page.Status.DONE).count() == 5


def test_a_resumed_queued_book_is_not_failed_by_the_watchdog_before_a_worker_takes_it(owner, settings):
    from books.generation import books_fail_overdue

    book = book_factory(owner=owner, status=Book.Status.QUEUED)
    Book.objects.filter(id=book.id).update(created_at=timezone.now() - timedelta(minutes=30))

    _run("resume_generations")  # the broker is still empty: no task ran yet

    assert books_fail_overdue() == 0
    book.refresh_from_db()
    assert book.status == Book.Status.QUEUED


def test_resume_leaves_books_that_moved_recently(owner):
    _stuck_generating(owner, minutes=3)

    out = _run("resume_generations", "--stale-minutes", "10")

    assert "No book has been stuck for 10 minutes or more." in out


def test_resume_refuses_a_negative_number_of_minutes(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="cannot be negative"):
        _run("resume_generations", "--stale-minutes", "-1")


@pytest.mark.django_db(transaction=True)
def test_the_periodic_resume_writes_the_story_of_a_book_whose_task_was_lost(
    owner, celery_eager, small_pictures
):
    book = book_factory(owner=owner, status=Book.Status.QUEUED)
    GenerationJob.objects.create(book=book, user=owner)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        assert books_resume_stuck() == 0  # a minute in the queue is normal
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert books_resume_stuck() == 1

    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED


def test_the_periodic_resume_leaves_an_assembly_a_worker_claimed(owner):
    book = _stuck_generating(owner)
    Page.objects.filter(book=book).update(status=Page.Status.DONE)
    GenerationJob.objects.filter(book=book).update(step=GenerationJob.Step.ASSEMBLING)

    assert books_resume_stuck() == 0
    assert "would re-queue the assembly of the PDF" in _run("resume_generations", "--dry-run")


# --- the other commands: readable output ----------------------------------------------------


def test_recompute_leaderboards_says_how_many_players_it_rebuilt(owner):
    from gamification.services import xp_award

    xp_award(user=owner, action="staff_bonus", key="bonus:1", amount=10)

    assert "Recomputed 1 players from the ledger." in _run("recompute_leaderboards")


@pytest.mark.django_db(transaction=True)
def test_generate_book_prints_progress_and_writes_the_pdf(
    catalog, settings, celery_eager, small_pictures, tmp_path
):
    settings.EMBEDDED = False  # the eager tasks run in this process; no worker thread needed
    out = _run(
        "generate_book", "--theme", "a brave little boat", "--pages", "5", "--out", str(tmp_path / "b.pdf")
    )

    assert "queued (5 pages, Cartoon, pt-BR)" in out
    assert "generated in" in out
    assert "PDF written to" in out
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
