"""My profile, quota, badges, missions and the leaderboards."""

import pytest

from api.tests.conftest import assert_error
from gamification.tests.factories import book_generated

pytestmark = pytest.mark.django_db


def test_me_shows_my_profile_quota_and_level(api, owner):
    book_generated(owner)
    body = api.get("/api/v1/me/").json()
    assert body["email"] == owner.email
    assert body["quota"]["requests_limit"] == owner.daily_requests
    assert body["level"]["xp"] >= 50


def test_my_badges_show_what_i_earned_and_what_is_left(api, owner):
    book_generated(owner)
    badges = api.get("/api/v1/me/badges/?page_size=100").json()["results"]
    first = next(badge for badge in badges if badge["slug"] == "first-book")
    assert first["earned_at"] and first["percent"] == 100
    assert any(badge["earned_at"] is None for badge in badges)


def test_my_missions_count_what_i_made(api, owner):
    missions = api.get("/api/v1/me/missions/").json()["results"]
    assert missions and all(0 <= mission["percent"] <= 100 for mission in missions)


def test_the_leaderboard_lists_players_without_their_email(api, owner, other_user):
    book_generated(owner)
    book_generated(other_user)
    body = api.get("/api/v1/leaderboard/?scope=global&period=week").json()
    assert body["scope"] == "global" and body["period"] == "week"
    assert [row["is_me"] for row in body["rows"]].count(True) == 1
    assert "@" not in str(body)


def test_the_friends_leaderboard_has_only_me_without_friends(api, owner, other_user):
    book_generated(other_user)
    rows = api.get("/api/v1/leaderboard/?scope=friends").json()["rows"]
    assert [row["is_me"] for row in rows] == [True]


@pytest.mark.parametrize("query", ["scope=galaxy", "period=forever"])
def test_an_unknown_board_is_a_400(api, query):
    assert query.split("=")[0] in assert_error(api.get(f"/api/v1/leaderboard/?{query}"), 400, "invalid")
