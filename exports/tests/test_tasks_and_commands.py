"""The Celery tasks, the periodic cleanup's registration and ``manage.py export_book``."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from pypdf import PdfReader

from books.catalog import catalog_seed
from books.models import Book
from books.tests.factories import book_factory
from exports import renderers
from exports.models import Export
from exports.selectors import book_content_hash
from exports.tasks import export_build, exports_cleanup
from exports.tests.factories import generated_book

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(owner):
    return generated_book(owner=owner)


def _queued(book, format="print") -> Export:
    return Export.objects.create(
        book=book, format=format, paper="a4", content_hash=book_content_hash(book=book)
    )


def test_the_build_task_makes_the_file(book):
    export = _queued(book)
    export_build(str(export.id))
    export.refresh_from_db()
    assert export.status == Export.Status.READY and export.size_bytes > 0


def test_an_unexpected_error_fails_the_export_with_a_plain_message(book, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk on fire at /var/secret")

    monkeypatch.setattr(renderers, "render_export", broken)
    export = _queued(book)
    export_build(str(export.id))
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED
    assert (
        export.error_message == "Something went wrong on our side while making this file. Please try again."
    )


def test_the_cleanup_task_deletes_expired_exports(book):
    export = _queued(book)
    Export.objects.filter(id=export.id).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert exports_cleanup() == 1
    assert not Export.objects.exists()


def test_the_cleanup_is_scheduled_once_and_operator_changes_are_kept():
    catalog_seed()
    task = PeriodicTask.objects.get(name="exports: delete expired files")
    assert task.task == "exports.tasks.exports_cleanup" and task.interval.every == 3600
    PeriodicTask.objects.filter(id=task.id).update(enabled=False)
    catalog_seed()
    assert PeriodicTask.objects.filter(task="exports.tasks.exports_cleanup").count() == 1
    assert not PeriodicTask.objects.get(id=task.id).enabled


@pytest.mark.parametrize(
    ("args", "pages"),
    [
        (["--format", "print", "--paper", "letter"], 2 + 5),
        (["--format", "print", "--single-sided"], 2 * (2 + 5)),
        (["--format", "kdp"], 24),
        (["--format", "kdp", "--double-sided"], 24),
        (["--format", "kdp-cover"], 1),
    ],
)
def test_export_book_writes_the_file(book, tmp_path, args, pages):
    out = tmp_path / "book.pdf"
    call_command("export_book", str(book.id), *args, "--out", str(out))
    assert len(PdfReader(out).pages) == pages


def test_export_book_reuses_the_cache(book, tmp_path, monkeypatch, capsys):
    call_command("export_book", str(book.id), "--format", "zip", "--out", str(tmp_path / "a.zip"))
    monkeypatch.setattr(renderers, "render_export", lambda **kwargs: pytest.fail("built twice"))
    call_command("export_book", str(book.id), "--format", "zip", "--out", str(tmp_path / "b.zip"))
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    assert "written to" in capsys.readouterr().out


def test_export_book_explains_what_is_wrong(owner, tmp_path):
    drawing = book_factory(owner=owner, status=Book.Status.GENERATING)
    with pytest.raises(CommandError, match="still being made"):
        call_command("export_book", str(drawing.id), "--format", "print", "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="No book"):
        call_command(
            "export_book",
            "00000000-0000-0000-0000-000000000000",
            "--format",
            "zip",
            "--out",
            str(tmp_path / "x"),
        )
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("export_book", str(drawing.id), "--format", "poster", "--out", str(tmp_path / "x"))
