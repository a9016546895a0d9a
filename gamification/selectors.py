"""Reads for the dashboard, the leaderboards and the home page's level card.

Leaderboards read ``Player`` (one row per user, kept up to date by every award), never the ledger:
the top 50 is an index scan of ``player_board_xp`` / ``player_board_weekly_xp`` and the viewer's rank is
1 + the number of visible players with a strictly higher score (counted on the same index).
Ties share a rank ("1, 2, 2, 4"), and tied players are listed in the order they joined.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from gamification.badges import badges_progress
from gamification.friends import friend_ids
from gamification.missions import missions_status
from gamification.models import Player, XPEvent
from gamification.rules import board_week, level_progress, local_day

TOP = 50
BOARDS = ("global", "friends")
PERIODS = ("week", "all")


def public_name(user) -> str:
    """What other users see: the display name, or a neutral label. Never the email."""
    return (user.display_name or "").strip() or _("Colorist #%(number)s") % {"number": user.pk}


def player_or_blank(*, user) -> Player:
    """The user's player row, or an unsaved empty one (a read never writes)."""
    return Player.objects.filter(pk=user.pk).first() or Player(user=user)


def home_summary(*, user) -> dict:
    """The home page's ``gamification`` context: level, XP and progress to the next level."""
    player = player_or_blank(user=user)
    return level_progress(player.xp)


def streak_now(player: Player, now: datetime | None = None) -> int:
    """The streak as it stands today: it is only broken once a whole day passed without activity."""
    if player.last_active_day is None:
        return 0
    days_since = (local_day(player.time_zone, now) - player.last_active_day).days
    return player.streak_days if days_since <= 1 else 0


def dashboard(*, user, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    player = player_or_blank(user=user)
    badges = badges_progress(player=player)
    return {
        "player": player,
        "level": level_progress(player.xp),
        "streak": streak_now(player, now),
        "earned_badges": [item for item in badges if item.earned_at],
        "locked_badges": sorted(
            (item for item in badges if not item.earned_at), key=lambda item: -item.percent
        ),
        "missions": missions_status(player=player, now=now),
        "recent_xp": XPEvent.objects.filter(user=user).order_by("-created_at")[:8],
    }


@dataclass
class Row:
    rank: int
    user_id: int
    name: str
    score: int
    level: int
    is_me: bool


def _ranked(entries: list[tuple[object, int, int]], me_id: int) -> list[Row]:
    """Competition ranking of (user, score, level) in board order: equal scores share a rank."""
    rows, previous, rank = [], None, 0
    for position, (user, score, level) in enumerate(entries, start=1):
        if score != previous:
            rank, previous = position, score
        rows.append(Row(rank, user.pk, public_name(user), score, level, user.pk == me_id))
    return rows


def leaderboard(*, user, board: str = "global", period: str = "all", now: datetime | None = None) -> dict:
    board = board if board in BOARDS else "global"
    period = period if period in PERIODS else "all"
    week = board_week(now)
    me = player_or_blank(user=user)
    my_score = _score(me, period, week)
    if board == "friends":
        rows, my_rank = _friends_board(user=user, period=period, week=week)
    else:
        rows, my_rank = _global_board(me=me, my_score=my_score, period=period, week=week)
    return {
        "board": board,
        "period": period,
        "rows": rows,
        "my_rank": my_rank,
        "my_score": my_score,
        "me_listed": any(row.is_me for row in rows),
        "hidden": board == "global" and not me.on_leaderboards,
    }


def _global_board(*, me: Player, my_score: int, period: str, week: int) -> tuple[list[Row], int | None]:
    visible = Player.objects.filter(on_leaderboards=True)
    if period == "week":
        visible, field = visible.filter(week=week), "weekly_xp"
    else:
        field = "xp"
    top = (
        visible.select_related("user")
        .only("user__display_name", "level", field)
        .order_by(f"-{field}", "user")
    )
    entries = [(player.user, getattr(player, field), player.level) for player in top[:TOP]]
    rows = _ranked(entries, me.pk)
    mine = next((row.rank for row in rows if row.is_me), None)
    if mine is None and me.on_leaderboards and my_score > 0:
        mine = visible.filter(**{f"{field}__gt": my_score}).count() + 1
    return rows, mine


def _friends_board(*, user, period: str, week: int) -> tuple[list[Row], int | None]:
    ids = friend_ids(user=user) | {user.pk}
    users = list(get_user_model().objects.filter(id__in=ids).select_related("player"))

    players = [(member, getattr(member, "player", None) or Player(user=member)) for member in users]
    entries = sorted(
        ((member, _score(player, period, week), player.level) for member, player in players),
        key=lambda entry: (-entry[1], entry[0].pk),
    )
    rows = _ranked(entries, user.pk)
    return rows, next(row.rank for row in rows if row.is_me)


def _score(player: Player, period: str, week: int) -> int:
    if period == "all":
        return player.xp
    return player.weekly_xp if player.week == week else 0
