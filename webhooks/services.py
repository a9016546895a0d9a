"""Registering, removing and turning webhooks back on; a test event on demand."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ai.secrets import encrypt
from webhooks.addresses import url_validate
from webhooks.errors import WebhookInvalid
from webhooks.events import webhook_test_send
from webhooks.models import TEST_EVENT, Event, Webhook, WebhookDelivery
from webhooks.signing import secret_generate

# One test event per webhook at most this often: the button must not become a way to flood a URL.
TEST_EVENT_INTERVAL = timedelta(seconds=10)


def webhooks_for(user) -> QuerySet[Webhook]:
    return Webhook.objects.filter(owner=user)


def deliveries_for(webhook: Webhook) -> QuerySet[WebhookDelivery]:
    return webhook.deliveries.order_by("-created_at", "-id")


def events_clean(events) -> list[str]:
    """The chosen event types in a fixed order, or ``WebhookInvalid`` naming the unknown ones."""
    events = list(dict.fromkeys(events or []))
    unknown = [str(event) for event in events if event not in Event.values]
    if unknown:
        message = _("Unknown event: %(events)s. Choose from %(choices)s.") % {
            "events": ", ".join(unknown),
            "choices": ", ".join(Event.values),
        }
        raise WebhookInvalid(message, details={"events": message})
    if not events:
        message = _("Choose at least one event.")
        raise WebhookInvalid(message, details={"events": message})
    return [event for event in Event.values if event in events]


@transaction.atomic
def webhook_create(*, owner, url: str, events: list[str]) -> Webhook:
    try:
        url = url_validate(url)
    except WebhookInvalid as exc:
        raise WebhookInvalid(exc.message, details={"url": exc.message}) from exc
    events = events_clean(events)
    limit = settings.WEBHOOKS_MAX_PER_USER
    # Counted under the owner's row lock: two requests at once cannot both take the last place.
    get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
    if Webhook.objects.filter(owner=owner).count() >= limit:
        message = _("You can have at most %(limit)s webhooks. Delete one to add another.") % {"limit": limit}
        raise WebhookInvalid(message, code="too_many", details={"non_field_errors": message})
    return Webhook.objects.create(
        owner=owner, url=url, events=events, secret_encrypted=encrypt(secret_generate())
    )


def webhook_delete(*, webhook: Webhook) -> None:
    webhook.delete()  # its delivery log goes with it; queued attempts find no row and stop


def webhook_enable(*, webhook: Webhook) -> Webhook:
    """Turn a webhook back on with a clean slate (its URL is checked again first)."""
    try:
        url_validate(webhook.url)
    except WebhookInvalid as exc:
        raise WebhookInvalid(exc.message, details={"url": exc.message}) from exc
    Webhook.objects.filter(id=webhook.id).update(
        is_active=True, disabled_reason="", disabled_at=None, consecutive_failures=0
    )
    webhook.refresh_from_db()
    return webhook


def webhook_test(*, webhook: Webhook) -> WebhookDelivery:
    if not webhook.is_active:
        raise WebhookInvalid(_("Turn the webhook back on before sending it a test event."), code="disabled")
    since = timezone.now() - TEST_EVENT_INTERVAL
    if webhook.deliveries.filter(event_type=TEST_EVENT, created_at__gte=since).exists():
        raise WebhookInvalid(
            _("A test event was just sent. Wait a few seconds before sending another."), code="too_soon"
        )
    return webhook_test_send(webhook=webhook)
