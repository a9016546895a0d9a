import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from books.models import Book
from books.services import book_create
from exports.models import Export
from fabrica.errors import ApplicationError


class Command(BaseCommand):
    help = "Make a book through the same pipeline as the site and write its PDF."

    def add_arguments(self, parser):
        parser.add_argument("--theme", default="")
        parser.add_argument("--style", default="cartoon")
        parser.add_argument("--pages", type=int, default=8)
        parser.add_argument("--language", default="pt-BR", choices=["pt-BR", "en", "es"])
        parser.add_argument("--age", default="4-6", choices=["2-3", "4-6", "7-9", "10-12"])
        parser.add_argument("--goal", default="", help="educational goal, e.g. friendship")
        parser.add_argument("--title", default="")
        parser.add_argument("--story-file", type=Path, help="use this text file as the story")
        parser.add_argument("--email", default="cli@localhost", help="owner of the book (created if missing)")
        parser.add_argument("--out", type=Path, help="where to write the PDF")
        parser.add_argument("--timeout", type=int, default=settings.BOOK_GENERATION_DEADLINE + 60)

    def handle(self, *args, **opts):
        if settings.EMBEDDED:
            from fabrica.embedded import start_embedded_worker

            start_embedded_worker()
        started = time.monotonic()
        book = self._create(opts)
        self.stdout.write(
            f"Book {book.id} queued ({book.num_pages} pages, {book.style.name}, {book.language})."
        )
        book = self._wait(book, opts["timeout"])
        elapsed = time.monotonic() - started
        if book.status != Book.Status.GENERATED:
            raise CommandError(f"Book {book.id} {book.status} after {elapsed:.1f}s: {book.error_message}")
        self.stdout.write(self.style.SUCCESS(f"Book {book.id} “{book.title}” generated in {elapsed:.1f}s."))
        if opts["out"]:
            export = Export.objects.filter(book=book).latest("created_at")
            with export.file.open("rb") as handle:
                opts["out"].write_bytes(handle.read())
            self.stdout.write(f"PDF written to {opts['out']} ({export.size_bytes / 1024:.0f} KiB).")

    def _create(self, opts) -> Book:
        owner, _ = get_user_model().objects.get_or_create(email=opts["email"].lower())
        story = opts["story_file"].read_text(encoding="utf-8") if opts["story_file"] else ""
        try:
            return book_create(
                owner=owner,
                style=opts["style"],
                num_pages=opts["pages"],
                theme=opts["theme"],
                language=opts["language"],
                age_range=opts["age"],
                educational_goal=opts["goal"],
                title=opts["title"],
                narrative_source=Book.Narrative.UPLOADED if story else Book.Narrative.GENERATED,
                story=story,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def _wait(self, book: Book, timeout: int) -> Book:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            book.refresh_from_db()
            line = f"[{book.progress:3d}%] {book.status_message or book.get_status_display()}"
            if line != last:
                self.stdout.write(line)
                last = line
            if book.is_finished:
                return book
            time.sleep(0.2)
        return book
