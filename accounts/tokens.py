"""Personal API tokens: made, shown once, looked up by their hash, revoked."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import ApiToken, User

KEY_PREFIX = "fab_"
# last_used_at is written at most this often per token, so a busy client does not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Return the new token and its key; the key is not stored, so this is the only time it is known."""
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw_key[:8], key_hash=_key_hash(raw_key))
    return token, raw_key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(id=token.id, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every active token of ``user``; returns how many there were."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_lookup(raw_key: str) -> ApiToken | None:
    """The active token of an active user with this key, or None; marks it used."""
    if not raw_key.startswith(KEY_PREFIX):
        return None
    digest = _key_hash(raw_key)
    token = (
        ApiToken.objects.active()
        .select_related("user", "user__tier")  # the tier: every quota answer reads it
        .filter(key_hash=digest, user__is_active=True)
        .first()
    )
    # The lookup is by hash, so its timing says nothing about the key; compare anyway, in constant time.
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        return None
    _mark_used(token)
    return token


def token_authenticate(raw_key: str) -> User | None:
    token = api_token_lookup(raw_key)
    return token.user if token else None


def _mark_used(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at and token.last_used_at >= now - LAST_USED_RESOLUTION:
        return  # written less than a minute ago: no UPDATE on every call of a busy client
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    if ApiToken.objects.filter(stale, id=token.id).update(last_used_at=now):
        token.last_used_at = now
