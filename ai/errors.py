"""Errors raised by the AI layer."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from fabrica.errors import ApplicationError


class ProviderError(ApplicationError):
    """One provider failed one call; ``transient`` says whether trying again may help."""

    code = "provider_error"
    status_code = 502

    def __init__(
        self,
        message: str,
        *,
        transient: bool = False,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ):
        super().__init__(message, code=code, details=details)
        self.transient = transient


class RateLimited(ProviderError):
    """The provider answered 429; ``retry_after``: the seconds it asked us to wait, when it said."""

    code = "rate_limited"
    status_code = 503

    def __init__(
        self, message: str, *, retry_after: float | None = None, details: dict[str, Any] | None = None
    ):
        details = {**(details or {}), **({"retry_after": retry_after} if retry_after is not None else {})}
        super().__init__(message, transient=True, details=details)
        self.retry_after = retry_after


class ProviderBusy(ProviderError):
    """No call was made: the provider is at its limit of calls in flight, or cooling down after a 429.

    ``retry_after`` is the earliest sensible moment to try again, in seconds; re-queue the
    work with that countdown rather than waiting in a worker.
    """

    code = "provider_busy"
    status_code = 503

    def __init__(self, message: str, *, retry_after: float, details: dict[str, Any] | None = None):
        super().__init__(message, transient=True, details={**(details or {}), "retry_after": retry_after})
        self.retry_after = retry_after


class StoryInvalid(ProviderError):
    """The provider answered, but the story breaks the contract (page count, empty text...)."""

    code = "story_invalid"


class AllProvidersFailed(ApplicationError):
    """Every provider failed; ``transient`` says whether trying again later may help."""

    code = "ai_unavailable"
    status_code = 503
    # Translated when raised (ai.services._all_failed).
    default_message = gettext_noop("Our illustrators are busy right now. Please try again in a few minutes.")
    story_message = gettext_noop("Our storytellers are busy right now. Please try again in a few minutes.")

    def __init__(
        self,
        message: str = default_message,
        *,
        details: dict[str, Any] | None = None,
        transient: bool = True,
        retry_after: float | None = None,
    ):
        super().__init__(message, details=details)
        self.transient = transient
        # Set when a provider asked for a pause (busy or 429): the earliest one, in seconds.
        self.retry_after = retry_after
