"""How other apps tell gamification what happened, and what it does about it.

Other apps call the ``on_*`` functions from their own services at the moment an action completes
(``books.generation`` when a book is ready, ``exports.services`` when a file is downloaded, and so on):
explicit calls, no signals. Each call is one activity with an idempotency key, so a task that runs
twice, or two workers reporting the same event at once, pays once. An activity pays its XP, counts
towards the player's totals, streak, missions and badges, and pushes toasts after commit.

The hooks never raise: gamification runs in a savepoint, and a failure there is logged and rolled
back without touching the caller's work (a book is ready even if its XP could not be written).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import available_timezones

from django.db import transaction
from django.db.models import Case, F, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Floor, Sqrt
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.services import Event, analytics_record
from books.models import Book, GenerationJob, Page
from fabrica.errors import ApplicationError
from gamification import live
from gamification.badges import badges_check
from gamification.ledger import News, ledger_insert, player_locked, xp_add, xp_pay
from gamification.missions import missions_advance
from gamification.models import Action, MissionTemplate, Player, XPEvent
from gamification.rules import XP, board_week, local_day, streak_xp

logger = logging.getLogger(__name__)

Goal = MissionTemplate.Goal
# Exports that are PDFs (the ZIP of pictures is not).
PDF_FORMATS = {"print", "digital", "kdp", "kdp-cover"}


class GamificationInvalid(ApplicationError):
    code = "invalid"


@dataclass
class Activity:
    """Something a user did that pays XP once per ``key``."""

    action: str
    key: str
    counters: dict[str, int] = field(default_factory=dict)  # Player totals to add to
    goals: dict[str, int] = field(default_factory=dict)  # mission goal → units
    style_id: int | None = None
    style_slug: str = ""
    language: str = ""
    book_pages: int = 0


# --- Hooks for the other apps -----------------------------------------------------------------


def on_book_generated(*, book_id) -> None:
    """A book just became ready (called inside the transaction that marks it generated)."""
    book = Book.objects.select_related("owner", "style").filter(id=book_id).first()
    if book is None or book.status != Book.Status.GENERATED:
        return
    analytics_record(Event.BOOK_GENERATED, user=book.owner, properties={"pages": book.num_pages})
    activity = Activity(
        action=Action.BOOK_GENERATED,
        key=f"book:{book.id}:generated",
        counters={"books_generated": 1, "pages_generated": book.num_pages},
        goals={Goal.BOOKS: 1, Goal.PAGES: book.num_pages},
        style_id=book.style_id,
        style_slug=book.style.slug,
        language=book.language,
        book_pages=book.num_pages,
    )
    _safely(user=book.owner, activity=activity)


def on_page_regenerated(*, user, page: Page) -> None:
    """A page was drawn again successfully; pays once per regeneration request."""
    analytics_record(Event.PAGE_REGENERATED, user=user)
    job_id = (
        GenerationJob.objects.filter(page_id=page.pk, kind=GenerationJob.Kind.PAGE)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    activity = Activity(
        action=Action.PAGE_REGENERATED,
        key=f"page:{page.pk}:redraw:{job_id or page.sha256[:16]}",
        counters={"pages_regenerated": 1},
        goals={Goal.REDRAWS: 1},
    )
    _safely(user=user, activity=activity)


def on_pdf_downloaded(*, user, export) -> None:
    """A book's PDF was downloaded; each format of each book pays once."""
    if export.format not in PDF_FORMATS:
        return
    analytics_record(Event.PDF_DOWNLOADED, user=user, properties={"format": export.format})
    activity = Activity(
        action=Action.PDF_DOWNLOADED,
        key=f"pdf:{export.book_id}:{export.format}",
        counters={"pdfs_downloaded": 1},
        goals={Goal.PDFS: 1},
    )
    _safely(user=user, activity=activity)


def on_book_shared(*, user, book: Book) -> None:
    """A share link was made; each book pays once, however many links it gets."""
    analytics_record(Event.SHARE_CREATED, user=user)
    activity = Activity(
        action=Action.BOOK_SHARED,
        key=f"share:{book.pk}",
        counters={"books_shared": 1},
        goals={Goal.SHARES: 1},
    )
    _safely(user=user, activity=activity)


def _safely(*, user, activity: Activity) -> None:
    try:
        with transaction.atomic():
            activity_record(user=user, activity=activity)
    except Exception:  # never let XP break a book, a download or a share
        logger.exception("gamification: could not record %s for user %s", activity.key, user.pk)


# --- Awards ---------------------------------------------------------------------------------------


@transaction.atomic
def activity_record(*, user, activity: Activity, now: datetime | None = None) -> bool:
    """Pay an activity once; False when its key was paid before."""
    now = now or timezone.now()
    amount = XP[activity.action]
    if not ledger_insert(user_id=user.pk, action=activity.action, key=activity.key, amount=amount, now=now):
        return False
    player = player_locked(user.pk)
    news = News(level_before=player.level)
    xp_add(player, amount, now)
    _totals_add(player, activity)
    _streak_touch(player, now)
    missions_advance(player=player, goals=activity.goals, style_id=activity.style_id, news=news, now=now)
    badges_check(player=player, news=news, now=now)
    player.save()
    news.level_after = player.level
    live.celebrate_on_commit(user=user, news=news)
    return True


@transaction.atomic
def xp_award(*, user, action: str, key: str, amount: int, now: datetime | None = None) -> bool:
    """Pay ``amount`` XP once for ``key`` with no other effect (a staff bonus, a repair)."""
    now = now or timezone.now()
    if not ledger_insert(user_id=user.pk, action=action, key=key, amount=amount, now=now):
        return False
    player = player_locked(user.pk)
    news = News(level_before=player.level)
    xp_add(player, amount, now)
    player.save()
    news.level_after = player.level
    live.celebrate_on_commit(user=user, news=news)
    return True


def _totals_add(player: Player, activity: Activity) -> None:
    for name, count in activity.counters.items():
        setattr(player, name, getattr(player, name) + count)
    if activity.style_slug and activity.style_slug not in player.styles_used:
        player.styles_used = [*player.styles_used, activity.style_slug]
    if activity.language and activity.language not in player.languages_used:
        player.languages_used = [*player.languages_used, activity.language]
    player.biggest_book = max(player.biggest_book, activity.book_pages)


def _streak_touch(player: Player, now: datetime) -> None:
    """The first activity of the user's day extends (or restarts) the streak and pays for it."""
    today = local_day(player.time_zone, now)
    if player.last_active_day == today:
        return
    yesterday = today - timedelta(days=1)
    player.streak_days = player.streak_days + 1 if player.last_active_day == yesterday else 1
    player.best_streak = max(player.best_streak, player.streak_days)
    player.last_active_day = today
    xp_pay(
        player,
        action=Action.DAILY_STREAK,
        key=f"streak:{today.isoformat()}",
        amount=streak_xp(player.streak_days),
        now=now,
    )


# --- Preferences ----------------------------------------------------------------------------------


@transaction.atomic
def player_settings_update(*, user, time_zone: str, on_leaderboards: bool) -> Player:
    if time_zone not in available_timezones():
        raise GamificationInvalid(_("Choose a time zone from the list."), details={"time_zone": time_zone})
    player = player_locked(user.pk)
    player.time_zone, player.on_leaderboards = time_zone, on_leaderboards
    player.save(update_fields=["time_zone", "on_leaderboards", "updated_at"])
    return player


# --- Repairs ----------------------------------------------------------------------------------------

# rules.level_for_xp in SQL: the largest L with L·(L−1) ≤ xp // 50.
LEVEL_SQL = Cast(Floor((1 + Floor(Sqrt(1 + 4 * (F("xp") / 50)))) / 2), IntegerField())


def players_recompute(*, batch: int = 2000, now: datetime | None = None) -> int:
    """Rebuild XP, level and this week's XP of every player with ledger rows; returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    week_start = timezone.make_aware(datetime.combine(today - timedelta(days=today.weekday()), time.min))
    user_ids = list(XPEvent.objects.order_by("user_id").values_list("user_id", flat=True).distinct())
    for start in range(0, len(user_ids), batch):
        _players_rewrite(user_ids[start : start + batch], week=board_week(now), week_start=week_start)
    return len(user_ids)


@transaction.atomic
def _players_rewrite(user_ids: list[int], *, week: int, week_start: datetime) -> None:
    Player.objects.bulk_create([Player(user_id=user_id) for user_id in user_ids], ignore_conflicts=True)
    players = Player.objects.filter(pk__in=user_ids)
    # Lock first, then sum: an award in flight either committed before (and is summed) or waits
    # for the lock and adds itself to the new total.
    list(players.select_for_update().values_list("pk", flat=True))
    ledger = XPEvent.objects.filter(user_id=OuterRef("pk")).order_by().values("user_id")
    players.update(
        xp=Coalesce(Subquery(ledger.annotate(total=Sum("amount")).values("total")), 0),
        weekly_xp=Coalesce(
            Subquery(ledger.filter(created_at__gte=week_start).annotate(total=Sum("amount")).values("total")),
            0,
        ),
    )
    players.update(level=LEVEL_SQL, week=Case(When(weekly_xp__gt=0, then=Value(week)), default=Value(0)))
