"""Where things go: paper sizes, print-on-demand trim and bleed, and the order of the pages.

Print-on-demand (Amazon KDP) interiors are 8.5 x 11 in trimmed, with 0.125 in of bleed on
the outside edge, the top and the bottom. Page 1 is a right-hand page, so odd pages have
their outside edge on the right and even pages on the left: the trim box alternates.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch

PAPER_SIZES = {"a4": A4, "letter": LETTER}
HOME_MARGIN = 0.5 * inch

KDP_TRIM = (8.5 * inch, 11 * inch)
KDP_BLEED = 0.125 * inch
KDP_PAGE = (KDP_TRIM[0] + KDP_BLEED, KDP_TRIM[1] + 2 * KDP_BLEED)  # 621 x 810 pt
# KDP asks for >= 0.375 in on the gutter (24-150 pages) and from the trim elsewhere; a little
# more on the gutter keeps pictures out of the binding.
KDP_INSIDE_MARGIN = 0.625 * inch
KDP_OUTSIDE_MARGIN = 0.5 * inch
KDP_MIN_PAGES = 24


class Box(NamedTuple):
    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height

    @property
    def right(self) -> float:
        return self.x + self.width

    def inset(self, left: float, bottom: float, right: float, top: float) -> Box:
        return Box(self.x + left, self.y + bottom, self.width - left - right, self.height - bottom - top)

    def corners(self) -> tuple[float, float, float, float]:
        return (self.x, self.y, self.right, self.top)


@dataclass(frozen=True)
class Sheet:
    """One page's geometry: its size, the area content may use, and the print boxes if any."""

    size: tuple[float, float]
    content: Box
    trim: Box | None = None
    bleed: Box | None = None


def home_sheet(paper: str) -> Sheet:
    if paper not in PAPER_SIZES:
        raise ValueError(f"Unknown paper size {paper!r}; expected one of {sorted(PAPER_SIZES)}")
    width, height = PAPER_SIZES[paper]
    return Sheet(size=(width, height), content=Box(0, 0, width, height).inset(*(HOME_MARGIN,) * 4))


def kdp_sheet(page_number: int) -> Sheet:
    """Page ``page_number`` (1-based) of a print-on-demand interior."""
    width, height = KDP_PAGE
    right_hand = page_number % 2 == 1
    trim_x = 0 if right_hand else KDP_BLEED  # the bleed sits on the outside edge
    trim = Box(trim_x, KDP_BLEED, *KDP_TRIM)
    left, right = (
        (KDP_INSIDE_MARGIN, KDP_OUTSIDE_MARGIN) if right_hand else (KDP_OUTSIDE_MARGIN, KDP_INSIDE_MARGIN)
    )
    content = trim.inset(left, KDP_OUTSIDE_MARGIN, right, KDP_OUTSIDE_MARGIN)
    return Sheet(size=(width, height), content=content, trim=trim, bleed=Box(0, 0, width, height))


# --- the order of the pages -----------------------------------------------------------


class Kind(StrEnum):
    COVER = "cover"
    TITLE = "title"
    STORY = "story"
    BLANK = "blank"
    BELONGS_TO = "belongs-to"
    COLOUR_TEST = "colour-test"
    DRAW = "draw"
    NOTES = "notes"


# Pages a child colours in: with single-sided printing each gets a blank back.
COLOURED = {Kind.COVER, Kind.STORY, Kind.COLOUR_TEST, Kind.DRAW}


@dataclass(frozen=True)
class Planned:
    kind: Kind
    story: int | None = None  # index into the book's pages, for STORY pages


def _with_backs(pages: list[Planned], *, single_sided: bool) -> list[Planned]:
    if not single_sided:
        return pages
    out = []
    for page in pages:
        out.append(page)
        if page.kind in COLOURED:
            out.append(Planned(Kind.BLANK))
    return out


def home_plan(story_pages: int, *, single_sided: bool) -> list[Planned]:
    """Cover, title page, one page per story page; with single-sided printing every front gets a
    blank back, so the cover, title and story pages all land on the front of a sheet."""
    pages = [Planned(Kind.COVER), Planned(Kind.TITLE)]
    pages += [Planned(Kind.STORY, index) for index in range(story_pages)]
    if not single_sided:
        return pages
    return [item for page in pages for item in (page, Planned(Kind.BLANK))]


def kdp_plan(story_pages: int, *, single_sided: bool) -> list[Planned]:
    """Title (page 1, right-hand) with the belongs-to page on its back, then the story, a colour test
    page, and useful pages up to an even count of at least 24. Coloured pages always sit on the right,
    so with single-sided printing their backs are the blank left-hand pages, never two blanks in a row.
    """
    pages = [Planned(Kind.TITLE), Planned(Kind.BELONGS_TO)]
    pages += _with_backs(
        [Planned(Kind.STORY, index) for index in range(story_pages)] + [Planned(Kind.COLOUR_TEST)],
        single_sided=single_sided,
    )
    while len(pages) < KDP_MIN_PAGES or len(pages) % 2:
        if single_sided:  # the count is even here: add a drawing page and its blank back
            pages += [Planned(Kind.DRAW), Planned(Kind.BLANK)]
        else:
            pages.append(Planned(Kind.NOTES if pages[-1].kind == Kind.DRAW else Kind.DRAW))
    return pages


def kdp_page_count(story_pages: int, *, single_sided: bool) -> int:
    return len(kdp_plan(story_pages, single_sided=single_sided))
