"""System checks of the AI app: stored secrets that the current keys can no longer read."""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from ai.secrets import KeyState, key_state, secret_columns

MAX_LISTED = 20


# Tagged "database": it reads rows, so it runs with ``migrate`` (every deploy) and
# ``manage.py check --database default``, not on every management command.
@register(Tags.database)
def unreadable_secrets_check(app_configs=None, databases=None, **kwargs) -> list[Error]:
    if not databases:
        return []
    try:
        unreadable = [
            f"{column.label} (id {pk})"
            for column in secret_columns()
            for pk, token in column.stored()
            if key_state(token) == KeyState.UNREADABLE
        ]
    except DatabaseError:
        return []  # no tables yet (before the first migrate): nothing stored to read
    if not unreadable:
        return []
    listed = ", ".join(unreadable[:MAX_LISTED]) + (" …" if len(unreadable) > MAX_LISTED else "")
    return [
        Error(
            f"{len(unreadable)} stored secret(s) cannot be decrypted with SECRET_KEY or "
            f"SECRET_KEY_FALLBACKS: {listed}.",
            hint=(
                "SECRET_KEY changed: put the previous key in SECRET_KEY_FALLBACKS and run "
                "`manage.py rotate_secrets`. If that key is lost, `manage.py rotate_secrets "
                "--forget-unreadable` clears them (re-enter provider keys in the admin; owners "
                "re-create those webhooks)."
            ),
            id="ai.E001",
        )
    ]
