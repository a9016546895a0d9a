from django.core.management.base import BaseCommand
from django.utils import translation

from books.cleanup import cleanup_run


class Command(BaseCommand):
    help = (
        "Delete what has outlived its use: expired exports, share links ended more than 30 days ago, "
        "books in the trash for more than 30 days, files left by books that no longer exist, "
        "old analytics events, expired “download my data” files. "
        "Use --dry-run to see the counts without deleting anything."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    @translation.override("en")  # operators' output, one language (labels are translatable elsewhere)
    def handle(self, *args, dry_run: bool, **options):
        verb = "would delete" if dry_run else "deleted"
        for swept in cleanup_run(dry_run=dry_run):
            if swept.count is None:
                self.stdout.write(self.style.WARNING(f"{swept.label}: {swept.note}"))
            else:
                self.stdout.write(f"{swept.label}: {verb} {swept.count}")
        if dry_run:
            self.stdout.write(self.style.SUCCESS("Dry run: nothing was deleted."))
        else:
            self.stdout.write(self.style.SUCCESS("Cleanup finished."))
