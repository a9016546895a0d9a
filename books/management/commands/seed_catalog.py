from django.core.management.base import BaseCommand

from books.catalog import catalog_seed


class Command(BaseCommand):
    help = "Create or update the built-in catalog (styles, default tier). Safe to run again."

    def handle(self, *args, **options):
        for line in catalog_seed():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Catalog is up to date."))
