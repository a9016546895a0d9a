"""Time budgets that add up: every attempt the router may make fits in its task's time limit.

Transient provider errors are retried in one place, the router (``ai.services._call``), per
provider, with capped backoff. The Celery tasks that call it do not call the provider again
for a provider error, so the longest a router call can take is known from the settings, and
the picture and story tasks' soft time limits must be at least that.
"""

from __future__ import annotations

import math

from django.core.exceptions import ImproperlyConfigured

# Room left in a task for what is not a provider call: normalizing the picture to line art,
# its QC, the thumbnail and the database writes, on a busy machine.
TASK_MARGIN_SECONDS = 30


def call_budget_seconds(*, timeout: float, attempts: int, providers: int, backoff_max: float) -> float:
    """The longest one router call can take, every provider failing slowly.

    Per provider: ``attempts`` calls with a capped backoff between them, plus the one repair
    (an invalid story) or corrective call (a picture failing the QC), which is not retried.
    """
    attempts = max(1, attempts)
    per_provider = (attempts + 1) * timeout + (attempts - 1) * backoff_max
    return max(1, providers) * per_provider


def soft_time_limit_for(*, timeout: float, attempts: int, providers: int, backoff_max: float) -> int:
    """The default soft time limit of a task that makes one router call: its budget and a margin."""
    budget = call_budget_seconds(
        timeout=timeout, attempts=attempts, providers=providers, backoff_max=backoff_max
    )
    return math.ceil(budget) + TASK_MARGIN_SECONDS


def budgets_check(settings) -> None:
    """Refuse to start when a task's soft time limit cannot hold every attempt of its router call."""
    for capability, limit_name in (
        ("text", "STORY_TASK_SOFT_TIME_LIMIT"),
        ("image", "PICTURE_TASK_SOFT_TIME_LIMIT"),
    ):
        providers = len(getattr(settings, f"AI_{capability.upper()}_PROVIDERS", None) or ["offline"])
        needed = soft_time_limit_for(
            timeout=settings.AI_TIMEOUT_SECONDS,
            attempts=settings.AI_ATTEMPTS_PER_PROVIDER,
            providers=providers,
            backoff_max=settings.AI_RETRY_BACKOFF_MAX_SECONDS,
        )
        limit = getattr(settings, limit_name)
        if limit < needed:
            raise ImproperlyConfigured(
                f"{limit_name}={limit} s cannot hold the {capability} calls: {providers} provider(s) × "
                f"({settings.AI_ATTEMPTS_PER_PROVIDER} attempts + 1 repair) × AI_TIMEOUT_SECONDS="
                f"{settings.AI_TIMEOUT_SECONDS} s plus backoff (AI_RETRY_BACKOFF_MAX_SECONDS="
                f"{settings.AI_RETRY_BACKOFF_MAX_SECONDS} s) and {TASK_MARGIN_SECONDS} s of margin need "
                f"{needed} s. Raise {limit_name}, or lower AI_TIMEOUT_SECONDS or AI_ATTEMPTS_PER_PROVIDER."
            )
        hard_name = limit_name.replace("_SOFT_", "_")
        if getattr(settings, hard_name) <= limit:
            raise ImproperlyConfigured(f"{hard_name} must be longer than {limit_name}.")
