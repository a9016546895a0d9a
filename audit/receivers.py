"""Sign-ins, failed sign-ins and sign-outs, from Django's auth signals (allauth's login, the
admin's and any other all end in ``django.contrib.auth.login``), and second factors added or
removed, from allauth.mfa's. Connected in ``AuditConfig.ready``."""

from __future__ import annotations

from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import Action
from audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit.login")
def login_recorded(sender, request, user, **kwargs) -> None:
    audit_record(Action.LOGIN, request=request, actor=user, target=user)


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def login_failure_recorded(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in ``credentials``; only the name tried is kept.
    attempted = str(credentials.get("email") or credentials.get("username") or credentials.get("login") or "")
    account = get_user_model().objects.filter(email__iexact=attempted).first() if attempted else None
    audit_record(
        Action.LOGIN_FAILED,
        request=request,
        actor_label=attempted,
        target=account,
        details={"email": attempted[:254]},
    )


@receiver(user_logged_out, dispatch_uid="audit.logout")
def logout_recorded(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(Action.LOGOUT, request=request, actor=user, target=user)


@receiver(authenticator_added, dispatch_uid="audit.mfa_added")
def authenticator_added_recorded(sender, request, user, authenticator, **kwargs) -> None:
    audit_record(
        Action.MFA_ADDED, request=request, actor=user, target=user, details={"type": authenticator.type}
    )


@receiver(authenticator_removed, dispatch_uid="audit.mfa_removed")
def authenticator_removed_recorded(sender, request, user, authenticator, **kwargs) -> None:
    audit_record(
        Action.MFA_REMOVED, request=request, actor=user, target=user, details={"type": authenticator.type}
    )
