"""Recording usage events (only with consent), adding them up per day, and forgetting old ones.

Who is recorded: signed-in users whose ``analytics_consent`` is on, checked in the database at
the moment of the event (a consent withdrawn a second ago counts). Visitors who are not signed
in are never recorded: the site asks no consent of them, so it keeps nothing about them.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from analytics.models import AnalyticsDaily, AnalyticsEvent, Event

__all__ = ["Event", "analytics_aggregate", "analytics_purge", "analytics_record"]

logger = logging.getLogger(__name__)

PURGE_BATCH = 5000


def analytics_record(
    name: str, *, user, request: HttpRequest | None = None, properties: dict | None = None
) -> AnalyticsEvent | None:
    """Record one event (an ``analytics.models.Event``) if the user agreed; never raises."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        if not get_user_model().objects.filter(pk=user.pk, analytics_consent=True).exists():
            return None
        with transaction.atomic():  # a savepoint: a failure here leaves the caller's work alone
            return AnalyticsEvent.objects.create(
                name=name, user_id=user.pk, visitor=_visitor(request), properties=properties or {}
            )
    except Exception:
        logger.exception("analytics: could not record %s", name)
        return None


def _visitor(request: HttpRequest | None) -> str:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if not session_key:
        return ""
    return salted_hmac("analytics.visitor", session_key).hexdigest()[:32]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@transaction.atomic
def analytics_aggregate(*, day: date) -> int:
    """Write the day's totals (events and distinct users per event); safe to run again. Returns rows."""
    start, end = _day_bounds(day)
    rows = (
        AnalyticsEvent.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("name")
        .annotate(count=Count("id"), users=Count("user", distinct=True))
    )
    written = 0
    # Only names seen are written: a day whose raw events were purged keeps its totals.
    for row in rows:
        AnalyticsDaily.objects.update_or_create(
            day=day, name=row["name"], defaults={"count": row["count"], "unique_users": row["users"]}
        )
        written += 1
    return written


def analytics_aggregate_recent(*, today: date | None = None) -> int:
    """Yesterday's final totals and today's so far."""
    today = today or timezone.localdate()
    return analytics_aggregate(day=today - timedelta(days=1)) + analytics_aggregate(day=today)


def analytics_purge(*, dry_run: bool) -> int:
    """Delete raw events older than ``ANALYTICS_RETENTION_DAYS`` (daily totals stay); returns how many
    went, or with ``dry_run`` how many would go."""
    cutoff = timezone.now() - timedelta(days=settings.ANALYTICS_RETENTION_DAYS)
    old = AnalyticsEvent.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return old.count()
    deleted = 0
    while ids := list(old.order_by("id").values_list("id", flat=True)[:PURGE_BATCH]):
        deleted += AnalyticsEvent.objects.filter(id__in=ids).delete()[0]
    return deleted


def analytics_daily_since(*, days: int, today: date | None = None) -> dict[str, dict[date, tuple[int, int]]]:
    """The daily totals of the last ``days`` days, per event: {name: {day: (count, unique users)}}."""
    today = today or timezone.localdate()
    rows = AnalyticsDaily.objects.filter(day__gt=today - timedelta(days=days), day__lte=today)
    totals: dict[str, dict[date, tuple[int, int]]] = {}
    for row in rows.values("name", "day", "count", "unique_users"):
        totals.setdefault(row["name"], {})[row["day"]] = (row["count"], row["unique_users"])
    return totals
