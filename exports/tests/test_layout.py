"""Which page goes where: home printing and print-on-demand page orders, and KDP geometry."""

import pytest

from exports.pdf.layout import COLOURED, KDP_PAGE, Kind, home_plan, kdp_page_count, kdp_plan, kdp_sheet


def _blank_runs(plan) -> int:
    longest = run = 0
    for page in plan:
        run = run + 1 if page.kind == Kind.BLANK else 0
        longest = max(longest, run)
    return longest


@pytest.mark.parametrize("story_pages", range(5, 21))
@pytest.mark.parametrize("single_sided", [True, False])
def test_a_kdp_interior_has_an_even_count_of_at_least_24_pages(story_pages, single_sided):
    plan = kdp_plan(story_pages, single_sided=single_sided)
    assert len(plan) >= 24 and len(plan) % 2 == 0
    assert kdp_page_count(story_pages, single_sided=single_sided) == len(plan)
    assert _blank_runs(plan) <= 2
    assert [page.story for page in plan if page.kind == Kind.STORY] == list(range(story_pages))
    assert {Kind.BELONGS_TO, Kind.COLOUR_TEST} <= {page.kind for page in plan}


@pytest.mark.parametrize("story_pages", [5, 12, 20])
def test_single_sided_kdp_puts_coloring_pages_on_the_right_with_blank_backs(story_pages):
    plan = kdp_plan(story_pages, single_sided=True)
    for number, page in enumerate(plan, start=1):
        if page.kind in COLOURED:
            assert number % 2 == 1, f"{page.kind} on a left-hand page ({number})"
            assert plan[number].kind == Kind.BLANK


def test_the_kdp_interior_opens_with_the_title_and_the_belongs_to_page():
    assert [page.kind for page in kdp_plan(5, single_sided=True)[:3]] == [
        Kind.TITLE,
        Kind.BELONGS_TO,
        Kind.STORY,
    ]


def test_a_20_page_book_needs_no_padding_single_sided():
    plan = kdp_plan(20, single_sided=True)
    assert len(plan) == 2 + 2 * 20 + 2
    assert Kind.DRAW not in {page.kind for page in plan}


def test_home_printing_single_sided_gives_every_page_a_blank_back():
    plan = home_plan(3, single_sided=True)
    assert [page.kind for page in plan[1::2]] == [Kind.BLANK] * 5
    assert [page.kind for page in plan[0::2]] == [Kind.COVER, Kind.TITLE, Kind.STORY, Kind.STORY, Kind.STORY]


def test_kdp_pages_are_the_trim_plus_bleed_with_the_bleed_on_the_outside_edge():
    assert KDP_PAGE == (621, 810)
    right, left = kdp_sheet(1), kdp_sheet(2)
    assert right.trim == (0, 9, 612, 792)  # odd pages: outside edge on the right
    assert left.trim == (9, 9, 612, 792)  # even pages: outside edge on the left
    for sheet, gutter_side in ((right, "left"), (left, "right")):
        trim, content = sheet.trim, sheet.content
        margins = {
            "left": content.x - trim.x,
            "right": trim.right - content.right,
            "bottom": content.y - trim.y,
            "top": trim.top - content.top,
        }
        assert min(margins.values()) >= 0.375 * 72
        assert margins[gutter_side] == max(margins.values())
