from celery import shared_task

from analytics.services import analytics_aggregate_recent


@shared_task(acks_late=True)
def analytics_daily() -> int:
    """Refresh yesterday's and today's totals (scheduled hourly; running twice changes nothing)."""
    return analytics_aggregate_recent()
