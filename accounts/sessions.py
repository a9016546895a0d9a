"""Signing a parent out everywhere: their other sessions end and their API tokens stop working.

Django already refuses a session whose password hash is stale, but API tokens do not depend on
the password, and a Google sign-in that takes over an account changes no password of the person
now signed in. So after a credential change we end the sessions explicitly (allauth.usersessions
tracks them) and revoke the tokens:

- a password change, when the parent leaves "Sign out everywhere else" ticked (the default);
- a password reset from an emailed link, always: whoever has the email is taking the account back;
- a Google sign-in that lands on an account registered with that email but never verified: the
  person who registered it (maybe not the email's owner) is shut out.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.usersessions.internal.flows.sessions import end_other_sessions
from django.db.models import Q
from django.http import HttpRequest

from accounts.models import User
from accounts.tokens import api_tokens_revoke_all


def user_sign_out_everywhere(*, request: HttpRequest, user: User) -> int:
    """End every session of ``user`` but the request's own and revoke their tokens; returns tokens revoked."""
    end_other_sessions(request, user)
    return api_tokens_revoke_all(user=user)


def on_password_reset(sender, *, request: HttpRequest, user: User, **kwargs) -> None:
    user_sign_out_everywhere(request=request, user=user)


def on_social_login(sender, *, request: HttpRequest, sociallogin, **kwargs) -> None:
    """A Google sign-in about to take over an account whose email was never verified."""
    if _takes_over_an_account(sociallogin):
        user_sign_out_everywhere(request=request, user=sociallogin.user)


def _takes_over_an_account(sociallogin) -> bool:
    user = sociallogin.user
    connecting = sociallogin.state.get("process") == "connect"  # a parent adding Google from their profile
    if connecting or user is None or user.pk is None or sociallogin.account.pk is not None:
        return False
    same_email = Q(pk__in=[])
    for address in sociallogin.email_addresses:
        if address.verified:
            same_email |= Q(email__iexact=address.email)
    return not EmailAddress.objects.filter(same_email, user=user, verified=True).exists()
