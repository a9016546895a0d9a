from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from books.generation import books_resume


class Command(BaseCommand):
    help = (
        "Re-queue the missing work of books stuck in “queued” or “generating” (after a worker or "
        "broker outage): the story, the pages not drawn, the cover or the assembly. Resumed books "
        "get a fresh generation deadline. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be re-queued, queue nothing"
        )
        parser.add_argument(
            "--stale-minutes",
            type=int,
            default=5,
            help="only books with no progress for this many minutes (default 5; 0 = every book in progress)",
        )

    @translation.override("en")  # operators' output, one language (labels are translatable elsewhere)
    def handle(self, *args, dry_run: bool, stale_minutes: int, **options):
        if stale_minutes < 0:
            raise CommandError("--stale-minutes cannot be negative.")
        stuck = books_resume(stale_after=timedelta(minutes=stale_minutes), dry_run=dry_run)
        verb = "would re-queue" if dry_run else "re-queued"
        for item in stuck:
            book = item.book
            self.stdout.write(
                f"{book.id}  “{book.display_title}” ({book.owner.email}, {book.get_status_display()}): "
                f"{verb if item.requeues else 'left alone,'} {item.describe()}"
            )
        resumed = sum(item.requeues for item in stuck)
        if not stuck:
            self.stdout.write(
                self.style.SUCCESS(f"No book has been stuck for {stale_minutes} minutes or more.")
            )
        elif dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"Dry run: {resumed} book(s) would be resumed; nothing queued.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Resumed {resumed} book(s)."))
