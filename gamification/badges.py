"""Badge rules: each badge compares one of the player's totals with its threshold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q

from books.models import Style
from books.services import LANGUAGES
from gamification.ledger import News, xp_pay
from gamification.models import Action, Badge, Player, UserBadge

# The player total each counting rule reads.
RULE_FIELDS = {
    Badge.Rule.BOOKS: "books_generated",
    Badge.Rule.PAGES: "pages_generated",
    Badge.Rule.SHARES: "books_shared",
    Badge.Rule.PDFS: "pdfs_downloaded",
    Badge.Rule.STREAK: "best_streak",
    Badge.Rule.MISSIONS: "missions_completed",
    Badge.Rule.BOOK_PAGES: "biggest_book",
    Badge.Rule.REDRAWS: "pages_regenerated",
}


@dataclass(frozen=True)
class BadgeProgress:
    badge: Badge
    value: int
    target: int
    earned_at: datetime | None = None

    @property
    def percent(self) -> int:
        return 100 if self.earned_at else min(100, self.value * 100 // max(self.target, 1))


class _Rules:
    """Reads a player's value and target for any rule; the active styles are looked up once, if needed."""

    def __init__(self, player: Player):
        self.player = player
        self._styles: set[str] | None = None

    def active_styles(self) -> set[str]:
        if self._styles is None:
            self._styles = set(Style.objects.filter(is_active=True).values_list("slug", flat=True))
        return self._styles

    def measure(self, badge: Badge) -> tuple[int, int]:
        """(value, target) of ``badge`` for this player."""
        player = self.player
        if badge.rule == Badge.Rule.STYLES:
            if badge.threshold:
                return len(player.styles_used), badge.threshold
            styles = self.active_styles()
            return len(styles.intersection(player.styles_used)), len(styles)
        if badge.rule == Badge.Rule.LANGUAGES:
            target = badge.threshold or len(LANGUAGES)
            return len(player.languages_used), target
        return getattr(player, RULE_FIELDS[badge.rule]), badge.threshold


def badges_check(*, player: Player, news: News, now: datetime) -> None:
    """Award every active badge the locked player now qualifies for, each once."""
    rules = _Rules(player)
    for badge in Badge.objects.filter(is_active=True).exclude(earned__user_id=player.pk):
        value, target = rules.measure(badge)
        if target and value >= target and _badge_grant(player=player, badge=badge, now=now):
            news.badges.append(badge)


def _badge_grant(*, player: Player, badge: Badge, now: datetime) -> bool:
    try:
        with transaction.atomic():
            UserBadge.objects.create(user_id=player.pk, badge=badge, earned_at=now)
    except IntegrityError:
        return False  # the unique constraint: already earned
    xp_pay(player, action=Action.BADGE_EARNED, key=f"badge:{badge.pk}", amount=badge.xp_reward, now=now)
    return True


def badges_progress(*, player: Player) -> list[BadgeProgress]:
    """Every active badge, earned or not, with how far the player is towards it."""
    earned = dict(UserBadge.objects.filter(user_id=player.pk).values_list("badge_id", "earned_at"))
    rules = _Rules(player)
    progress = []
    for badge in Badge.objects.filter(Q(is_active=True) | Q(id__in=earned)):  # earned ones stay shown
        value, target = rules.measure(badge)
        progress.append(
            BadgeProgress(
                badge=badge, value=min(value, target), target=target, earned_at=earned.get(badge.pk)
            )
        )
    return progress
