"""Building, caching, downloading and expiring exports, through the services."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from books.models import Book
from books.tests.factories import book_factory
from exports import renderers, services
from exports.errors import BookNotReady, ExportInvalid, ExportTooLarge
from exports.models import Export
from exports.services import (
    export_build,
    export_print_pdf,
    export_register_download,
    export_request,
    exports_delete_expired,
)
from exports.tests.factories import generated_book, picture_save
from exports.tests.helpers import line_art_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(owner):
    return generated_book(owner=owner)


@pytest.fixture
def build_now(celery_eager, django_capture_on_commit_callbacks):
    """Ask for an export and let its Celery task run, as a worker would."""

    def ask(**kwargs) -> Export:
        with django_capture_on_commit_callbacks(execute=True):
            export = export_request(**kwargs)
        export.refresh_from_db()
        return export

    return ask


@pytest.fixture
def renders(monkeypatch):
    calls = []
    real = renderers.render_export

    def counting(**kwargs):
        calls.append(kwargs["options"])
        return real(**kwargs)

    monkeypatch.setattr(renderers, "render_export", counting)
    return calls


def _bytes(export: Export) -> bytes:
    with export.file.open("rb") as handle:
        return handle.read()


def test_asking_twice_returns_the_same_file_without_building_it_again(book, build_now, renders):
    first = build_now(book=book, format="print")
    second = build_now(book=book, format="print")
    assert first.id == second.id and first.status == Export.Status.READY
    assert len(renders) == 1
    assert second.size_bytes == len(_bytes(second)) > 0
    assert (second.generated_at, second.expires_at) == (first.generated_at, first.expires_at)


def test_editing_a_page_changes_the_hash_and_the_file(book, build_now):
    before = build_now(book=book, format="print")
    book.pages.filter(number=1).update(text="Um texto novo")
    after = build_now(book=book, format="print")
    assert after.id != before.id and after.content_hash != before.content_hash
    assert "Um texto novo" in PdfReader(io.BytesIO(_bytes(after))).pages[2].extract_text()


def test_a_new_picture_changes_the_hash(book, build_now):
    before = build_now(book=book, format="zip")
    picture_save(book.pages.get(number=2), line_art_png(seed=4, width=240, height=300))
    assert build_now(book=book, format="zip").content_hash != before.content_hash


def test_format_and_options_are_part_of_the_key(book, build_now, renders):
    asked = [
        build_now(book=book, format="print", paper="a4"),
        build_now(book=book, format="print", paper="letter"),
        build_now(book=book, format="print", paper="a4", single_sided=True),
        build_now(book=book, format="digital", paper="a4"),
    ]
    assert len({export.id for export in asked}) == 4 == len(renders)


def test_print_follows_the_owners_paper_and_kdp_is_single_sided_by_default(owner, build_now):
    owner.paper_size = "letter"
    owner.save()
    book = generated_book(owner=owner)
    assert build_now(book=book, format="print").paper == "letter"
    kdp = build_now(book=book, format="kdp")
    assert (kdp.paper, kdp.single_sided) == ("", True)
    assert build_now(book=book, format="kdp", single_sided=False).single_sided is False


@pytest.mark.parametrize(
    ("format", "magic", "content_type"),
    [
        ("print", b"%PDF", "application/pdf"),
        ("digital", b"%PDF", "application/pdf"),
        ("kdp", b"%PDF", "application/pdf"),
        ("kdp-cover", b"%PDF", "application/pdf"),
        ("zip", b"PK", "application/zip"),
    ],
)
def test_every_format_builds(book, build_now, format, magic, content_type):
    from exports.options import export_content_type

    export = build_now(book=book, format=format)
    assert export.status == Export.Status.READY
    assert _bytes(export).startswith(magic)
    assert export_content_type(export) == content_type


def test_the_zip_holds_the_stored_pictures(book, build_now):
    archive = zipfile.ZipFile(io.BytesIO(_bytes(build_now(book=book, format="zip"))))
    assert len([name for name in archive.namelist() if name.startswith("page-")]) == 5


def test_a_book_still_being_made_is_refused(owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    with pytest.raises(BookNotReady, match="still being made"):
        export_request(book=book, format="print")
    assert not Export.objects.exists()


@pytest.mark.parametrize(("format", "paper"), [("poster", None), ("print", "a3")])
def test_an_unknown_format_or_paper_is_refused(book, format, paper):
    with pytest.raises(ExportInvalid) as refused:
        export_request(book=book, format=format, paper=paper)
    assert refused.value.status_code == 400


def test_a_file_over_the_size_limit_fails_with_a_clear_message(book, build_now, settings):
    settings.EXPORT_MAX_BYTES = 50_000
    export = build_now(book=book, format="print")
    assert export.status == Export.Status.FAILED
    assert "MB limit" in export.error_message and "fewer pages" in export.error_message
    assert not export.file


def test_the_size_limit_message_names_both_sizes(book, settings):
    settings.EXPORT_MAX_BYTES = 100 * 1024 * 1024
    export = Export.objects.create(
        book=book, format="print", paper="a4", content_hash=services.book_content_hash(book=book)
    )
    settings.EXPORT_MAX_BYTES = 10
    with pytest.raises(ExportTooLarge, match="over the 0 MB limit"):
        export_build(export_id=export.id)


def test_asking_again_after_a_failure_tries_again(book, build_now, settings):
    settings.EXPORT_MAX_BYTES = 50_000
    failed = build_now(book=book, format="print")
    settings.EXPORT_MAX_BYTES = 100 * 1024 * 1024
    retried = build_now(book=book, format="print")
    assert retried.id == failed.id and retried.status == Export.Status.READY


def test_only_one_run_builds_a_file(book, renders):
    export = Export.objects.create(
        book=book, format="zip", paper="", content_hash=services.book_content_hash(book=book)
    )
    assert export_build(export_id=export.id) is not None
    assert export_build(export_id=export.id) is None
    assert len(renders) == 1


def test_a_book_edited_while_its_file_is_made_fails_the_old_request(book, celery_eager):
    export = export_request(book=book, format="zip")  # queued, not run (no commit in this test)
    book.pages.filter(number=1).update(text="Mudou")
    from exports.tasks import export_build as build_task

    build_task(str(export.id))
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED
    assert "changed while this file was being made" in export.error_message


def test_building_records_progress_and_announces_the_result(
    book, monkeypatch, django_capture_on_commit_callbacks
):
    export = Export.objects.create(
        book=book, format="print", paper="a4", content_hash=services.book_content_hash(book=book)
    )
    seen = []
    monkeypatch.setattr(
        services, "progress_notify", lambda book_id: seen.append(Export.objects.get(id=export.id).progress)
    )
    with django_capture_on_commit_callbacks(execute=True):
        export_build(export_id=export.id)
    export.refresh_from_db()
    assert export.progress == 100 and export.status == Export.Status.READY
    assert seen[0] == 0 and seen[-1] == 100  # building, then ready
    assert any(0 < value < 100 for value in seen)


def test_the_print_pdf_is_built_in_process_for_the_book_assembly(book, renders):
    export = export_print_pdf(book=book, paper="letter")
    assert export.status == Export.Status.READY and export.paper == "letter"
    assert export_print_pdf(book=book, paper="letter").id == export.id
    assert len(renders) == 1


def test_a_download_is_counted_and_keeps_the_file_longer(book, build_now):
    export = build_now(book=book, format="print")
    Export.objects.filter(id=export.id).update(expires_at=timezone.now() + timedelta(days=1))
    export_register_download(export=export)
    export_register_download(export=export)
    export.refresh_from_db()
    assert export.download_count == 2
    assert export.last_downloaded_at is not None
    assert export.expires_at > timezone.now() + timedelta(days=29)


def test_expired_files_and_rows_are_deleted_and_the_rest_kept(book, build_now):
    old = build_now(book=book, format="print")
    kept = build_now(book=book, format="zip")
    storage, name = old.file.storage, old.file.name
    Export.objects.filter(id=old.id).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert exports_delete_expired() == 1
    assert not storage.exists(name)
    assert list(Export.objects.values_list("id", flat=True)) == [kept.id]
    assert kept.file.storage.exists(kept.file.name)


def test_an_expired_file_asked_for_again_is_rebuilt(book, build_now, renders):
    export = build_now(book=book, format="print")
    Export.objects.filter(id=export.id).update(expires_at=timezone.now() - timedelta(minutes=1))
    again = build_now(book=book, format="print")
    assert again.id == export.id and again.status == Export.Status.READY
    assert again.expires_at > timezone.now() and len(renders) == 2


def test_a_request_racing_a_worker_leaves_the_build_alone(
    book, monkeypatch, django_capture_on_commit_callbacks
):
    from exports import tasks

    export = Export.objects.create(
        book=book, format="zip", paper="", content_hash=services.book_content_hash(book=book)
    )
    seen_pending = Export.objects.get(id=export.id)
    Export.objects.filter(id=export.id).update(status=Export.Status.BUILDING, started_at=timezone.now())
    queued = []
    monkeypatch.setattr(tasks.export_build, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        services._export_queue(seen_pending)
    assert queued == [] and seen_pending.status == Export.Status.BUILDING


def test_the_cleanup_leaves_a_file_being_built(book):
    export = Export.objects.create(
        book=book,
        format="zip",
        paper="",
        content_hash=services.book_content_hash(book=book),
        status=Export.Status.BUILDING,
        started_at=timezone.now(),
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    assert exports_delete_expired() == 0
    assert Export.objects.filter(id=export.id).exists()
