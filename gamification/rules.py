"""What pays how much, the level curve, and whose day and week an award falls in.

Level curve: reaching level L takes 50 · L · (L − 1) XP in total, so each level costs 100 XP more
than the one before (level 2 at 100 XP, 3 at 300, 4 at 600, 5 at 1,000, 10 at 4,500, 20 at 19,000).
A made book pays 50 XP, so a new family reaches level 2 with its second book.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from math import isqrt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gamification.models import Action

XP = {
    Action.BOOK_GENERATED: 50,
    Action.PAGE_REGENERATED: 5,
    Action.PDF_DOWNLOADED: 10,
    Action.BOOK_SHARED: 20,
}
# A day with something made pays STREAK_XP_PER_DAY for each day of the streak, up to a week's worth.
STREAK_XP_PER_DAY = 5
STREAK_XP_MAX_DAYS = 7

LEVEL_NAMES = [
    _("Scribbler"),
    _("Doodler"),
    _("Sketcher"),
    _("Colorist"),
    _("Illustrator"),
    _("Storyteller"),
    _("Bookmaker"),
    _("Master of the Factory"),
]


def xp_for_level(level: int) -> int:
    """Total XP at which ``level`` starts."""
    return 50 * level * (level - 1)


def level_for_xp(xp: int) -> int:
    # The largest L with L·(L−1) ≤ xp // 50, in integers (no float rounding at the boundaries).
    return (1 + isqrt(1 + 4 * (max(xp, 0) // 50))) // 2


def level_name(level: int) -> str:
    return str(LEVEL_NAMES[min(level, len(LEVEL_NAMES)) - 1])


def level_progress(xp: int) -> dict:
    """Where ``xp`` stands between its level and the next, for progress bars."""
    level = level_for_xp(xp)
    start, end = xp_for_level(level), xp_for_level(level + 1)
    return {
        "level": level,
        "level_name": level_name(level),
        "xp": xp,
        "level_xp": start,
        "next_level_xp": end,
        "xp_to_next": end - xp,
        "progress": (xp - start) * 100 // (end - start),
    }


def streak_xp(streak_days: int) -> int:
    return STREAK_XP_PER_DAY * min(streak_days, STREAK_XP_MAX_DAYS)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def local_day(time_zone: str, now: datetime | None = None) -> date:
    """The user's calendar day: missions and streaks turn over at their midnight, not the server's."""
    return timezone.localtime(now or timezone.now(), zone(time_zone)).date()


def day_key(day: date) -> str:
    return day.isoformat()


def week_key(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def board_week(now: datetime | None = None) -> int:
    """The weekly boards' week (year · 100 + ISO week) in the site's time zone, the same for everyone."""
    year, week, _weekday = timezone.localtime(now or timezone.now()).date().isocalendar()
    return year * 100 + week


def next_midnight(time_zone: str, now: datetime | None = None) -> datetime:
    tz = zone(time_zone)
    tomorrow = local_day(time_zone, now) + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=tz)


def next_week_start(time_zone: str, now: datetime | None = None) -> datetime:
    today = local_day(time_zone, now)
    monday = today + timedelta(days=7 - today.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=zone(time_zone))
