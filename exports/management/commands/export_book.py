from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from books.models import Book
from exports.models import Export
from exports.services import export_build, export_fail, export_request
from fabrica.errors import ApplicationError


class Command(BaseCommand):
    help = "Build (or reuse from the cache) one of a book's files and write it to --out."

    def add_arguments(self, parser):
        parser.add_argument("book_id")
        parser.add_argument("--format", required=True, choices=Export.Format.values)
        parser.add_argument("--paper", choices=["a4", "letter"], help="default: the owner's preference")
        sides = parser.add_mutually_exclusive_group()
        sides.add_argument(
            "--single-sided", dest="single_sided", action="store_true", default=None,
            help="a blank back behind every coloring page (the default for kdp and kdp-cover)",
        )  # fmt: skip
        sides.add_argument("--double-sided", dest="single_sided", action="store_false")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args, book_id: str, format: str, paper, single_sided, out: Path, **options):
        book = (
            Book.objects.filter(id=book_id, deleted_at__isnull=True).select_related("style", "owner").first()
        )
        if book is None:
            raise CommandError(f"No book {book_id}.")
        try:
            export = export_request(book=book, format=format, paper=paper, single_sided=single_sided)
            if not export.is_ready:
                self._build(export)
                export.refresh_from_db()
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if not export.is_ready:
            raise CommandError(export.error_message or f"The {format} file is still being made elsewhere.")
        with export.file.open("rb") as handle:
            out.write_bytes(handle.read())
        self.stdout.write(
            f"{export.get_format_display()} written to {out} ({export.size_bytes / 1024:.0f} KiB)."
        )

    def _build(self, export: Export) -> None:
        # Here and now rather than in a worker: the command waits for its file anyway.
        # A worker picking up the queued task finds it claimed or done.
        try:
            export_build(export_id=export.id)
        except ApplicationError as exc:
            export_fail(export_id=export.id, message=exc.message)
            raise
