from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from accounts.models import Tier

DEMO_EMAIL = "demo@fabrica.local"
DEMO_PASSWORD = "colorir-2026"


class Command(BaseCommand):
    help = "Create the demo account used by `make run` (idempotent) and print its credentials."

    def handle(self, *args, **options):
        user, created = get_user_model().objects.get_or_create(
            email=DEMO_EMAIL, defaults={"display_name": "Demo", "tier": Tier.default()}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=DEMO_EMAIL, defaults={"verified": True, "primary": True}
        )
        self.stdout.write(self.style.SUCCESS(f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}"))
