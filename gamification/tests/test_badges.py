"""Every badge rule: not earned one step short, earned by the action that reaches it, and only once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from books.models import Book, Style
from books.tests.factories import book_factory
from gamification.badges import badges_progress
from gamification.models import Action, Badge, MissionTemplate, Player, UserBadge, XPEvent
from gamification.services import on_book_shared, on_page_regenerated
from gamification.tests.factories import activity, book_generated, redraw_job

pytestmark = pytest.mark.django_db

NOON = datetime(2025, 3, 10, 12, tzinfo=ZoneInfo("America/Sao_Paulo"))


@pytest.fixture(autouse=True)
def _no_missions(catalog):
    # Today's missions depend on the date, and finishing one counts towards "mission master";
    # these tests set the mission count themselves (test_missions.py tests the missions).
    MissionTemplate.objects.update(is_active=False)


def _earned(user) -> set[str]:
    return set(UserBadge.objects.filter(user=user).values_list("badge__slug", flat=True))


def _books(user, count: int, **fields) -> None:
    for _ in range(count):
        book_generated(user, **fields)


def _missions_done(user, count: int) -> None:
    player = Player.objects.get(pk=user.pk)
    Player.objects.filter(pk=user.pk).update(missions_completed=player.missions_completed + count)


def test_there_are_at_least_twelve_badges_seeded_as_data(catalog):
    assert Badge.objects.filter(is_active=True).count() >= 12


@pytest.mark.parametrize(("slug", "count"), [("first-book", 1), ("books-5", 5), ("books-25", 25)])
def test_book_count_badges(owner, slug, count):
    _books(owner, count - 1)
    assert slug not in _earned(owner)
    _books(owner, 1)
    assert slug in _earned(owner)


def test_the_hundredth_book_earns_the_book_factory(owner):
    # Ninety-nine books as the totals say, then the hundredth made for real.
    _books(owner, 1)
    Player.objects.filter(pk=owner.pk).update(books_generated=98)
    _books(owner, 1)
    assert "books-100" not in _earned(owner)
    _books(owner, 1)
    assert "books-100" in _earned(owner)


def test_every_style_tried(owner):
    styles = list(Style.objects.filter(is_active=True).values_list("slug", flat=True))
    for slug in styles[:-1]:
        _books(owner, 2, style=slug)
    assert "all-styles" not in _earned(owner)
    _books(owner, 1, style=styles[-1])
    assert "all-styles" in _earned(owner)


def test_every_style_means_the_styles_on_offer_now(owner):
    Style.objects.exclude(slug__in=["cartoon", "manga"]).update(is_active=False)
    _books(owner, 1, style="cartoon")
    _books(owner, 1, style="manga")
    assert "all-styles" in _earned(owner)


def test_a_hundred_pages_to_colour(owner):
    _books(owner, 4, num_pages=20)  # 80 pages
    _books(owner, 1, num_pages=19)
    assert "pages-100" not in _earned(owner)
    _books(owner, 1, num_pages=5)
    assert "pages-100" in _earned(owner)


def test_a_twenty_page_book(owner):
    _books(owner, 3, num_pages=19)
    assert "big-book" not in _earned(owner)
    _books(owner, 1, num_pages=20)
    assert "big-book" in _earned(owner)


def test_a_book_in_each_language(owner):
    _books(owner, 2, language="pt-BR")
    _books(owner, 1, language="en")
    assert "polyglot" not in _earned(owner)
    _books(owner, 1, language="es")
    assert "polyglot" in _earned(owner)


def test_first_share(owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATED)
    assert "first-share" not in _earned(owner)
    on_book_shared(user=owner, book=book)
    assert "first-share" in _earned(owner)


def test_first_pdf(owner):
    assert "first-pdf" not in _earned(owner)
    activity(owner, Action.PDF_DOWNLOADED)
    assert "first-pdf" in _earned(owner)


@pytest.mark.parametrize(("slug", "days"), [("streak-3", 3), ("streak-7", 7)])
def test_streak_badges(owner, time_machine, slug, days):
    for day in range(days - 1):
        time_machine.move_to(NOON + timedelta(days=day), tick=False)
        activity(owner)
    assert slug not in _earned(owner)
    time_machine.move_to(NOON + timedelta(days=days - 1), tick=False)
    activity(owner)
    assert slug in _earned(owner)


def test_a_broken_streak_does_not_count_towards_the_next_badge(owner, time_machine):
    for day in (0, 1, 3, 4):
        time_machine.move_to(NOON + timedelta(days=day), tick=False)
        activity(owner)
    assert "streak-3" not in _earned(owner)


def test_mission_master_after_five_missions(owner):
    activity(owner)  # creates the player
    _missions_done(owner, 4)
    activity(owner)
    assert "missions-5" not in _earned(owner)
    _missions_done(owner, 1)
    activity(owner)
    assert "missions-5" in _earned(owner)


def test_a_rule_staff_add_in_the_admin_works_too(owner):
    Badge.objects.create(
        slug="redraw-2",
        name="Perfectionist",
        description="Redrew 2 pages.",
        icon="✏️",
        rule="redraws",
        threshold=2,
    )
    book = book_factory(owner=owner, status=Book.Status.GENERATED)
    for _ in range(2):
        redraw_job(owner, book)
        on_page_regenerated(user=owner, page=book.pages.get(number=1))
    assert "redraw-2" in _earned(owner)


def test_a_badge_pays_its_reward_once(owner):
    _books(owner, 3)
    assert (
        XPEvent.objects.filter(user=owner, action=Action.BADGE_EARNED, key__startswith="badge:").count() == 1
    )
    assert UserBadge.objects.filter(user=owner).count() == 1


def test_the_database_refuses_the_same_badge_twice(owner):
    badge = Badge.objects.get(slug="first-book")
    UserBadge.objects.create(user=owner, badge=badge)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserBadge.objects.create(user=owner, badge=badge)


def test_an_inactive_badge_is_not_awarded(owner):
    Badge.objects.filter(slug="first-book").update(is_active=False)
    _books(owner, 1)
    assert "first-book" not in _earned(owner)


def test_progress_towards_locked_badges_is_visible(owner):
    _books(owner, 3)
    progress = {item.badge.slug: item for item in badges_progress(player=Player.objects.get(pk=owner.pk))}
    assert progress["first-book"].earned_at is not None
    assert (progress["books-5"].value, progress["books-5"].target, progress["books-5"].percent) == (3, 5, 60)
    assert (progress["pages-100"].value, progress["pages-100"].target) == (15, 100)
