from django.core.management.base import BaseCommand

from gamification.services import players_recompute


class Command(BaseCommand):
    help = (
        "Rebuild every player's XP, level and this week's XP from the ledger (after a repair or an import). "
        "Safe to run while the site is up: each batch of players is locked while it is rewritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="players per transaction")

    def handle(self, *args, **options):
        count = players_recompute(batch=options["batch"])
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Recomputed {count} players from the ledger."))
