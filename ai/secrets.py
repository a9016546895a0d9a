"""Secrets we must be able to read back (provider API keys, webhook signing secrets), encrypted at rest.

Each Fernet key is derived from a Django secret key: values are encrypted with ``SECRET_KEY`` and
read with it or any of ``SECRET_KEY_FALLBACKS``, so ``SECRET_KEY`` can be rotated: put the old
key in the fallbacks, run ``manage.py rotate_secrets``, then drop it. A value no key can read
raises ``SecretUnreadable``, never an empty string, and the ``ai.E001`` system check lists every
such stored value (``STORED_SECRETS``).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from enum import StrEnum

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.db import models

from fabrica.errors import ApplicationError

# Every column that holds a value of ``encrypt``: "app_label.Model", field name.
STORED_SECRETS = [
    ("ai.ProviderSetting", "api_key_encrypted"),
    ("webhooks.Webhook", "secret_encrypted"),
]


class SecretUnreadable(ApplicationError):
    """A stored secret that none of SECRET_KEY and SECRET_KEY_FALLBACKS can decrypt."""

    code = "secret_unreadable"
    status_code = 500


class KeyState(StrEnum):
    CURRENT = "current"  # encrypted with SECRET_KEY
    FALLBACK = "fallback"  # readable only with one of SECRET_KEY_FALLBACKS: to re-encrypt
    UNREADABLE = "unreadable"


def _fernet_for(secret_key: str) -> Fernet:
    digest = hashlib.sha256(f"fabrica.ai.secrets:{secret_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _fernet() -> MultiFernet:
    """Encrypts with the first key (SECRET_KEY), decrypts with any."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(key) for key in keys])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The stored value; ``SecretUnreadable`` when no key reads it (SECRET_KEY changed without a fallback)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "A stored secret cannot be decrypted with SECRET_KEY or SECRET_KEY_FALLBACKS."
        ) from None


def key_state(token: str) -> KeyState:
    try:
        _fernet_for(settings.SECRET_KEY).decrypt(token.encode())
        return KeyState.CURRENT
    except InvalidToken:
        pass
    try:
        decrypt(token)
    except SecretUnreadable:
        return KeyState.UNREADABLE
    return KeyState.FALLBACK


def reencrypt(token: str) -> str:
    """The same value encrypted with SECRET_KEY (its original timestamp is kept)."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable("A stored secret cannot be decrypted, so it cannot be re-encrypted.") from None


@dataclass(frozen=True)
class SecretColumn:
    model: type[models.Model]
    field: str

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field}"

    def stored(self) -> models.QuerySet:
        """``(pk, token)`` of every row that holds a secret (an empty column holds none)."""
        return self.model._default_manager.exclude(**{self.field: ""}).values_list("pk", self.field)


def secret_columns() -> list[SecretColumn]:
    """The columns of ``STORED_SECRETS`` whose app is installed."""
    columns = []
    for label, field in STORED_SECRETS:
        app_label, model_name = label.split(".")
        if app_label in apps.app_configs:
            columns.append(SecretColumn(apps.get_model(app_label, model_name), field))
    return columns


@dataclass
class RotationCount:
    label: str
    current: int = 0
    reencrypted: int = 0
    unreadable: int = 0
    forgotten: int = 0


def secrets_rotate(*, dry_run: bool = False, forget_unreadable: bool = False) -> list[RotationCount]:
    """Re-encrypt every stored secret under SECRET_KEY, one count per column.

    Each row is rewritten only if it still holds the value that was read, so a key saved
    meanwhile is not overwritten. ``forget_unreadable`` empties values no key can read: the
    only way out once the old key is lost (provider keys are entered again in the admin; a
    webhook with no secret refuses to send until its owner adds it again).
    """
    counts = []
    for column in secret_columns():
        count = RotationCount(column.label)
        for pk, token in column.stored().iterator():
            state = key_state(token)
            if state == KeyState.CURRENT:
                count.current += 1
            elif state == KeyState.FALLBACK:
                if dry_run or _replace(column, pk, token, reencrypt(token)):
                    count.reencrypted += 1
            elif forget_unreadable:
                if dry_run or _replace(column, pk, token, ""):
                    count.forgotten += 1
            else:
                count.unreadable += 1
        counts.append(count)
    return counts


def _replace(column: SecretColumn, pk, old: str, new: str) -> int:
    return column.model._default_manager.filter(pk=pk, **{column.field: old}).update(**{column.field: new})
