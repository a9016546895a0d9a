"""The figures on the admin's front page: books, failures, generations now, AI providers, users,
exports, and the generation workload (``fabrica.workload``). Every query is bounded by the window
(30 days, one row per day, or the last 24 hours) or by ``ai.stats``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from ai.models import AICall
from ai.stats import provider_stats
from analytics.models import Event
from analytics.services import analytics_daily_since
from books.models import Book, GenerationJob
from exports.models import Export
from fabrica import workload

DAYS = 30
CHART_HEIGHT = 80
BAR_WIDTH = 12
BAR_GAP = 3


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    part: int  # the highlighted share of ``total`` (failed books), drawn at the bottom
    x: int
    y: int
    height: int
    part_y: int
    part_height: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    total: int
    peak: int


def bar_chart(points: list[tuple[date, int, int]], *, height: int = CHART_HEIGHT) -> Chart:
    """Geometry of an SVG bar chart: one bar per day, the tallest reaching ``height``."""
    peak = max((total for _, total, _ in points), default=0)
    bars = []
    for index, (day, total, part) in enumerate(points):
        bar_height = round(height * total / peak) if peak else 0
        part_height = round(height * part / peak) if peak else 0
        bars.append(
            Bar(
                label=day.isoformat(),
                total=total,
                part=part,
                x=index * (BAR_WIDTH + BAR_GAP),
                y=height - bar_height,
                height=bar_height,
                part_y=height - part_height,
                part_height=part_height,
            )
        )
    width = max(len(points) * (BAR_WIDTH + BAR_GAP) - BAR_GAP, 0)
    return Chart(bars=bars, width=width, height=height, total=sum(b.total for b in bars), peak=peak)


def _days(today: date) -> list[date]:
    return [today - timedelta(days=offset) for offset in range(DAYS - 1, -1, -1)]


def _per_day(queryset, field: str, since, *, part: Q | None = None) -> dict[date, tuple[int, int]]:
    counts = {"total": Count("pk")}
    if part is not None:
        counts["part"] = Count("pk", filter=part)
    rows = (
        queryset.filter(**{f"{field}__gte": since})
        .annotate(day=TruncDate(field))
        .order_by()
        .values("day")
        .annotate(**counts)
    )
    return {row["day"]: (row["total"], row.get("part", 0)) for row in rows}


def _chart(queryset, field: str, *, part: Q | None = None) -> Chart:
    today = timezone.localdate()
    start = today - timedelta(days=DAYS - 1)
    since = timezone.make_aware(datetime.combine(start, time.min))
    counts = _per_day(queryset, field, since, part=part)
    return bar_chart([(day, *counts.get(day, (0, 0))) for day in _days(today)])


def _analytics(today: date) -> list[dict]:
    """One chart per event, from the daily totals (``analytics.tasks.analytics_daily``)."""
    totals = analytics_daily_since(days=DAYS, today=today)
    rows = []
    for name, label in Event.choices:
        per_day = totals.get(name, {})
        chart = bar_chart([(day, per_day.get(day, (0, 0))[0], 0) for day in _days(today)])
        rows.append(
            {"name": name, "label": label, "chart": chart, "users_today": per_day.get(today, (0, 0))[1]}
        )
    return rows


def _refunded_failures(since: datetime) -> dict:
    """Provider calls made for requests that failed and were given back to the family.

    The family pays nothing for them, the site pays the providers: a book that keeps failing shows
    here even though it uses no quota. (The provider table's cost includes these calls too.)
    """
    during_refunded_job = GenerationJob.objects.filter(
        Q(finished_at__isnull=True) | Q(finished_at__gte=OuterRef("created_at")),
        book=OuterRef("book"),
        quota_refunded=True,
        created_at__lte=OuterRef("created_at"),
    )
    totals = (
        AICall.objects.filter(created_at__gte=since, book__isnull=False)
        .filter(Exists(during_refunded_job))
        .aggregate(calls=Count("id"), cost_usd=Sum("cost_usd"))
    )
    return {"calls": totals["calls"], "cost_usd": totals["cost_usd"] or 0}


def dashboard() -> dict:
    books = _chart(Book.objects.all(), "created_at", part=Q(status=Book.Status.FAILED))
    failed = sum(bar.part for bar in books.bars)
    finished = Book.objects.filter(
        created_at__gte=timezone.now() - timedelta(days=DAYS),
        status__in=[Book.Status.GENERATED, Book.Status.FAILED],
    ).count()
    return {
        "days": DAYS,
        "books": books,
        "books_failed": failed,
        "failure_percent": 100 * failed / finished if finished else 0.0,
        "active_generations": Book.objects.in_progress().count(),
        "providers": [
            {"stats": stats, "error_percent": 100 * stats.error_rate}
            for stats in provider_stats(since=timezone.now() - timedelta(days=1))
        ],
        "refunded_failures": _refunded_failures(timezone.now() - timedelta(days=1)),
        "users": _chart(get_user_model().objects.all(), "date_joined"),
        "exports": _chart(Export.objects.all(), "created_at", part=Q(status=Export.Status.FAILED)),
        "analytics": _analytics(timezone.localdate()),
        "workload": _workload(),
    }


def _workload() -> dict:
    """Generation right now (queues, providers, admission) and how long parents waited in 24 h."""
    first_picture, ready = workload.book_waits(since=timezone.now() - timedelta(days=1))
    depths = workload.celery_queue_depths()
    inflight = workload.provider_inflight()
    return {
        "queues": sorted(depths.items()) if depths is not None else None,
        "inflight": sorted(inflight.items()) if inflight is not None else None,
        "admission": workload.admission_queue_length(),
        "waits": [(_lazy("the first picture"), first_picture), (_lazy("the finished book"), ready)],
    }
