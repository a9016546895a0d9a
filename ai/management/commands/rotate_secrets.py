from django.core.management.base import BaseCommand, CommandError

from ai.secrets import secrets_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret (provider API keys, webhook signing secrets) under SECRET_KEY. "
        "Run it after moving the old key to SECRET_KEY_FALLBACKS; then the fallback can be removed."
    )
    requires_system_checks = []  # the unreadable-secrets check is what this command answers

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")
        parser.add_argument(
            "--forget-unreadable",
            action="store_true",
            help="empty the secrets no key can read (when the old SECRET_KEY is lost)",
        )

    def handle(self, *args, dry_run: bool, forget_unreadable: bool, **options):
        would = "would be " if dry_run else ""
        unreadable = 0
        for count in secrets_rotate(dry_run=dry_run, forget_unreadable=forget_unreadable):
            line = f"{count.label}: {count.reencrypted} {would}re-encrypted, {count.current} already current"
            if count.forgotten:
                line += f", {count.forgotten} unreadable {would}emptied"
            if count.unreadable:
                line += f", {count.unreadable} UNREADABLE"
            self.stdout.write(line)
            unreadable += count.unreadable
        if unreadable:
            raise CommandError(
                f"{unreadable} secret(s) cannot be decrypted with SECRET_KEY or SECRET_KEY_FALLBACKS. "
                "Add the key they were saved with to SECRET_KEY_FALLBACKS, or run again with "
                "--forget-unreadable."
            )
        self.stdout.write(self.style.SUCCESS("Dry run: nothing was changed." if dry_run else "Done."))
