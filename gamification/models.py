"""XP ledger, per-player aggregates, badges, missions and follow requests.

The ledger (``XPEvent``) is the record of every award; ``Player`` holds the totals derived from it,
updated in the same transaction as each ledger insert, so pages read one row (or one index) instead
of summing the ledger.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    BOOK_GENERATED = "book_generated", _("Book made")
    PAGE_REGENERATED = "page_regenerated", _("Page drawn again")
    PDF_DOWNLOADED = "pdf_downloaded", _("PDF downloaded")
    BOOK_SHARED = "book_shared", _("Book shared")
    MISSION_COMPLETED = "mission_completed", _("Mission completed")
    DAILY_STREAK = "daily_streak", _("Day in a row")
    BADGE_EARNED = "badge_earned", _("Badge earned")


class XPEvent(models.Model):
    """One award. ``key`` names the event that paid it, so the same event never pays twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="xp_events", db_index=False
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    key = models.CharField(max_length=120)
    amount = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("XP award")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="xpevent_once_per_key")]
        indexes = [models.Index(fields=["user", "-created_at"], name="xpevent_user_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} +{self.amount} {self.key}"


def _default_time_zone() -> str:
    return settings.TIME_ZONE


class Player(models.Model):
    """A user's totals and gamification preferences; one row per user, locked while an award applies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="player"
    )
    xp = models.PositiveIntegerField(default=0)
    level = models.PositiveSmallIntegerField(default=1)
    # weekly_xp counts the site's ISO week ``week`` (year * 100 + week); another week means 0.
    week = models.PositiveIntegerField(default=0)
    weekly_xp = models.PositiveIntegerField(default=0)
    books_generated = models.PositiveIntegerField(default=0)
    pages_generated = models.PositiveIntegerField(default=0)
    pages_regenerated = models.PositiveIntegerField(default=0)
    pdfs_downloaded = models.PositiveIntegerField(default=0)
    books_shared = models.PositiveIntegerField(default=0)
    missions_completed = models.PositiveIntegerField(default=0)
    biggest_book = models.PositiveSmallIntegerField(default=0)
    styles_used = models.JSONField(default=list, blank=True)
    languages_used = models.JSONField(default=list, blank=True)
    streak_days = models.PositiveSmallIntegerField(default=0)
    best_streak = models.PositiveSmallIntegerField(default=0)
    last_active_day = models.DateField(null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=63, default=_default_time_zone)
    on_leaderboards = models.BooleanField(
        _("show me on the global leaderboards"),
        default=True,
        help_text=_("Friends always see each other. Only the display name is ever shown, never the email."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The global boards read these in order (ties by user id: an incremental sort of one
            # score's players) and count the rows above a score with an index-only scan. Narrow on
            # purpose: a count over most of the board reads a few hundred kB, not the table.
            models.Index(F("xp").desc(), condition=Q(on_leaderboards=True), name="player_board_xp"),
            models.Index(
                "week",
                F("weekly_xp").desc(),
                condition=Q(on_leaderboards=True),
                name="player_board_weekly_xp",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.xp} XP"


class Badge(models.Model):
    """A badge is data: staff change names, icons, thresholds and rewards in the admin."""

    class Rule(models.TextChoices):
        BOOKS = "books", _("Books made")
        PAGES = "pages", _("Pages made")
        STYLES = "styles", _("Styles tried (0 = every active style)")
        LANGUAGES = "languages", _("Languages used (0 = every language)")
        SHARES = "shares", _("Books shared")
        PDFS = "pdfs", _("PDFs downloaded")
        STREAK = "streak", _("Days in a row")
        MISSIONS = "missions", _("Missions completed")
        BOOK_PAGES = "book_pages", _("Pages in one book")
        REDRAWS = "redraws", _("Pages drawn again")

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=200)
    icon = models.CharField(max_length=8, help_text=_("An emoji."))
    rule = models.CharField(max_length=12, choices=Rule.choices)
    threshold = models.PositiveIntegerField(default=1)
    xp_reward = models.PositiveIntegerField(default=25)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class UserBadge(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges")
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="earned")
    earned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-earned_at"]
        constraints = [models.UniqueConstraint(fields=["user", "badge"], name="userbadge_once")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.badge}"


class Period(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class MissionTemplate(models.Model):
    """A challenge that can be picked for a day or a week."""

    class Goal(models.TextChoices):
        BOOKS = "books", _("Make books")
        PAGES = "pages", _("Make pages")
        PDFS = "pdfs", _("Download PDFs")
        SHARES = "shares", _("Share books")
        REDRAWS = "redraws", _("Draw pages again")

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    period = models.CharField(max_length=6, choices=Period.choices)
    goal = models.CharField(max_length=8, choices=Goal.choices)
    target = models.PositiveSmallIntegerField(default=1)
    style = models.ForeignKey(
        "books.Style",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Only books in this style count."),
    )
    xp_reward = models.PositiveIntegerField(default=30)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["period", "slug"]

    def __str__(self) -> str:
        return self.title


class MissionRotation(models.Model):
    """The missions of one day ("2025-03-14") or one ISO week ("2025-W11"), picked once for everyone."""

    period = models.CharField(max_length=6, choices=Period.choices)
    key = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-key"]
        constraints = [models.UniqueConstraint(fields=["period", "key"], name="rotation_once_per_key")]

    def __str__(self) -> str:
        return f"{self.get_period_display()} {self.key}"


class Mission(models.Model):
    rotation = models.ForeignKey(MissionRotation, on_delete=models.CASCADE, related_name="missions")
    template = models.ForeignKey(MissionTemplate, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["rotation", "template"], name="mission_once_per_rotation")
        ]

    def __str__(self) -> str:
        return f"{self.rotation} · {self.template}"


class MissionProgress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="progress")
    progress = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "mission"], name="missionprogress_once")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.mission} · {self.progress}"


class Follow(models.Model):
    """A follow request; once the other user accepts, the two are friends (both ways)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Friends")

    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows_sent"
    )
    # Empty when nobody matched what the sender typed: the request then waits forever, exactly like
    # one to a real person, so sending never reveals whether a name or an email has an account.
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows_received",
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # What the sender typed: their list of waiting requests shows only this.
    requested_as = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["from_user", "to_user"], name="follow_once"),
            models.CheckConstraint(condition=~Q(from_user=F("to_user")), name="follow_not_self"),
        ]
        indexes = [models.Index(fields=["to_user", "status"], name="follow_to_status")]

    def __str__(self) -> str:
        return f"{self.from_user_id} → {self.to_user_id} ({self.status})"
