"""Erasing a person from the audit log (LGPD art. 18 / GDPR art. 17) while keeping what happened.

When an account is deleted, every row about the person keeps its action and date, but their
email, name, ids, the titles and ids of their things, and the IP address and browser they used
become one random label. The label is the same across that person's rows, so the history still
reads ("someone signed in, made a book, shared it, deleted the account"), and it is drawn at
random, so nothing (not the old user id, not another table) leads back to them.

Rows where someone else acted on the person (staff disabling the account) keep that someone's
name, IP and browser: those are the staff member's data, not the deleted person's.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from audit.models import AuditEntry

# Titles and names shorter than this are not searched inside free text: "Oi" would blank every
# "oi" in a row. Rows that point at the object lose their label whole, whatever its length.
MIN_TEXT_LENGTH = 3
# Only ids this long are looked for inside the details JSON: a short id such as "7" matches
# counts and other numbers. Short ids are found through the target columns and bulk-action lists.
MIN_SEARCHED_ID_LENGTH = 16
USER_TYPE = "accounts.user"


@dataclass(frozen=True)
class Person:
    """What names a person in the log: their user id and emails, the (type, id) of their things,
    and texts (their name, their books' titles) that may appear inside other fields."""

    user_id: Any
    emails: list[str]
    targets: dict[str, list[str]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)

    def refs(self) -> set[tuple[str, str]]:
        pairs = {(USER_TYPE, str(self.user_id))}
        return pairs | {(kind, str(pk)) for kind, ids in self.targets.items() for pk in ids}


def deleted_person_label() -> str:
    """A fresh, random name for one deleted person; it cannot be computed from anything they left."""
    return "deleted-user-" + secrets.token_hex(6)


@transaction.atomic
def audit_person_erase(*, person: Person, label: str) -> int:
    """Rewrite every row about ``person`` so it names only ``label``; returns how many rows changed."""
    rows = list(AuditEntry.objects.select_for_update().filter(_rows_about(person)))
    scrubber = _Scrubber(person, label)
    for row in rows:
        scrubber.scrub(row)
    AuditEntry.objects.bulk_update(
        rows, ["actor", "actor_label", "target_id", "target_label", "ip", "user_agent", "details"]
    )
    _admin_log_erase(person=person, label=label)
    return len(rows)


def _admin_log_erase(*, person: Person, label: str) -> None:
    """Django's own admin log (which ``audit.staff`` copies) names each object it changed by its
    id and its text: an account by its email, a book by its title."""
    by_kind: dict[str, list[str]] = {}
    for kind, pk in person.refs():
        by_kind.setdefault(kind, []).append(pk)
    for kind, ids in by_kind.items():
        app_label, model = kind.split(".", 1)
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        if content_type is not None:
            LogEntry.objects.filter(content_type=content_type, object_id__in=ids).update(
                object_id=None, object_repr=label[:200]
            )


def _rows_about(person: Person) -> Q:
    about = Q(actor_id=person.user_id)
    for email in person.emails:
        about |= Q(actor_label__iexact=email) | Q(details_text__icontains=email)
    for kind, pk in person.refs():
        about |= Q(target_type=kind, target_id=pk)
    long_ids = [pk for _kind, pk in person.refs() if len(pk) >= MIN_SEARCHED_ID_LENGTH]
    for pk in long_ids:
        about |= Q(details_text__icontains=pk)
    # A bulk action on users lists their ids: ``{"model": "user", "ids": ["7", "9"]}``.
    about |= Q(details__model="user", details_text__contains=f'"{person.user_id}"')
    return Q(id__in=AuditEntry.objects.alias(details_text=Cast("details", TextField())).filter(about))


class _Scrubber:
    def __init__(self, person: Person, label: str):
        self.person = person
        self.label = label
        self.refs = person.refs()
        self.long_ids = {pk for _kind, pk in self.refs if len(pk) >= MIN_SEARCHED_ID_LENGTH}
        self.emails = {email.lower() for email in person.emails}
        texts = [*person.emails, *(t for t in person.texts if len(t.strip()) >= MIN_TEXT_LENGTH)]
        texts += self.long_ids
        ordered = sorted({t.strip() for t in texts if t.strip()}, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE) if ordered else None

    def scrub(self, row: AuditEntry) -> None:
        if row.actor_id == self.person.user_id or row.actor_label.lower() in self.emails:
            # The person did this: who, from where and with what browser all name them.
            row.actor, row.actor_label, row.ip, row.user_agent = None, self.label, None, ""
        if (row.target_type, row.target_id) in self.refs:
            row.target_id, row.target_label = "", self.label
        row.actor_label = self._text(row.actor_label)
        row.target_label = self._text(row.target_label)
        row.details = self._value(self._bulk_ids(row.details))

    def _text(self, value: str) -> str:
        return self.pattern.sub(self.label, value) if self.pattern else value

    def _value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: self._value(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._value(item) for item in value]
        if isinstance(value, str):
            return self.label if value in self.long_ids else self._text(value)
        return value

    def _bulk_ids(self, details: Any) -> Any:
        """A bulk action's ``ids`` are short ids of ``model``; only the person's are replaced."""
        if not isinstance(details, dict) or not isinstance(details.get("ids"), list):
            return details
        model = str(details.get("model", ""))
        theirs = {pk for kind, pk in self.refs if kind.rsplit(".", 1)[-1] == model}
        return {**details, "ids": [self.label if str(pk) in theirs else pk for pk in details["ids"]]}
