"""The built-in catalog, seeded idempotently: staff edits to other fields are kept."""

from __future__ import annotations

import io
from functools import lru_cache

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_noop
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from accounts.models import Tier
from ai.models import PromptTemplate
from ai.prompts import DEFAULTS as PROMPT_DEFAULTS
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
    # Yesterday's final analytics totals and today's so far, for the admin dashboard.
    {"name": "analytics: daily totals", "task": "analytics.tasks.analytics_daily", "every": 3600},
    # Books with no progress for books.generation.recovery.STUCK_AFTER (2 minutes) get their lost
    # work queued again.
    {"name": "books: resume stuck generations", "task": "books.tasks.books_resume_stuck", "every": 120},
    # Books are admitted when one is asked for or one ends; this catches a wake-up lost to an outage.
    {"name": "books: admit waiting books", "task": "books.tasks.books_admit_waiting", "every": 30},
    # The same as `manage.py cleanup`: share links, old analytics, "download my data" files, and
    # a second pass over exports and the trash, which also have their own hourly schedules.
    {"name": "cleanup: delete what has expired", "task": "books.tasks.cleanup", "every": 86400},
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


PROMPT_SEED_NOTE = "Built-in default, seeded by seed_catalog"


def prompt_templates_seed() -> list[str]:
    """A first version of each prompt template, so staff see and edit the text in the admin.

    A template staff have edited (any version not written here) is never touched. Only a
    seeded version that the built-in default has since moved past gets a newer seeded
    version, so a release's better prompt is not hidden behind an old copy of itself.
    """
    report = []
    for name, body in PROMPT_DEFAULTS.items():
        latest = PromptTemplate.objects.filter(name=name).order_by("-version").first()
        if latest is None:
            PromptTemplate.objects.create(name=name, body=body, notes=PROMPT_SEED_NOTE)
            report.append(f"created prompt template {name}")
        elif latest.notes == PROMPT_SEED_NOTE and latest.created_by_id is None and latest.body != body:
            PromptTemplate.objects.create(
                name=name, body=body, notes=PROMPT_SEED_NOTE, is_active=latest.is_active
            )
            report.append(f"updated prompt template {name} to the new built-in default")
        else:
            report.append(f"kept    prompt template {name}")
    return report


@transaction.atomic
def catalog_seed(*, prompt_templates: bool = False) -> list[str]:
    """The built-in catalog. Prompt templates are opt-in: without rows, the built-in defaults apply."""
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
    if prompt_templates:
        report += prompt_templates_seed()
    return report + _style_samples_draw() + gamification_seed() + _periodic_tasks_register()
