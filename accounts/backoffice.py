"""What staff do to accounts from the back office: disable one (and end its sessions and keys), enable it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from accounts.consumers import account_sockets_close
from accounts.models import ApiToken, User

logger = logging.getLogger(__name__)

# Engines whose sessions live in the database, so a user's sessions can be found and ended.
DATABASE_SESSION_ENGINES = {
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
}


@dataclass(frozen=True)
class UserDisabled:
    sessions_ended: int
    tokens_revoked: int


@transaction.atomic
def user_disable(*, user: User) -> UserDisabled:
    """Block the account: no sign-in, its open sessions and WebSockets end, its API keys stop working
    for good, and what it published (share links, signed download links) stops answering.

    Sessions are also refused on their next request because the account is inactive; deleting
    them as well means nothing is left to come back to if the account is enabled again. Share
    links are not revoked: they are refused while the owner is inactive (``share_link_open``),
    so enabling the account brings back the ones that were working.
    """
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    sessions = _sessions_end(user_id=user.pk)
    user_id = user.pk
    transaction.on_commit(lambda: account_sockets_close(user_id=user_id))
    logger.info("user.disabled %s (%s sessions, %s tokens)", user.pk, sessions, tokens)
    return UserDisabled(sessions_ended=sessions, tokens_revoked=tokens)


@transaction.atomic
def user_enable(*, user: User) -> bool:
    """Let the account sign in again and its working share links open again; revoked API keys stay
    revoked. False if it was not disabled."""
    enabled = User.objects.filter(pk=user.pk, is_active=False).update(is_active=True)
    user.is_active = True
    return bool(enabled)


def _sessions_end(*, user_id) -> int:
    if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        return 0  # cache or cookie sessions cannot be listed; the inactive account is refused anyway
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now()).only("session_key", "session_data")
    for session in live.iterator(chunk_size=2000):
        if session.get_decoded().get("_auth_user_id") == str(user_id):
            store_class(session_key=session.session_key).delete()
            ended += 1
    return ended
