"""Usage events of users who agreed to anonymous statistics, and their daily totals.

Only users with ``analytics_consent`` are recorded; visitors who are not signed in are not
recorded at all (there is no consent to ask them for). Raw events are kept for
``ANALYTICS_RETENTION_DAYS``; the daily totals hold no personal data and stay.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    SIGNUP = "signup", _("sign-up")
    BOOK_CREATED = "book_created", _("book created")
    BOOK_GENERATED = "book_generated", _("book generated")
    PAGE_REGENERATED = "page_regenerated", _("page drawn again")
    PDF_DOWNLOADED = "pdf_downloaded", _("PDF downloaded")
    SHARE_CREATED = "share_created", _("share link created")


class AnalyticsEvent(models.Model):
    name = models.CharField(_("event"), max_length=40, choices=Event.choices)
    # SET_NULL: deleting an account unlinks its events; the counts stay true.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A salted hash of the browser session, never the session key itself: groups one visit's events.
    visitor = models.CharField(_("visit"), max_length=64, blank=True)
    properties = models.JSONField(_("properties"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("analytics event")
        verbose_name_plural = _("analytics events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.name}"


class AnalyticsDaily(models.Model):
    day = models.DateField(_("day"))
    name = models.CharField(_("event"), max_length=40, choices=Event.choices)
    count = models.PositiveIntegerField(_("events"), default=0)
    unique_users = models.PositiveIntegerField(_("users"), default=0)

    class Meta:
        ordering = ["-day", "name"]
        verbose_name = _("daily analytics")
        verbose_name_plural = _("daily analytics")
        constraints = [models.UniqueConstraint(fields=["day", "name"], name="analytics_daily_day_name")]

    def __str__(self) -> str:
        return f"{self.day} {self.name}: {self.count}"
