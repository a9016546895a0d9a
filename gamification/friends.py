"""Follow requests and friends.

A request is sent by typing someone's exact display name or email address. Whether or not anybody
matched, the sender sees the same thing: their request, shown as what they typed, waiting for an
answer. Nobody learns an email address, or whether one has an account, by asking. Once the other
person accepts, the two are friends both ways and appear on each other's friends board.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gamification.models import Follow
from gamification.services import GamificationInvalid

MAX_PENDING_SENT = 50
MAX_FRIENDS = 500


def _user_matching(text: str):
    """The one active user whose email or display name is exactly ``text`` (any case), else None."""
    users = get_user_model().objects.filter(is_active=True)
    if "@" in text:
        return users.filter(email__iexact=text).first()
    matches = list(users.filter(display_name__iexact=text)[:2])
    return matches[0] if len(matches) == 1 else None  # a shared name is nobody in particular


@transaction.atomic
def follow_request(*, user, name_or_email: str) -> Follow:
    """Ask to follow whoever has exactly this display name or email (the same answer if nobody does)."""
    text = " ".join(name_or_email.split())
    if not text:
        raise GamificationInvalid(_("Type a display name or an email address."))
    sent = Follow.objects.filter(from_user=user, status=Follow.Status.PENDING)
    again = sent.filter(requested_as__iexact=text).first()
    if again is not None:
        return again
    if sent.count() >= MAX_PENDING_SENT:
        raise GamificationInvalid(
            _("You have %(count)s requests waiting for an answer. Cancel some before sending more.")
            % {"count": MAX_PENDING_SENT}
        )
    target = _user_matching(text)
    if target is None or target.pk == user.pk:
        return Follow.objects.create(from_user=user, to_user=None, requested_as=text)
    theirs = Follow.objects.filter(from_user=target, to_user=user).first()
    if theirs is not None:  # they asked first: asking back is accepting
        return _accept(theirs)
    try:
        with transaction.atomic():
            return Follow.objects.create(from_user=user, to_user=target, requested_as=text)
    except IntegrityError:  # asked before under another spelling
        return Follow.objects.get(from_user=user, to_user=target)


def _accept(follow: Follow) -> Follow:
    if follow.status != Follow.Status.ACCEPTED:
        follow.status, follow.accepted_at = Follow.Status.ACCEPTED, timezone.now()
        follow.save(update_fields=["status", "accepted_at"])
    return follow


def _received(*, user, follow_id: int) -> Follow:
    follow = Follow.objects.filter(id=follow_id, to_user=user, status=Follow.Status.PENDING).first()
    if follow is None:
        raise GamificationInvalid(_("This request is no longer waiting for an answer."), code="not_found")
    return follow


@transaction.atomic
def follow_accept(*, user, follow_id: int) -> Follow:
    return _accept(_received(user=user, follow_id=follow_id))


@transaction.atomic
def follow_decline(*, user, follow_id: int) -> None:
    _received(user=user, follow_id=follow_id).delete()


@transaction.atomic
def follow_remove(*, user, follow_id: int) -> None:
    """Unfollow a friend (either side may), or cancel a request you sent."""
    mine = Q(from_user=user) | Q(to_user=user, status=Follow.Status.ACCEPTED)
    Follow.objects.filter(mine, id=follow_id).delete()


def friend_ids(*, user) -> set[int]:
    pairs = (
        Follow.objects.filter(status=Follow.Status.ACCEPTED)
        .filter(Q(from_user=user) | Q(to_user=user))
        .values_list("from_user_id", "to_user_id")[:MAX_FRIENDS]
    )
    return {other for pair in pairs for other in pair} - {user.pk}
