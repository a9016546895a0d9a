"""Sign-ups, from allauth's signal (the one place every sign-up path goes through)."""

from __future__ import annotations

from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from analytics.models import Event
from analytics.services import analytics_record


@receiver(user_signed_up, dispatch_uid="analytics.signup")
def signup_recorded(sender, request, user, **kwargs) -> None:
    via = "social" if kwargs.get("sociallogin") else "email"
    analytics_record(Event.SIGNUP, user=user, request=request, properties={"via": via})
