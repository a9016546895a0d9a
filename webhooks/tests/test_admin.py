"""Webhooks in the admin: operators see them and read the delivery log, never the signing secret."""

from __future__ import annotations

import pytest
from django.urls import reverse

from webhooks.events import event_payload
from webhooks.models import WebhookDelivery
from webhooks.tests.conftest import webhook_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, catalog, django_user_model, settings):
    settings.STAFF_REQUIRE_MFA = False
    client.force_login(
        django_user_model.objects.create_superuser(email="boss@example.com", password="x-9-long-pw")
    )
    return client


@pytest.fixture
def delivery(owner):
    webhook = webhook_make(owner=owner, url="https://hooks.example.com/a")
    payload = event_payload(type="book.generated", data={})
    return WebhookDelivery.objects.create(
        webhook=webhook, event_id=payload["id"], event_type="book.generated", payload=payload, status_code=502
    )


def test_staff_see_webhooks_without_their_secret(staff_client, delivery):
    webhook = delivery.webhook
    listing = staff_client.get(reverse("admin:webhooks_webhook_changelist"), {"q": "owner@"})
    assert listing.status_code == 200 and "hooks.example.com" in listing.content.decode()
    page = staff_client.get(reverse("admin:webhooks_webhook_change", args=[webhook.id])).content.decode()
    assert webhook.secret not in page and webhook.secret_encrypted not in page


def test_the_delivery_log_is_read_only(staff_client, delivery):
    listing = staff_client.get(reverse("admin:webhooks_webhookdelivery_changelist"))
    assert listing.status_code == 200 and "502" in listing.content.decode()
    change = reverse("admin:webhooks_webhookdelivery_change", args=[delivery.id])
    assert staff_client.get(change).status_code == 200
    assert staff_client.post(change, {"status_code": "200"}).status_code == 403
    assert staff_client.get(reverse("admin:webhooks_webhookdelivery_add")).status_code == 403
    assert (
        staff_client.post(reverse("admin:webhooks_webhookdelivery_delete", args=[delivery.id])).status_code
        == 403
    )
    assert WebhookDelivery.objects.get(id=delivery.id).status_code == 502


def test_staff_can_turn_a_webhook_off_but_not_point_it_elsewhere(staff_client, delivery):
    webhook = delivery.webhook
    change = reverse("admin:webhooks_webhook_change", args=[webhook.id])
    response = staff_client.post(change, {"disabled_reason": "Abuse report", "url": "https://10.0.0.1/x"})
    assert response.status_code == 302
    webhook.refresh_from_db()
    assert not webhook.is_active and webhook.disabled_reason == "Abuse report"
    assert webhook.url == "https://hooks.example.com/a"
