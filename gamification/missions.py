"""Daily and weekly missions: picked once per day and per ISO week, counted in each user's own day.

A day's missions are the same for everyone who is on that calendar day; a family in Tokyo moves to
the next day's missions at its own midnight, hours before a family in São Paulo. Celery beat
(``gamification.tasks.missions_rotate``) publishes the rotations ahead of time; when it has not run
yet, the first user to need a day's missions picks them, with the same deterministic choice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from gamification.ledger import News, xp_pay
from gamification.models import (
    Action,
    Mission,
    MissionProgress,
    MissionRotation,
    MissionTemplate,
    Period,
    Player,
)
from gamification.rules import day_key, local_day, next_midnight, next_week_start, week_key


@dataclass(frozen=True)
class MissionStatus:
    mission: Mission
    progress: int
    completed_at: datetime | None
    ends_at: datetime

    @property
    def template(self) -> MissionTemplate:
        return self.mission.template

    @property
    def percent(self) -> int:
        return min(100, self.progress * 100 // max(self.template.target, 1))


def period_keys(day: date) -> dict[str, str]:
    return {Period.DAILY: day_key(day), Period.WEEKLY: week_key(day)}


def _count(period: str) -> int:
    return (
        settings.GAMIFICATION_DAILY_MISSIONS
        if period == Period.DAILY
        else settings.GAMIFICATION_WEEKLY_MISSIONS
    )


def _previous_key(period: str, key: str) -> str:
    if period == Period.DAILY:
        return day_key(date.fromisoformat(key) - timedelta(days=1))
    year, week = key.split("-W")
    return week_key(date.fromisocalendar(int(year), int(week), 1) - timedelta(days=7))


def _pick(period: str, key: str) -> list[MissionTemplate]:
    """The same choice in every process for the same key: seeded by the key, avoiding the previous picks."""
    templates = list(
        MissionTemplate.objects.filter(period=period, is_active=True)
        .filter(Q(style__isnull=True) | Q(style__is_active=True))
        .order_by("id")
    )
    previous = set(
        Mission.objects.filter(rotation__period=period, rotation__key=_previous_key(period, key)).values_list(
            "template_id", flat=True
        )
    )
    fresh = [template for template in templates if template.id not in previous]
    pool = fresh if len(fresh) >= _count(period) else templates
    return random.Random(f"{period}:{key}").sample(pool, min(_count(period), len(pool)))


def rotation_get_or_create(*, period: str, key: str) -> MissionRotation:
    rotation = MissionRotation.objects.filter(period=period, key=key).first()
    if rotation is not None:
        return rotation
    try:
        with transaction.atomic():
            rotation = MissionRotation.objects.create(period=period, key=key)
            Mission.objects.bulk_create(Mission(rotation=rotation, template=t) for t in _pick(period, key))
    except IntegrityError:  # beat or another request picked them first
        rotation = MissionRotation.objects.get(period=period, key=key)
    return rotation


def missions_rotate(*, now: datetime | None = None) -> list[str]:
    """Publish the missions of every day that is today or tomorrow somewhere on Earth, and their weeks."""
    utc_today = (now or timezone.now()).astimezone(UTC).date()
    created = []
    for day in (utc_today - timedelta(days=1), utc_today, utc_today + timedelta(days=1)):
        for period, key in period_keys(day).items():
            if not MissionRotation.objects.filter(period=period, key=key).exists():
                rotation_get_or_create(period=period, key=key)
                created.append(f"{period} {key}")
    return created


def missions_current(*, time_zone: str, now: datetime) -> list[Mission]:
    """Today's and this week's missions in the user's time zone (picked now if nobody did yet)."""
    rotations = [
        rotation_get_or_create(period=p, key=k) for p, k in period_keys(local_day(time_zone, now)).items()
    ]
    return list(
        Mission.objects.filter(rotation__in=rotations)
        .select_related("rotation", "template__style")
        .order_by("rotation__period", "id")  # "daily" sorts before "weekly"
    )


def missions_advance(
    *, player: Player, goals: dict[str, int], style_id: int | None, news: News, now: datetime
):
    """Count an activity towards the locked player's current missions; pay the ones it completes."""
    missions = [
        mission
        for mission in missions_current(time_zone=player.time_zone, now=now)
        if goals.get(mission.template.goal) and mission.template.style_id in (None, style_id)
    ]
    if not missions:
        return
    rows = {
        row.mission_id: row for row in MissionProgress.objects.filter(user_id=player.pk, mission__in=missions)
    }
    for mission in missions:
        row = rows.get(mission.id) or MissionProgress(user_id=player.pk, mission=mission)
        if row.completed_at:
            continue
        template = mission.template
        row.progress = min(template.target, row.progress + goals[template.goal])
        if row.progress >= template.target:
            row.completed_at = now
            player.missions_completed += 1
            xp_pay(
                player,
                action=Action.MISSION_COMPLETED,
                key=f"mission:{mission.id}",
                amount=template.xp_reward,
                now=now,
            )
            news.missions.append(mission)
        row.save()


def missions_status(*, player: Player, now: datetime | None = None) -> list[MissionStatus]:
    now = now or timezone.now()
    missions = missions_current(time_zone=player.time_zone, now=now)
    rows = {
        row.mission_id: row for row in MissionProgress.objects.filter(user_id=player.pk, mission__in=missions)
    }
    ends = {
        Period.DAILY: next_midnight(player.time_zone, now),
        Period.WEEKLY: next_week_start(player.time_zone, now),
    }
    return [
        MissionStatus(
            mission=mission,
            progress=rows[mission.id].progress if mission.id in rows else 0,
            completed_at=rows[mission.id].completed_at if mission.id in rows else None,
            ends_at=ends[mission.rotation.period],
        )
        for mission in missions
    ]
