"""The XP ledger and the player row it feeds: insert once per key, then bump the totals under a row lock.

Every award is ``INSERT`` into the ledger inside a savepoint; the unique (user, key) constraint turns
a second payment of the same event (a task run twice, two workers at once) into an IntegrityError,
and only an inserted row changes the player's totals. The work per award is a handful of indexed
single-row statements, whatever the size of the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction

from gamification.models import Badge, Mission, Player, XPEvent
from gamification.rules import board_week, level_for_xp


@dataclass
class News:
    """What an award changed that deserves a toast."""

    level_before: int
    level_after: int = 0
    badges: list[Badge] = field(default_factory=list)
    missions: list[Mission] = field(default_factory=list)

    @property
    def levelled_up(self) -> bool:
        return self.level_after > self.level_before

    def __bool__(self) -> bool:
        return self.levelled_up or bool(self.badges or self.missions)


def ledger_insert(*, user_id: int, action: str, key: str, amount: int, now: datetime) -> bool:
    """True when this call wrote the row; False when the event was paid before."""
    try:
        with transaction.atomic():
            XPEvent.objects.create(user_id=user_id, action=action, key=key, amount=amount, created_at=now)
    except IntegrityError:
        return False  # paid already: a task ran twice, or a concurrent award got there first
    return True


def player_locked(user_id: int) -> Player:
    """The player row, locked until the transaction ends, so one user's awards apply one at a time."""
    player = Player.objects.select_for_update().filter(pk=user_id).first()
    if player is None:
        Player.objects.get_or_create(user_id=user_id)  # safe when another award creates it meanwhile
        player = Player.objects.select_for_update().get(pk=user_id)
    return player


def xp_add(player: Player, amount: int, now: datetime) -> None:
    player.xp += amount
    player.level = level_for_xp(player.xp)
    week = board_week(now)
    if player.week != week:
        player.week, player.weekly_xp = week, 0
    player.weekly_xp += amount


def xp_pay(player: Player, *, action: str, key: str, amount: int, now: datetime) -> bool:
    """Pay a locked player once for ``key`` (streak days, missions, badges)."""
    if not ledger_insert(user_id=player.pk, action=action, key=key, amount=amount, now=now):
        return False
    xp_add(player, amount, now)
    return True
