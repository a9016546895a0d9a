"""Missions: picked per day and week, counted in each user's own day, rotated by celery-beat."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django_celery_beat.models import PeriodicTask

from books.catalog import catalog_seed
from gamification.missions import missions_current, missions_status, rotation_get_or_create
from gamification.models import (
    Action,
    Mission,
    MissionProgress,
    MissionRotation,
    MissionTemplate,
    Player,
    XPEvent,
)
from gamification.tasks import missions_rotate
from gamification.tests.factories import activity, book_generated

pytestmark = pytest.mark.django_db

SAO_PAULO = ZoneInfo("America/Sao_Paulo")  # UTC−3
TOKYO = ZoneInfo("Asia/Tokyo")  # UTC+9


@pytest.fixture
def one_mission_each(catalog):
    """Only "make a book today" and "make 3 books this week" on offer, so every day picks them."""
    MissionTemplate.objects.exclude(slug__in=["day-book", "week-books-3"]).update(is_active=False)


def _players(owner, other_user):
    Player.objects.create(user=owner, time_zone="America/Sao_Paulo")
    Player.objects.create(user=other_user, time_zone="Asia/Tokyo")


def _keys(user, now) -> dict[str, str]:
    player = Player.objects.get(pk=user.pk)
    return {m.rotation.period: m.rotation.key for m in missions_current(time_zone=player.time_zone, now=now)}


def _daily_done(user) -> list[str]:
    return sorted(
        MissionProgress.objects.filter(
            user=user, completed_at__isnull=False, mission__rotation__period="daily"
        ).values_list("mission__rotation__key", flat=True)
    )


def test_the_day_turns_over_at_each_users_own_midnight(owner, other_user, one_mission_each, time_machine):
    _players(owner, other_user)
    # 23:59 on Friday 14 March in São Paulo is already 11:59 on Saturday 15 March in Tokyo.
    before = datetime(2025, 3, 14, 23, 59, tzinfo=SAO_PAULO)
    time_machine.move_to(before, tick=False)
    assert _keys(owner, before)["daily"] == "2025-03-14"
    assert _keys(other_user, before)["daily"] == "2025-03-15"
    book_generated(owner)
    assert _daily_done(owner) == ["2025-03-14"]

    after = before + timedelta(minutes=2)  # 00:01 on the 15th in São Paulo
    time_machine.move_to(after, tick=False)
    status = {
        item.mission.rotation.period: item for item in missions_status(player=Player.objects.get(pk=owner.pk))
    }
    assert status["daily"].mission.rotation.key == "2025-03-15"
    assert (status["daily"].progress, status["daily"].completed_at) == (0, None)
    assert status["daily"].ends_at == datetime(2025, 3, 16, tzinfo=SAO_PAULO)
    book_generated(owner)
    assert _daily_done(owner) == ["2025-03-14", "2025-03-15"]
    assert XPEvent.objects.filter(user=owner, action=Action.MISSION_COMPLETED).count() == 2
    # Both books were made "today" in São Paulo on consecutive days: a two-day streak.
    assert Player.objects.get(pk=owner.pk).streak_days == 2


def test_tokyo_moves_to_the_next_day_while_sao_paulo_is_still_at_lunch(
    owner, other_user, one_mission_each, time_machine
):
    _players(owner, other_user)
    before = datetime(2025, 3, 15, 23, 59, tzinfo=TOKYO)
    time_machine.move_to(before, tick=False)
    book_generated(other_user)
    after = before + timedelta(minutes=2)  # 00:01 on the 16th in Tokyo, 12:01 on the 15th in São Paulo
    time_machine.move_to(after, tick=False)
    assert _keys(other_user, after)["daily"] == "2025-03-16"
    assert _keys(owner, after)["daily"] == "2025-03-15"
    book_generated(other_user)
    book_generated(owner)
    assert _daily_done(other_user) == ["2025-03-15", "2025-03-16"]
    assert _daily_done(owner) == ["2025-03-15"]


def test_the_week_turns_over_at_monday_midnight_in_each_time_zone(
    owner, other_user, one_mission_each, time_machine
):
    _players(owner, other_user)
    sunday_night = datetime(2025, 3, 16, 23, 59, tzinfo=SAO_PAULO)  # already Monday in Tokyo
    time_machine.move_to(sunday_night, tick=False)
    assert _keys(owner, sunday_night)["weekly"] == "2025-W11"
    assert _keys(other_user, sunday_night)["weekly"] == "2025-W12"
    book_generated(owner)
    book_generated(owner)
    time_machine.move_to(sunday_night + timedelta(minutes=2), tick=False)
    book_generated(owner)  # Monday in São Paulo: a new week, so the third book starts over at 1 of 3
    weekly = {
        row.mission.rotation.key: row.progress
        for row in MissionProgress.objects.filter(user=owner, mission__rotation__period="weekly")
    }
    assert weekly == {"2025-W11": 2, "2025-W12": 1}


def test_a_mission_completes_once_and_pays_its_reward(owner, one_mission_each, time_machine):
    time_machine.move_to(datetime(2025, 3, 18, 10, tzinfo=SAO_PAULO), tick=False)
    for _ in range(4):
        book_generated(owner)
    player = Player.objects.get(pk=owner.pk)
    assert player.missions_completed == 2  # the day's book and the week's three books
    rewards = XPEvent.objects.filter(user=owner, action=Action.MISSION_COMPLETED).values_list(
        "amount", flat=True
    )
    assert sorted(rewards) == [30, 100]
    weekly = MissionProgress.objects.get(user=owner, mission__rotation__period="weekly")
    assert weekly.progress == 3  # capped at the target


def test_a_style_mission_only_counts_books_in_that_style(owner, catalog, time_machine):
    MissionTemplate.objects.exclude(slug="day-manga").update(is_active=False)
    time_machine.move_to(datetime(2025, 3, 18, 10, tzinfo=SAO_PAULO), tick=False)
    book_generated(owner, style="cartoon")
    assert not MissionProgress.objects.filter(user=owner).exists()
    book_generated(owner, style="manga")
    assert MissionProgress.objects.get(user=owner).completed_at is not None


def test_download_two_pdfs_this_week(owner, catalog, time_machine):
    MissionTemplate.objects.exclude(slug="week-pdfs-2").update(is_active=False)
    time_machine.move_to(datetime(2025, 3, 18, 10, tzinfo=SAO_PAULO), tick=False)
    activity(owner, Action.PDF_DOWNLOADED)
    assert MissionProgress.objects.get(user=owner).progress == 1
    activity(owner, Action.PDF_DOWNLOADED)
    assert MissionProgress.objects.get(user=owner).completed_at is not None


def test_a_day_picks_its_missions_once_and_the_same_way_everywhere(catalog, settings):
    settings.GAMIFICATION_DAILY_MISSIONS = 3
    first = rotation_get_or_create(period="daily", key="2025-03-14")
    again = rotation_get_or_create(period="daily", key="2025-03-14")
    assert first == again
    picked = set(first.missions.values_list("template__slug", flat=True))
    assert len(picked) == 3
    MissionRotation.objects.all().delete()
    assert (
        set(
            rotation_get_or_create(period="daily", key="2025-03-14").missions.values_list(
                "template__slug", flat=True
            )
        )
        == picked
    )


def test_the_next_day_avoids_the_previous_days_missions(catalog):
    monday = set(
        rotation_get_or_create(period="daily", key="2025-03-17").missions.values_list(
            "template_id", flat=True
        )
    )
    tuesday = set(
        rotation_get_or_create(period="daily", key="2025-03-18").missions.values_list(
            "template_id", flat=True
        )
    )
    assert monday.isdisjoint(tuesday)


def test_beat_publishes_the_coming_days_and_weeks_once(catalog, time_machine):
    time_machine.move_to(datetime(2025, 3, 14, 12, tzinfo=ZoneInfo("UTC")), tick=False)
    assert missions_rotate() > 0
    keys = set(MissionRotation.objects.values_list("period", "key"))
    assert {
        ("daily", "2025-03-13"),
        ("daily", "2025-03-14"),
        ("daily", "2025-03-15"),
        ("weekly", "2025-W11"),
    } <= keys
    missions_count = Mission.objects.count()
    assert missions_rotate() == 0
    assert Mission.objects.count() == missions_count


def test_the_rotation_schedule_is_registered_once_and_keeps_operator_changes(catalog):
    name = "gamification: rotate missions"
    PeriodicTask.objects.filter(name=name).update(enabled=False)
    catalog_seed()
    task = PeriodicTask.objects.get(name=name)
    assert (task.task, task.enabled) == ("gamification.tasks.missions_rotate", False)
    assert PeriodicTask.objects.filter(task="gamification.tasks.missions_rotate").count() == 1
