"""The built-in catalog, seeded idempotently: staff edits to other fields are kept."""

from __future__ import annotations

from django.db import transaction

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
    return report
