"""Pixel QC of a normalized coloring page, with the sentence that asks a model to fix what failed.

The router measures every page after ``normalize_line_art``; a page that fails is asked for once
more with ``QCReport.corrective`` added to the prompt, then the next provider is tried.

A normalized page is pure black and white by construction and its fills are already hollowed, so
pass ``source`` (what the provider returned) to also catch shading, colour, photos and solid
black there: normalization only approximates those, and asking again usually does better.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from PIL import Image, ImageChops, ImageOps

from ai.lineart import SAFE_MARGIN, clusters, count, dilate, erode, flatten, ink_mask

# Share of pixels that must be pure black (0) or pure white (255): greys mean shading or colour.
MIN_PURE_SHARE = 0.99
# Ink coverage band: below, a near-blank page; above, a page too dark to color. A whole scene
# measures 3-9 %; one big bold shape for a toddler ~1 %; a stray doodle on white under 0.3 %.
MIN_INK = 0.008
MAX_INK = 0.35
# Ink thicker than this in every direction (share of the short side, ~2.4 mm at 8 in) is a filled
# area, not an outline: any such area larger than MAX_SOLID (share of the page) fails.
SOLID_THICKNESS = 0.012
MIN_SOLID_RADIUS = 4  # px: on small pages the share above is thinner than an anti-aliased line
SOLID_HALF_SIZE_FROM = 1200  # px, short side: print-size pages are measured at half size
MAX_SOLID = 0.02
SOLID_CELL = 16  # solid areas are measured on a grid of cells this size (pixels)
# Ink allowed in the outer SAFE_MARGIN band, share of the page: a dust dot, not a line.
MAX_MARGIN_INK = 0.00002
# In the source: grey (GREY_BAND) or coloured (channels MIN_CHROMA apart) areas thicker than
# anti-aliasing (eroded by GREY_ERODE px at up to SOURCE_SIZE px), as a share of the picture.
MAX_SOURCE_GREY = 0.01
GREY_BAND = (100, 215)
MIN_CHROMA = 48
GREY_ERODE = 2
SOURCE_SIZE = 1024

GREY = "Use only pure black lines on pure white: no grey shading, no gradients, no colour."
BLANK = "Draw a complete scene with clear outlines filling the page."
DARK = "Use fewer, simpler lines with large white areas to color; no dark backgrounds or textures."
SOLID = "No solid black areas: leave every shape white inside for coloring."
EDGE = "Keep everything well inside the page, away from the edges, with no border or frame."


@dataclass(frozen=True)
class QCProblem:
    code: str
    message: str
    corrective: str  # a sentence to add to the prompt on the retry


@dataclass(frozen=True)
class QCReport:
    passed: bool
    problems: tuple[QCProblem, ...]
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def corrective(self) -> str:
        """What to add to the prompt on the retry: every problem's corrective, in one line."""
        return " ".join(problem.corrective for problem in self.problems)


def page_qc(png: bytes, *, source: bytes | None = None) -> QCReport:
    """Measure a page (and, given ``source``, the picture it was made from) against the limits."""
    gray = _open(png).convert("L")
    ink = ink_mask(gray)
    metrics = {
        "pure_share": _pure_share(gray),
        "ink_share": count(ink) / _area(ink),
        "largest_solid": _largest_solid(ink),
        "margin_ink": _margin_ink(ink),
    }
    if source is not None:
        metrics.update(_source_metrics(source))
    problems = tuple(_problems(metrics))
    return QCReport(passed=not problems, problems=problems, metrics=metrics)


def _problems(metrics: dict[str, float]) -> Iterator[QCProblem]:
    if metrics["pure_share"] < MIN_PURE_SHARE:
        grey = 1 - metrics["pure_share"]
        yield QCProblem("grey_pixels", f"{grey:.1%} of the page is grey or coloured.", GREY)
    elif metrics.get("source_grey", 0.0) > MAX_SOURCE_GREY:
        grey = metrics["source_grey"]
        yield QCProblem("grey_pixels", f"{grey:.0%} of the picture was shaded or coloured.", GREY)
    if metrics["ink_share"] < MIN_INK:
        yield QCProblem("too_little_ink", f"Only {metrics['ink_share']:.1%} of the page is ink.", BLANK)
    if metrics["ink_share"] > MAX_INK:
        yield QCProblem("too_much_ink", f"{metrics['ink_share']:.0%} of the page is ink.", DARK)
    solid = max(metrics["largest_solid"], metrics.get("source_solid", 0.0))
    if solid > MAX_SOLID:
        message = f"A solid black area covers {solid:.1%} of the picture."
        yield QCProblem("solid_black", message, SOLID)
    if metrics["margin_ink"] > MAX_MARGIN_INK:
        yield QCProblem("ink_in_margin", "There is ink in the page's outer safe margin.", EDGE)


def _source_metrics(source: bytes) -> dict[str, float]:
    picture = ImageOps.contain(_open(source), (SOURCE_SIZE, SOURCE_SIZE))
    return {
        "source_grey": _grey_share(picture),
        "source_solid": _largest_solid(ink_mask(picture.convert("L"))),
    }


def _grey_share(picture: Image.Image) -> float:
    """Share of the picture in grey or coloured areas, not counting anti-aliased line edges."""
    low, high = GREY_BAND
    grey = picture.convert("L").point([255 if low <= v <= high else 0 for v in range(256)])
    red, green, blue = picture.convert("RGB").split()
    spread = ImageChops.difference(
        ImageChops.lighter(red, ImageChops.lighter(green, blue)),
        ImageChops.darker(red, ImageChops.darker(green, blue)),
    )
    coloured = spread.point([255 if v >= MIN_CHROMA else 0 for v in range(256)])
    return count(erode(ImageChops.lighter(grey, coloured), GREY_ERODE)) / _area(picture)


def _open(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        return flatten(image)


def _pure_share(gray: Image.Image) -> float:
    histogram = gray.histogram()
    return (histogram[0] + histogram[255]) / _area(gray)


def _largest_solid(ink: Image.Image) -> float:
    """Largest connected area of ink that survives erosion past a line's width, share of the page."""
    if min(ink.size) >= SOLID_HALF_SIZE_FROM:
        # A share of the page does not depend on the resolution: measure print-size pages at
        # half size, a quarter of the work (a cell is ink when at least half of it is).
        ink = ink_mask(ImageOps.invert(ink.reduce(2)))
    radius = max(MIN_SOLID_RADIUS, math.ceil(SOLID_THICKNESS * min(ink.size) / 2))
    core = erode(ink, radius)
    if core.getbbox() is None:
        return 0.0
    areas = [cluster.area for cluster in clusters(dilate(core, radius), SOLID_CELL)]
    return max(areas, default=0.0) / _area(ink)


def _margin_ink(ink: Image.Image) -> float:
    margin = round(SAFE_MARGIN * min(ink.size))
    inner = ink.crop((margin, margin, ink.width - margin, ink.height - margin))
    return (count(ink) - count(inner)) / _area(ink)


def _area(image: Image.Image) -> int:
    return image.width * image.height
