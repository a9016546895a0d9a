"""Estimated cost of AI calls, in US dollars, from public list prices.

Staff can override or add models with ``AI_PRICES`` in settings (same shape). Unknown
models cost nothing in the estimate; the call records keep the tokens, so a later
price list can be applied to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Price:
    input_per_million: Decimal = Decimal(0)
    output_per_million: Decimal = Decimal(0)
    per_image: Decimal = Decimal(0)


PRICES: dict[str, Price] = {
    "gemini-2.5-flash": Price(Decimal("0.30"), Decimal("2.50")),
    "gemini-2.5-flash-image": Price(Decimal("0.30"), Decimal("0"), Decimal("0.039")),
    "google/gemini-2.5-flash": Price(Decimal("0.30"), Decimal("2.50")),
    "google/gemini-2.5-flash-image": Price(Decimal("0.30"), Decimal("0"), Decimal("0.039")),
}
# What one story and one picture usually use, for the preview before a book is made.
TYPICAL_STORY_TOKENS = (1_500, 3_500)
TYPICAL_IMAGE_TOKENS = 400


def price_for(model: str) -> Price:
    from django.conf import settings

    custom = getattr(settings, "AI_PRICES", {}) or {}
    if model in custom:
        return Price(*(Decimal(str(value)) for value in custom[model]))
    return PRICES.get(model, Price())


def call_cost(*, model: str, tokens_in: int = 0, tokens_out: int = 0, images: int = 0) -> Decimal:
    price = price_for(model)
    cost = (
        price.input_per_million * tokens_in / 1_000_000
        + price.output_per_million * tokens_out / 1_000_000
        + price.per_image * images
    )
    return cost.quantize(Decimal("0.000001"))


@dataclass(frozen=True)
class CostPreview:
    """What a book will cost before it is made: one story, then a picture per page and the cover."""

    text_provider: str
    image_provider: str
    story_usd: Decimal
    picture_usd: Decimal

    @property
    def paid(self) -> bool:
        return bool(self.story_usd or self.picture_usd)

    def for_pages(self, num_pages: int) -> Decimal:
        return (self.story_usd + self.picture_usd * (num_pages + 1)).quantize(Decimal("0.01"))


def cost_preview(
    *, text_provider: str, text_model: str, image_provider: str, image_model: str
) -> CostPreview:
    story = call_cost(model=text_model, tokens_in=TYPICAL_STORY_TOKENS[0], tokens_out=TYPICAL_STORY_TOKENS[1])
    picture = call_cost(model=image_model, tokens_in=TYPICAL_IMAGE_TOKENS, images=1)
    return CostPreview(text_provider, image_provider, story, picture)
