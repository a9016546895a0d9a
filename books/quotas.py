"""Generation quotas: books generating at once and requests per day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from books.errors import QuotaExceeded
from books.models import Book, GenerationJob


@dataclass(frozen=True)
class QuotaUsage:
    concurrent: int
    concurrent_limit: int
    requests_today: int
    requests_limit: int
    resets_at: datetime

    @property
    def requests_left(self) -> int:
        return max(0, self.requests_limit - self.requests_today)


def _start_of_day(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def quota_usage(*, user) -> QuotaUsage:
    start = _start_of_day(timezone.now())
    return QuotaUsage(
        concurrent=Book.objects.filter(owner=user, deleted_at__isnull=True).in_progress().count(),
        concurrent_limit=user.max_concurrent_books,
        requests_today=GenerationJob.objects.filter(
            user=user, created_at__gte=start, quota_refunded=False
        ).count(),
        requests_limit=user.daily_requests,
        resets_at=start + timedelta(days=1),
    )


def quota_check(*, user, new_book: bool) -> QuotaUsage:
    """Raise QuotaExceeded naming the limit hit and when it resets; call inside the creating transaction."""
    usage = quota_usage(user=user)
    if usage.requests_today >= usage.requests_limit:
        resets = date_format(timezone.localtime(usage.resets_at), "DATETIME_FORMAT")
        raise QuotaExceeded(
            _("You have used all %(limit)s generation requests for today. The quota resets at %(resets)s.")
            % {"limit": usage.requests_limit, "resets": resets},
            details={"limit": "daily_requests", "resets_at": usage.resets_at.isoformat()},
        )
    if new_book and usage.concurrent >= usage.concurrent_limit:
        raise QuotaExceeded(
            _(
                "You already have %(limit)s books being drawn at once, the most your plan allows. "
                "You can start another one as soon as one of them is ready."
            )
            % {"limit": usage.concurrent_limit},
            details={"limit": "concurrent_books"},
        )
    return usage


def retry_check(*, book: Book) -> None:
    """Raise QuotaExceeded when the book was tried again ``BOOK_RETRIES_PER_DAY`` times today.

    Each retry of a failed book is refunded, so the daily quota never stops a book that always
    fails; its provider calls are still paid for, hence a cap of its own.
    """
    start = _start_of_day(timezone.now())
    jobs = GenerationJob.objects.filter(book=book, kind=GenerationJob.Kind.BOOK)
    first_job = jobs.order_by("id").values_list("id", flat=True).first()
    retries_today = jobs.filter(created_at__gte=start).exclude(id=first_job).count()
    limit = settings.BOOK_RETRIES_PER_DAY
    if retries_today < limit:
        return
    resets_at = start + timedelta(days=1)
    resets = date_format(timezone.localtime(resets_at), "DATETIME_FORMAT")
    raise QuotaExceeded(
        _(
            "This book has been tried again %(limit)s times today, the most allowed for one book. "
            "You can try again after %(resets)s."
        )
        % {"limit": limit, "resets": resets},
        details={"limit": "book_retries", "resets_at": resets_at.isoformat()},
    )
