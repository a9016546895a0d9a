"""One function to write the audit log: ``audit_record(action, request=..., target=...)``."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from audit.models import Action, AuditEntry

# Call sites: ``audit_record(AuditAction.BOOK_DELETED, request=request, target=book)``.
AuditAction = Action


def client_ip(request: HttpRequest | None) -> str | None:
    """The peer address Django saw (a proxy in front must set REMOTE_ADDR, not just X-Forwarded-For)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
    actor_label: str | None = None,
    target: models.Model | None = None,
    target_label: str | None = None,
    target_type: str = "",
    target_id: str = "",
    details: dict | None = None,
) -> AuditEntry:
    """Add one row. ``actor`` defaults to the request's signed-in user; ``target`` is any model instance
    (or, for an object that is gone, ``target_type``/``target_id``/``target_label``). ``action`` is one of
    ``audit.models.Action``."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    if actor_label is None:
        actor_label = getattr(actor, "email", "") if actor is not None else ""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        if target_label is None:
            target_label = str(target)[:200]
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=actor_label[:254],
        action=action,
        target_type=target_type[:60],
        target_id=target_id[:64],
        target_label=(target_label or "")[:200],
        ip=client_ip(request),
        user_agent=user_agent,
        details=details or {},
    )
