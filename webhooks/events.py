"""Events: ``event_emit`` is the one call other apps make when something a webhook reports happens.

The event is built after the caller's transaction commits, so it describes what was saved and
nothing is sent for work that was rolled back. One event has one id, shared by every webhook
it goes to and every retry, so receivers can drop duplicates.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta
from functools import partial
from urllib.parse import urljoin

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from webhooks.models import TEST_EVENT, Event, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)


def event_emit(*, type: str, resource_id) -> None:
    """After commit, queue ``type`` (an ``Event``) about the book or export ``resource_id``."""
    transaction.on_commit(partial(_event_dispatch_safely, type=type, resource_id=resource_id), robust=True)


def _event_dispatch_safely(*, type: str, resource_id) -> None:
    # A webhook problem must never break the book or export that caused the event.
    try:
        event_dispatch(type=type, resource_id=resource_id)
    except Exception:
        logger.exception("webhook event %s for %s could not be queued", type, resource_id)


def event_dispatch(*, type: str, resource_id) -> list[WebhookDelivery]:
    """One first delivery per active webhook of the owner that wants ``type``; each is queued."""
    owner_id, resource = _resource(type, resource_id)
    webhooks = [w for w in Webhook.objects.filter(owner_id=owner_id, is_active=True) if type in w.events]
    if not webhooks:
        return []
    payload = event_payload(type=type, data=resource())
    return [delivery_queue(webhook=webhook, payload=payload) for webhook in webhooks]


def event_payload(*, type: str, data: dict) -> dict:
    payload = {"id": str(uuid.uuid4()), "type": type, "created_at": timezone.now().isoformat(), "data": data}
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))  # as the receiver will read it


@transaction.atomic
def delivery_queue(*, webhook: Webhook, payload: dict, attempt: int = 1, delay: float = 0) -> WebhookDelivery:
    from webhooks.tasks import webhook_deliver

    delivery = WebhookDelivery.objects.create(
        webhook=webhook,
        event_id=payload["id"],
        event_type=payload["type"],
        payload=payload,
        attempt=attempt,
        next_retry_at=timezone.now() + timedelta(seconds=delay),
    )
    transaction.on_commit(lambda: webhook_deliver.apply_async((delivery.id,), countdown=delay))
    return delivery


def webhook_test_send(*, webhook: Webhook) -> WebhookDelivery:
    data = {"webhook": webhook.id, "message": "This is a test event from Fábrica de Livros."}
    return delivery_queue(webhook=webhook, payload=event_payload(type=TEST_EVENT, data=data))


# --- The resource, as the API shows it -----------------------------------------------------------


class _SiteRequest:
    """Absolute URLs in a payload start with SITE_URL, where an API client would find them."""

    def build_absolute_uri(self, location: str) -> str:
        return urljoin(settings.SITE_URL, location)


def _resource(type: str, resource_id):
    """``(owner id, a function returning the resource's API representation)``."""
    if type in (Event.BOOK_GENERATED, Event.BOOK_FAILED):
        return _book(resource_id)
    if type == Event.EXPORT_READY:
        return _export(resource_id)
    raise ValueError(f"unknown webhook event {type!r}")


def _book(book_id):
    from api.serializers import BookDetailSerializer
    from books.models import Book

    book = Book.objects.select_related("style").prefetch_related("pages").get(id=book_id)
    return book.owner_id, lambda: BookDetailSerializer(book, context={"request": _SiteRequest()}).data


def _export(export_id):
    from api.downloads import download_url
    from api.serializers import ExportSerializer
    from exports.models import Export

    export = Export.objects.select_related("book").get(id=export_id)
    request = _SiteRequest()
    context = {"request": request, "download_url": download_url(request, export)}
    return export.book.owner_id, lambda: ExportSerializer(export, context=context).data
