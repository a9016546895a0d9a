"""The dashboard, game settings and friends pages, as a signed-in parent and as a stranger."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from gamification.models import Follow, Player, XPEvent
from gamification.selectors import home_summary
from gamification.tests.factories import book_generated

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["progress", "leaderboards", "friends"])
def test_pages_ask_strangers_to_sign_in(client, name):
    response = client.get(reverse(f"gamification:{name}"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_new_parent_sees_level_1_badges_to_earn_and_missions_without_any_write(owner_client, owner):
    response = owner_client.get(reverse("gamification:progress"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Level 1" in content and "First book" in content and "100 XP to the next level" in content
    assert "data-mission=" in content
    assert not Player.objects.filter(pk=owner.pk).exists()


def test_the_dashboard_shows_level_xp_streak_books_pages_and_earned_badges(owner_client, owner, time_machine):
    time_machine.move_to(datetime(2025, 3, 18, 10, tzinfo=ZoneInfo("America/Sao_Paulo")), tick=False)
    book_generated(owner, num_pages=12)
    book_generated(owner, num_pages=6)
    response = owner_client.get(reverse("gamification:progress"))
    content = response.content.decode()
    player = Player.objects.get(pk=owner.pk)
    assert f"{player.xp} XP" in content
    assert "<dd data-streak>1</dd>" in content
    assert "<dd data-books>2</dd>" in content and "<dd data-pages>18</dd>" in content
    assert 'class="gm-badge gm-earned" data-badge="first-book"' in content
    assert 'class="gm-badge gm-locked" data-badge="books-5"' in content


def test_the_home_page_slot_gets_level_and_progress(owner):
    assert home_summary(user=owner) == {
        "level": 1,
        "level_name": "Scribbler",
        "xp": 0,
        "level_xp": 0,
        "next_level_xp": 100,
        "xp_to_next": 100,
        "progress": 0,
    }


def test_settings_change_the_time_zone_and_leaderboard_visibility(owner_client, owner):
    response = owner_client.post(reverse("gamification:settings"), {"time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    player = Player.objects.get(pk=owner.pk)
    assert (player.time_zone, player.on_leaderboards) == ("Asia/Tokyo", False)


def test_settings_refuse_an_unknown_time_zone(owner_client, owner):
    response = owner_client.post(
        reverse("gamification:settings"), {"time_zone": "Mars/Olympus", "on_leaderboards": "on"}
    )
    assert response.status_code == 400
    assert not Player.objects.filter(pk=owner.pk).exists()


def _named(email: str, name: str):
    return get_user_model().objects.create_user(email=email, display_name=name)


def test_asking_by_name_or_email_looks_the_same_whether_or_not_anybody_matched(owner_client, owner):
    _named("bia.family@example.com", "Bia")
    answers = []
    for typed in ("Bia", "bia.family@example.com", "Nobody", "nobody@example.com"):
        response = owner_client.post(
            reverse("gamification:friend_request"), {"name_or_email": typed}, follow=True
        )
        answers.append([str(message) for message in response.context["messages"]])
    assert all(answer == answers[0] for answer in answers)
    page = owner_client.get(reverse("gamification:friends")).content.decode()
    for typed in ("Nobody", "nobody@example.com", "Bia"):
        assert typed in page  # each one waits for an answer, as typed
    assert Follow.objects.filter(from_user=owner, to_user__isnull=False).count() == 1


def test_the_person_asked_sees_the_display_name_never_the_email_and_can_accept(client, owner):
    owner.display_name = "Ana"
    owner.save()
    bia = _named("bia@example.com", "Bia")
    client.force_login(owner)
    client.post(reverse("gamification:friend_request"), {"name_or_email": "bia@example.com"})
    client.force_login(bia)
    page = client.get(reverse("gamification:friends")).content.decode()
    assert "Ana" in page and "owner@example.com" not in page
    follow = Follow.objects.get(to_user=bia)
    client.post(reverse("gamification:friend_accept", args=[follow.id]))
    assert Follow.objects.get(id=follow.id).status == Follow.Status.ACCEPTED
    client.force_login(owner)
    assert "Bia" in client.get(reverse("gamification:leaderboards"), {"board": "friends"}).content.decode()


def test_only_the_person_asked_can_answer_a_request(client, owner, other_user):
    bia = _named("bia@example.com", "Bia")
    follow = Follow.objects.create(from_user=owner, to_user=bia)
    client.force_login(other_user)
    client.post(reverse("gamification:friend_accept", args=[follow.id]))
    client.force_login(owner)  # the sender cannot accept their own request either
    client.post(reverse("gamification:friend_accept", args=[follow.id]))
    assert Follow.objects.get(id=follow.id).status == Follow.Status.PENDING


def test_declining_and_unfollowing(client, owner):
    bia = _named("bia@example.com", "Bia")
    asked = Follow.objects.create(from_user=owner, to_user=bia)
    client.force_login(bia)
    client.post(reverse("gamification:friend_decline", args=[asked.id]))
    assert not Follow.objects.filter(id=asked.id).exists()
    friends = Follow.objects.create(from_user=owner, to_user=bia, status=Follow.Status.ACCEPTED)
    client.post(reverse("gamification:friend_remove", args=[friends.id]))  # either side may end it
    assert not Follow.objects.filter(id=friends.id).exists()


def test_asking_someone_who_already_asked_you_makes_you_friends(client, owner):
    bia = _named("bia@example.com", "Bia")
    Follow.objects.create(from_user=bia, to_user=owner)
    client.force_login(owner)
    client.post(reverse("gamification:friend_request"), {"name_or_email": "Bia"})
    assert Follow.objects.get(from_user=bia, to_user=owner).status == Follow.Status.ACCEPTED


def test_a_name_shared_by_two_people_reaches_nobody(owner_client, owner):
    _named("a@example.com", "Sam")
    _named("b@example.com", "Sam")
    owner_client.post(reverse("gamification:friend_request"), {"name_or_email": "Sam"})
    assert Follow.objects.get(from_user=owner).to_user is None


def test_downloading_a_pdf_from_the_book_page_pays_xp(owner_client, owner):
    from books.models import Book
    from books.tests.factories import book_factory
    from exports.services import export_print_pdf

    book = book_factory(owner=owner, status=Book.Status.GENERATED)
    for page in book.pages.all():
        page.status = page.Status.DONE
        page.save()
    export_print_pdf(book=book)
    response = owner_client.get(reverse("books:download", args=[book.id]))
    assert response.status_code == 200
    assert XPEvent.objects.filter(user=owner, action="pdf_downloaded").count() == 1
