from django.core.management.base import BaseCommand

from books.catalog import catalog_seed


class Command(BaseCommand):
    help = (
        "Create what the site needs to start: styles and their sample pictures, the default tier, "
        "badges, missions, prompt templates and the periodic tasks. Safe to run again: what exists "
        "is kept as staff left it."
    )

    def handle(self, *args, **options):
        report = catalog_seed(prompt_templates=True)
        for line in report:
            self.stdout.write(line)
        created = sum(not line.startswith("kept") for line in report)
        summary = f"{created} item(s) created or updated." if created else "Nothing to change."
        self.stdout.write(self.style.SUCCESS(f"Catalog is up to date. {summary}"))
