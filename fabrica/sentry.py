"""Error reports to Sentry, only when ``SENTRY_DSN`` is set.

Called from the settings, so the web processes and the Celery worker and beat all report. Events
carry the request id (``fabrica.log``) as a tag, so a report leads to the log lines of the
request or task that failed. No personal data is sent (``send_default_pii=False``): no cookies,
no user e-mail, no IP address.

Environment: ``SENTRY_DSN``, ``SENTRY_ENVIRONMENT`` (default ``production``), ``SENTRY_RELEASE``
(for instance the git commit the image was built from), ``SENTRY_TRACES_SAMPLE_RATE`` (0 to 1,
default 0: errors only).
"""

from __future__ import annotations

import logging
import os

from django.core.exceptions import ImproperlyConfigured


def _rate(name: str, default: float) -> float:
    value = os.environ.get(name) or ""
    if not value:
        return default
    try:
        rate = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number from 0 to 1, not {value!r}") from None
    if not 0 <= rate <= 1:
        raise ImproperlyConfigured(f"{name} must be a number from 0 to 1, not {value!r}")
    return rate


def _tag_request_id(event, hint):
    from fabrica.log import request_id_get

    request_id = request_id_get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def sentry_init() -> bool:
    """Start the Sentry SDK when ``SENTRY_DSN`` is set; says whether it did."""
    dsn = os.environ.get("SENTRY_DSN", "").strip()
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=os.environ.get("SENTRY_ENVIRONMENT") or "production",
        release=os.environ.get("SENTRY_RELEASE") or None,
        traces_sample_rate=_rate("SENTRY_TRACES_SAMPLE_RATE", 0.0),
        send_default_pii=False,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            # INFO lines become breadcrumbs of an event; ERROR lines become events of their own.
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        before_send=_tag_request_id,
    )
    return True
