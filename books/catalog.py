"""The built-in catalog, seeded idempotently: staff edits to other fields are kept."""

from __future__ import annotations

import io
from functools import lru_cache

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_noop
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from accounts.models import Tier
from books.models import Style
from gamification.catalog import gamification_seed

STYLES = [
    {
        "slug": "cartoon",
        "name": "Cartoon",
        "description": gettext_noop("Round, friendly shapes with bold outlines."),
        "prompt_fragment": "cartoon style, bold clean outlines, simple rounded shapes",
    },
    {
        "slug": "manga",
        "name": "Mangá",
        "description": gettext_noop("Big expressive eyes and dynamic lines."),
        "prompt_fragment": "manga style, expressive eyes, dynamic clean line work",
    },
    {
        "slug": "realistic",
        "name": "Realista",
        "description": gettext_noop("Closer to life, with more detail to colour."),
        "prompt_fragment": "realistic style, detailed but clean outlines, no shading",
    },
    {
        "slug": "classic",
        "name": "Clássico",
        "description": gettext_noop("Like the storybooks of long ago."),
        "prompt_fragment": "classic storybook illustration, fine ink outlines",
    },
]

# The landing page's sample picture for each style, drawn by the offline provider.
SAMPLE_PROMPTS = {
    "cartoon": "a smiling dinosaur flying a kite in a park with flowers",
    "manga": "a cat and an owl looking at the moon and stars at night",
    "realistic": "a turtle swimming in the sea with fish",
    "classic": "a bear and a rabbit having a picnic under a tree near a house",
}
SAMPLE_DEFAULT_PROMPT = "a friendly lion reading a book under a tree"
SAMPLE_SIZE = (480, 600)  # the pages' 4:5 portrait, small enough for a thumbnail


PERIODIC_TASKS = [
    {"name": "books: fail overdue generations", "task": "books.tasks.books_watchdog", "every": 60},
    {"name": "exports: delete expired files", "task": "exports.tasks.exports_cleanup", "every": 3600},
    {"name": "books: empty the trash", "task": "books.tasks.books_trash_purge", "every": 3600},
    # Publishes the coming days' and weeks' missions (time zones reach midnight every 15 to 60 minutes).
    {"name": "gamification: rotate missions", "task": "gamification.tasks.missions_rotate", "every": 900},
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


@lru_cache(maxsize=32)
def _sample_png(slug: str, prompt: str) -> bytes:
    """The offline illustrator's drawing, without its demo knobs (simulated delays and failures)."""
    from PIL import Image

    from ai.providers.offline.drawing import draw_picture
    from ai.schemas import ImageRequest

    width, height = SAMPLE_SIZE
    margin = 16
    scene = draw_picture(
        ImageRequest(
            prompt=prompt,
            style=slug,
            seed=f"sample:{slug}",
            width=width - 2 * margin,
            height=height - 2 * margin,
        )
    )
    page = Image.new("L", (width, height), 255)
    page.paste(scene, (margin, margin))
    buffer = io.BytesIO()
    page.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _style_samples_draw() -> list[str]:
    """Draw a sample for each style that has none (or lost its file); staff uploads are kept."""
    report = []
    for style in Style.objects.all():
        if style.sample_image and style.sample_image.storage.exists(style.sample_image.name):
            continue
        png = _sample_png(style.slug, SAMPLE_PROMPTS.get(style.slug, SAMPLE_DEFAULT_PROMPT))
        style.sample_image.save(f"sample-{style.slug}.png", ContentFile(png), save=False)
        Style.objects.filter(id=style.id).update(sample_image=style.sample_image.name)
        report.append(f"drew    sample picture for {style.name}")
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
    return report + _style_samples_draw() + gamification_seed() + _periodic_tasks_register()
