"""Sending one delivery attempt, and what follows from its result: done, retried later, or given up.

Every attempt is its own ``WebhookDelivery`` row (claimed before sending, so a task that runs
twice sends once). A failed attempt queues the next with exponential backoff up to
``WEBHOOKS_MAX_ATTEMPTS``; an event whose last attempt fails counts against the webhook, and
``WEBHOOKS_DISABLE_AFTER_FAILURES`` such events in a row turn it off with a notice to its owner.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

import requests
import urllib3
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ai.secrets import SecretUnreadable
from webhooks.addresses import (
    HostNotFound,
    PinnedAdapter,
    UnsafeDestination,
    destination_check,
    unreachable_message,
)
from webhooks.errors import SigningSecretMissing
from webhooks.events import delivery_queue
from webhooks.models import TEST_EVENT, Webhook, WebhookDelivery
from webhooks.signing import signed_headers

logger = logging.getLogger(__name__)

EXCERPT_CHARS = 500
# The delivery log is kept this long (deliveries_prune).
DELIVERY_LOG_KEPT = timedelta(days=30)
Outcome = WebhookDelivery.Outcome


@dataclass(frozen=True)
class Attempt:
    status_code: int | None = None
    duration_ms: int | None = None
    excerpt: str = ""
    error: str = ""
    retryable: bool = True

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def backoff_seconds(attempt: int) -> float:
    """How long to wait after attempt number ``attempt`` failed: base × 2^(attempt-1), capped."""
    return min(settings.WEBHOOKS_RETRY_MAX_SECONDS, settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** (attempt - 1))


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Send one attempt. Safe to run twice: only the run that claims the row sends it."""
    claimed = WebhookDelivery.objects.filter(id=delivery_id, outcome=Outcome.PENDING).update(
        outcome=Outcome.SENDING, delivered_at=timezone.now()
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("webhook__owner").filter(id=delivery_id).first()
    if delivery is None:
        return None  # the webhook was deleted meanwhile, and its log with it
    if not delivery.webhook.is_active:
        attempt = Attempt(error=_("Not sent: the webhook is turned off."), retryable=False)
    else:
        attempt = _send(webhook=delivery.webhook, delivery=delivery)
    _record(delivery=delivery, attempt=attempt)
    return WebhookDelivery.objects.filter(id=delivery_id).first()


def _send(*, webhook: Webhook, delivery: WebhookDelivery) -> Attempt:
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    try:
        headers = signed_headers(
            secret=webhook.secret,
            event_id=str(delivery.event_id),
            event_type=delivery.event_type,
            timestamp=str(int(time.time())),
            body=body,
        )
    except (SecretUnreadable, SigningSecretMissing):
        logger.error("webhook %s: its signing secret cannot be read; nothing sent", webhook.id)
        return Attempt(error=secret_lost_message(), retryable=False)
    try:
        # Resolved once, here: the connection goes only to these checked addresses.
        addresses = destination_check(webhook.url)
    except UnsafeDestination:
        return Attempt(error=unreachable_message(), retryable=False)
    except HostNotFound:
        return Attempt(error=unreachable_message())
    started = time.monotonic()
    try:
        return _post(webhook.url, addresses=addresses, body=body, headers=headers, started=started)
    except UnsafeDestination:
        return Attempt(duration_ms=_ms(started), error=unreachable_message(), retryable=False)
    except requests.ConnectTimeout:
        return Attempt(duration_ms=_ms(started), error=unreachable_message())
    except requests.Timeout:
        return Attempt(duration_ms=_ms(started), error=_timeout_message(settings.WEBHOOKS_READ_TIMEOUT))
    except requests.exceptions.SSLError as exc:  # only ever from a checked, public address
        return Attempt(
            duration_ms=_ms(started), error=_("Could not connect: %(error)s") % {"error": _brief(exc)}
        )
    except requests.RequestException:
        return Attempt(duration_ms=_ms(started), error=unreachable_message())


def _post(url: str, *, addresses: list[str], body: bytes, headers: dict, started: float) -> Attempt:
    with requests.Session() as session:
        session.trust_env = False  # no proxies from the environment: we connect to the checked addresses
        session.mount("http://", PinnedAdapter(addresses=addresses, max_retries=0))
        session.mount("https://", PinnedAdapter(addresses=addresses, max_retries=0))
        timeout = (settings.WEBHOOKS_CONNECT_TIMEOUT, settings.WEBHOOKS_READ_TIMEOUT)
        with session.post(
            url, data=body, headers=headers, timeout=timeout, allow_redirects=False, stream=True
        ) as response:
            try:
                excerpt = response.raw.read(EXCERPT_CHARS * 4, decode_content=True)
            except (urllib3.exceptions.HTTPError, OSError):
                excerpt = b""  # the status is what counts; a body that stalls is not waited for
    text = excerpt.decode(response.encoding or "utf-8", errors="replace")[:EXCERPT_CHARS]
    error = ""
    if response.is_redirect:
        error = _("Redirects are not followed (to %(location)s).") % {
            "location": response.headers["Location"]
        }
    elif not 200 <= response.status_code < 300:
        error = _("The endpoint answered %(status)s.") % {"status": response.status_code}
    return Attempt(
        status_code=response.status_code, duration_ms=_ms(started), excerpt=text, error=error[:500]
    )


def secret_lost_message() -> str:
    return _(
        "Not sent: this webhook's signing secret can no longer be read (the site's secret key "
        "changed). Delete the webhook and add it again to get a new secret."
    )


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _timeout_message(seconds: float) -> str:
    return _("The endpoint did not answer within %(seconds)s seconds.") % {"seconds": f"{seconds:g}"}


def _brief(exc: Exception) -> str:
    return str(exc)[:300]


@transaction.atomic
def _record(*, delivery: WebhookDelivery, attempt: Attempt) -> None:
    is_test = delivery.event_type == TEST_EVENT
    retry = (
        not attempt.succeeded
        and attempt.retryable
        and not is_test  # a test shows its one result at once
        and delivery.attempt < settings.WEBHOOKS_MAX_ATTEMPTS
    )
    outcome = Outcome.SUCCEEDED if attempt.succeeded else Outcome.RETRYING if retry else Outcome.FAILED
    recorded = WebhookDelivery.objects.filter(id=delivery.id).update(
        outcome=outcome,
        status_code=attempt.status_code,
        duration_ms=attempt.duration_ms,
        response_excerpt=attempt.excerpt,
        error=attempt.error[:500],
    )
    if not recorded:
        return  # deleted with its webhook while it was being sent
    webhook = delivery.webhook
    if attempt.succeeded:
        Webhook.objects.filter(id=webhook.id).update(consecutive_failures=0, last_success_at=timezone.now())
    elif retry:
        delay = backoff_seconds(delivery.attempt)
        delivery_queue(webhook=webhook, payload=delivery.payload, attempt=delivery.attempt + 1, delay=delay)
    elif not is_test and webhook.is_active:
        _event_failed(webhook=webhook, error=attempt.error)


def _event_failed(*, webhook: Webhook, error: str) -> None:
    Webhook.objects.filter(id=webhook.id).update(consecutive_failures=F("consecutive_failures") + 1)
    failures = Webhook.objects.values_list("consecutive_failures", flat=True).get(id=webhook.id)
    if failures < settings.WEBHOOKS_DISABLE_AFTER_FAILURES:
        return
    reason = _(
        "Turned off on %(date)s because %(count)s events in a row could not be delivered. "
        "Last error: %(error)s"
    ) % {"date": timezone.now().date().isoformat(), "count": failures, "error": error}
    turned_off = Webhook.objects.filter(id=webhook.id, is_active=True).update(
        is_active=False, disabled_at=timezone.now(), disabled_reason=reason[:500]
    )
    if turned_off:  # once, even if several events fail at the same time
        logger.warning("webhook %s turned off after %s failed events", webhook.id, failures)
        transaction.on_commit(lambda: _owner_notify(webhook=webhook, reason=reason), robust=True)


def _owner_notify(*, webhook: Webhook, reason: str) -> None:
    """The webhooks page shows the notice; the email makes sure the owner hears of it."""
    link = settings.SITE_URL.rstrip("/") + "/me/webhooks/"
    send_mail(
        subject=_("Your webhook was turned off"),
        message=_("We stopped sending events to %(url)s.\n\n%(reason)s\n\nTurn it back on at %(link)s")
        % {"url": webhook.url, "reason": reason, "link": link},
        from_email=None,
        recipient_list=[webhook.owner.email],
        fail_silently=True,
    )


def deliveries_resume(*, now=None, stale_after: timedelta = timedelta(minutes=10)) -> int:
    """Queue again the attempts whose task was lost (a worker died): due long ago and never sent,
    or claimed long ago and never finished. Receivers may see such an event twice, with one id."""
    now = now or timezone.now()
    stale = now - stale_after
    from webhooks.tasks import webhook_deliver

    WebhookDelivery.objects.filter(outcome=Outcome.SENDING, delivered_at__lt=stale).update(
        outcome=Outcome.PENDING
    )
    ids = list(
        WebhookDelivery.objects.filter(outcome=Outcome.PENDING, next_retry_at__lt=stale).values_list(
            "id", flat=True
        )[:500]
    )
    for delivery_id in ids:
        webhook_deliver.delay(delivery_id)
    return len(ids)


def deliveries_prune(*, dry_run: bool = False, now=None) -> int:
    """Delete the log of attempts older than ``DELIVERY_LOG_KEPT`` (for ``manage.py cleanup``).

    Attempts still waiting to be sent stay, however old, so no event is lost to the cleanup.
    """
    cutoff = (now or timezone.now()) - DELIVERY_LOG_KEPT
    old = WebhookDelivery.objects.filter(created_at__lt=cutoff).exclude(
        outcome__in=[Outcome.PENDING, Outcome.SENDING]
    )
    if dry_run:
        return old.count()
    deleted, _rows = old.delete()
    return deleted
