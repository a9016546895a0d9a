"""The built-in catalog, seeded idempotently: staff edits to other fields are kept."""

from __future__ import annotations

from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from accounts.models import Tier
from books.models import Style

STYLES = [
    {
        "slug": "cartoon",
        "name": "Cartoon",
        "description": "Round, friendly shapes with bold outlines.",
        "prompt_fragment": "cartoon style, bold clean outlines, simple rounded shapes",
    },
    {
        "slug": "manga",
        "name": "Mangá",
        "description": "Big expressive eyes and dynamic lines.",
        "prompt_fragment": "manga style, expressive eyes, dynamic clean line work",
    },
    {
        "slug": "realistic",
        "name": "Realista",
        "description": "Closer to life, with more detail to colour.",
        "prompt_fragment": "realistic style, detailed but clean outlines, no shading",
    },
    {
        "slug": "classic",
        "name": "Clássico",
        "description": "Like the storybooks of long ago.",
        "prompt_fragment": "classic storybook illustration, fine ink outlines",
    },
]


PERIODIC_TASKS = [
    {"name": "books: fail overdue generations", "task": "books.tasks.books_watchdog", "every": 60},
    {"name": "exports: delete expired files", "task": "exports.tasks.exports_cleanup", "every": 3600},
]


def _periodic_tasks_register() -> list[str]:
    """Create missing schedules; never overwrite what an operator changed in the admin."""
    report = []
    for spec in PERIODIC_TASKS:
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=spec["every"], period=IntervalSchedule.SECONDS
        )
        _, created = PeriodicTask.objects.get_or_create(
            name=spec["name"], defaults={"task": spec["task"], "interval": interval}
        )
        report.append(f"{'created' if created else 'kept   '} schedule {spec['name']}")
    return report


@transaction.atomic
def catalog_seed() -> list[str]:
    report = []
    for order, style in enumerate(STYLES):
        _, created = Style.objects.get_or_create(slug=style["slug"], defaults={**style, "sort_order": order})
        report.append(f"{'created' if created else 'kept   '} style {style['name']}")
    if not Tier.objects.filter(is_default=True).exists():
        tier, created = Tier.objects.get_or_create(
            slug="free", defaults={"name": "Free", "max_concurrent_books": 3, "daily_requests": 50}
        )
        Tier.objects.filter(id=tier.id).update(is_default=True)
        report.append(f"{'created' if created else 'marked '} default tier {tier.name}")
    return report + _periodic_tasks_register()
