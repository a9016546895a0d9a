import pytest

from gamification.rules import level_for_xp, level_progress, streak_xp, xp_for_level


@pytest.mark.parametrize(
    ("xp", "level"),
    [(0, 1), (99, 1), (100, 2), (299, 2), (300, 3), (599, 3), (600, 4), (1000, 5), (4499, 9), (4500, 10)],
)
def test_levels_follow_the_documented_curve(xp, level):
    assert level_for_xp(xp) == level


def test_every_level_starts_exactly_at_its_threshold():
    for level in range(1, 200):
        assert level_for_xp(xp_for_level(level)) == level
        assert level_for_xp(xp_for_level(level) - 1) == level - 1 or level == 1


def test_progress_shows_the_xp_left_to_the_next_level():
    progress = level_progress(250)
    assert (progress["level"], progress["next_level_xp"], progress["xp_to_next"], progress["progress"]) == (
        2,
        300,
        50,
        75,
    )
    assert progress["level_name"] == "Doodler"


def test_a_streak_pays_more_each_day_up_to_a_week():
    assert [streak_xp(day) for day in (1, 2, 7, 30)] == [5, 10, 35, 35]
