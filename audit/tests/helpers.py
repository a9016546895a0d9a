from __future__ import annotations

from audit.models import AuditEntry

IP = "203.0.113.7"
AGENT = "AuditTest/1.0 (X11)"
FROM = {"REMOTE_ADDR": IP, "HTTP_USER_AGENT": AGENT}


def the_entry(action: str) -> AuditEntry:
    """The one row written for ``action`` (fails if there is none, or more than one)."""
    return AuditEntry.objects.get(action=action)


def assert_entry(action: str, *, actor, target=None, ip: str | None = IP, agent: str = AGENT) -> AuditEntry:
    entry = the_entry(action)
    assert entry.actor == actor
    assert entry.actor_label == (actor.email if actor else entry.actor_label)
    if target is not None:
        assert (entry.target_type, entry.target_id) == (target._meta.label_lower, str(target.pk))
    assert entry.ip == ip
    assert entry.user_agent == agent
    return entry
