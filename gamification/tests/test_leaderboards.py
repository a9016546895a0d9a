"""Leaderboards: ties share a rank, the viewer's rank shows beyond the top 50, privacy holds."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from gamification.friends import follow_accept, follow_request
from gamification.models import Player
from gamification.rules import board_week
from gamification.selectors import leaderboard

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 18, 12, tzinfo=ZoneInfo("America/Sao_Paulo"))
WEEK = 202512


def _user(name: str, xp: int = 0, weekly: int | None = None, week: int = WEEK, **fields):
    user = get_user_model().objects.create_user(email=f"{name.lower()}@example.com", display_name=name)
    Player.objects.create(user=user, xp=xp, weekly_xp=xp if weekly is None else weekly, week=week, **fields)
    return user


def _ranks(board) -> list[tuple[int, str, int]]:
    return [(row.rank, row.name, row.score) for row in board["rows"]]


def test_equal_xp_share_a_rank_and_the_next_rank_skips(db):
    for name, xp in (("Ana", 300), ("Bia", 200), ("Caio", 200)):
        _user(name, xp)
    duda = _user("Duda", 100)
    board = leaderboard(user=duda, now=NOW)
    assert _ranks(board) == [(1, "Ana", 300), (2, "Bia", 200), (2, "Caio", 200), (4, "Duda", 100)]
    assert board["my_rank"] == 4
    assert [row.is_me for row in board["rows"]] == [False, False, False, True]


def test_tied_at_the_top_everyone_is_first(db):
    users = [_user(name, 50) for name in ("Ana", "Bia", "Caio")]
    assert [row.rank for row in leaderboard(user=users[2], now=NOW)["rows"]] == [1, 1, 1]


def test_my_rank_shows_when_i_am_outside_the_top_50(db):
    for n in range(55):
        _user(f"Player{n:02d}", 1000 - n)
    me = _user("Me", 900)
    tied = _user("Tied", 946)  # tied with Player54; 56 players are above Me
    board = leaderboard(user=me, now=NOW)
    assert len(board["rows"]) == 50
    assert not board["me_listed"]
    assert board["my_rank"] == 57
    assert leaderboard(user=tied, now=NOW)["my_rank"] == 55  # tied with Player54 at 946 XP


def test_the_weekly_board_counts_only_this_week(db, settings):
    settings.TIME_ZONE = "America/Sao_Paulo"
    assert board_week(NOW) == WEEK
    old = _user("Old", xp=5000, weekly=5000, week=WEEK - 1)
    fresh = _user("Fresh", xp=100, weekly=100)
    keen = _user("Keen", xp=300, weekly=250)
    board = leaderboard(user=old, period="week", now=NOW)
    assert _ranks(board) == [(1, "Keen", 250), (2, "Fresh", 100)]
    assert board["my_rank"] is None  # no XP this week yet
    assert _ranks(leaderboard(user=fresh, period="all", now=NOW))[0] == (1, "Old", 5000)
    assert leaderboard(user=keen, period="week", now=NOW)["my_rank"] == 1


def test_opted_out_users_are_hidden_from_global_boards_but_not_from_friends(db):
    kid = _user("Kid", 900, on_leaderboards=False)
    parent = _user("Parent", 100)
    assert "Kid" not in [row.name for row in leaderboard(user=parent, now=NOW)["rows"]]
    board = leaderboard(user=kid, now=NOW)
    assert board["hidden"] and board["my_rank"] is None
    follow_accept(user=kid, follow_id=follow_request(user=parent, name_or_email="Kid").id)
    assert _ranks(leaderboard(user=parent, board="friends", now=NOW)) == [(1, "Kid", 900), (2, "Parent", 100)]


def test_the_friends_board_has_me_and_my_accepted_friends_only(db):
    me, friend, stranger, _asked = (
        _user("Me", 10),
        _user("Friend", 20),
        _user("Stranger", 30),
        _user("Asked", 40),
    )
    follow_accept(user=friend, follow_id=follow_request(user=me, name_or_email="friend@example.com").id)
    follow_request(user=me, name_or_email="Asked")  # not accepted yet
    board = leaderboard(user=me, board="friends", period="all", now=NOW)
    assert _ranks(board) == [(1, "Friend", 20), (2, "Me", 10)]
    assert board["my_rank"] == 2
    # Friendship goes both ways once accepted.
    assert [row.name for row in leaderboard(user=friend, board="friends", now=NOW)["rows"]] == [
        "Friend",
        "Me",
    ]
    assert stranger.pk not in [row.user_id for row in board["rows"]]


def test_friends_ties_share_a_rank(db):
    me, a, b = _user("Me", 10), _user("A", 10), _user("B", 30)
    for other in (a, b):
        follow_accept(user=other, follow_id=follow_request(user=me, name_or_email=other.display_name).id)
    assert [row.rank for row in leaderboard(user=me, board="friends", now=NOW)["rows"]] == [1, 2, 2]


def test_the_page_never_shows_emails_and_labels_nameless_users(client, db):
    nameless = get_user_model().objects.create_user(email="secret.kid@example.com")
    Player.objects.create(user=nameless, xp=70)
    me = _user("Me", 10)
    client.force_login(me)
    response = client.get(reverse("gamification:leaderboards"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "secret.kid" not in content and "@example.com" not in content
    assert f"Colorist #{nameless.pk}" in content


def test_a_leaderboard_page_is_a_few_indexed_queries_whatever_the_number_of_players(
    client, db, django_assert_max_num_queries
):
    for n in range(60):
        _user(f"P{n}", n * 10)
    me = _user("Me", 5)
    client.force_login(me)
    # session + user, my player, the top 50 (joined to their users), my rank
    with django_assert_max_num_queries(5):
        response = client.get(reverse("gamification:leaderboards"), {"board": "global", "period": "all"})
    assert response.status_code == 200
    assert b"You are number 60" in response.content


def test_tabs_load_the_board_partial_over_htmx(client, db):
    me = _user("Me", 5)
    client.force_login(me)
    response = client.get(reverse("gamification:leaderboards"), {"period": "week"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b'id="board"' in response.content
    assert b"<html" not in response.content
