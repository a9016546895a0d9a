"""Make a personal API token for a user and print its key: the only time it is shown."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.tokens import api_token_create
from audit.services import AuditAction, audit_record


class Command(BaseCommand):
    help = "Create an API token for the user with this email and print its key once."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="command line", help="What the token is for.")

    def handle(self, *args, email: str, name: str, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the email {email}.")
        if not user.is_active:
            raise CommandError(f"{email} is deactivated; its tokens would not work.")
        token, raw_key = api_token_create(user=user, name=name[:80])
        audit_record(AuditAction.TOKEN_CREATED, actor_label="manage.py api_token", target=token)
        self.stderr.write(
            f"Token “{token.name}” ({token.prefix}…) for {user.email}. Keep the key: it is not stored."
        )
        self.stdout.write(raw_key)
