"""The time budgets add up: the router's attempts fit in the time of the task that makes them."""

from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from ai.budget import TASK_MARGIN_SECONDS, budgets_check, call_budget_seconds


def _settings(**overrides):
    values = {
        "AI_TEXT_PROVIDERS": ["gemini"],
        "AI_IMAGE_PROVIDERS": ["gemini", "openrouter"],
        "AI_TIMEOUT_SECONDS": 60,
        "AI_ATTEMPTS_PER_PROVIDER": 2,
        "AI_RETRY_BACKOFF_MAX_SECONDS": 8,
        "STORY_TASK_SOFT_TIME_LIMIT": 300,
        "STORY_TASK_TIME_LIMIT": 330,
        "PICTURE_TASK_SOFT_TIME_LIMIT": 500,
        "PICTURE_TASK_TIME_LIMIT": 530,
    }
    return SimpleNamespace(**{**values, **overrides})


def test_a_call_may_take_every_attempt_and_the_repair_of_every_provider_with_the_backoff_between():
    # 2 providers × ((2 attempts + 1 repair) × 60 s + 1 backoff of 8 s)
    assert call_budget_seconds(timeout=60, attempts=2, providers=2, backoff_max=8) == 2 * (180 + 8)


def test_the_default_settings_add_up():
    budgets_check(django_settings)  # what every start-up runs (ai.apps)
    assert (
        TASK_MARGIN_SECONDS
        + call_budget_seconds(
            timeout=django_settings.AI_TIMEOUT_SECONDS,
            attempts=django_settings.AI_ATTEMPTS_PER_PROVIDER,
            providers=len(django_settings.AI_IMAGE_PROVIDERS),
            backoff_max=django_settings.AI_RETRY_BACKOFF_MAX_SECONDS,
        )
        <= django_settings.PICTURE_TASK_SOFT_TIME_LIMIT
    )


def test_budgets_that_fit_are_accepted():
    budgets_check(_settings())


def test_retries_that_cannot_fit_in_the_picture_task_refuse_to_start():
    # The old defaults: 90 s × 3 attempts in a 120 s task.
    too_long = _settings(
        AI_TIMEOUT_SECONDS=90,
        AI_ATTEMPTS_PER_PROVIDER=3,
        STORY_TASK_SOFT_TIME_LIMIT=900,
        STORY_TASK_TIME_LIMIT=930,
        PICTURE_TASK_SOFT_TIME_LIMIT=120,
    )
    with pytest.raises(
        ImproperlyConfigured, match="PICTURE_TASK_SOFT_TIME_LIMIT=120 s cannot hold the image calls"
    ):
        budgets_check(too_long)


def test_a_second_story_provider_needs_a_longer_story_task():
    with pytest.raises(ImproperlyConfigured, match="STORY_TASK_SOFT_TIME_LIMIT"):
        budgets_check(_settings(AI_TEXT_PROVIDERS=["gemini", "openrouter"]))


def test_the_hard_limit_must_leave_time_after_the_soft_one():
    with pytest.raises(ImproperlyConfigured, match="PICTURE_TASK_TIME_LIMIT must be longer"):
        budgets_check(_settings(PICTURE_TASK_TIME_LIMIT=500))
