"""Thin Celery wrappers around the gamification services."""

from __future__ import annotations

from celery import shared_task

from gamification.missions import missions_rotate as rotate


@shared_task
def missions_rotate() -> int:
    """Publish the coming days' and weeks' missions (idempotent: existing rotations are kept)."""
    return len(rotate())
