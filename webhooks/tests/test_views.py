"""The webhooks page under the profile."""

from __future__ import annotations

import re

import pytest

from webhooks.models import Webhook, WebhookDelivery
from webhooks.tests.conftest import PUBLIC_IP, webhook_make
from webhooks.tests.test_addresses import EMBEDDED_PRIVATE_IPV4

pytestmark = pytest.mark.django_db

PAGE = "/me/webhooks/"
URL = "https://hooks.example.com/fabrica"


@pytest.fixture(autouse=True)
def _production_rules(settings, dns):
    settings.DEBUG = False
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    dns["hooks.example.com"] = [PUBLIC_IP]


@pytest.fixture
def queued(monkeypatch):
    from webhooks.tasks import webhook_deliver

    calls = []
    monkeypatch.setattr(webhook_deliver, "apply_async", lambda args, countdown=0: calls.append(args[0]))
    return calls


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_adding_a_webhook_shows_its_secret(owner_client, owner):
    response = owner_client.post(
        PAGE, {"url": URL, "events": ["book.generated", "export.ready"]}, follow=True
    )
    assert response.status_code == 200
    webhook = Webhook.objects.get(owner=owner)
    assert webhook.events == ["book.generated", "export.ready"]
    page = response.content.decode()
    assert webhook.secret in page and URL in page and "Webhook added" in page
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"url": "http://hooks.example.com/x", "events": ["book.generated"]}, "Use https://"),
        ({"url": "https://10.0.0.1/x", "events": ["book.generated"]}, "private, local or reserved"),
        ({"url": URL}, "Choose at least one event"),
    ],
)
def test_a_bad_webhook_is_refused_with_the_message_next_to_the_field(owner_client, data, words):
    response = owner_client.post(PAGE, data)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert (
        'class="field field-error"' in response.content.decode() or "field-error" in response.content.decode()
    )
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("address", EMBEDDED_PRIVATE_IPV4)
def test_ipv6_forms_of_private_ipv4_addresses_are_refused_next_to_the_url_field(owner_client, address):
    response = owner_client.post(PAGE, {"url": f"https://[{address}]/hook", "events": ["book.generated"]})
    assert response.status_code == 400
    page = response.content.decode()
    error = re.search(r'<p class="error" id="id_url_error"[^>]*>(.*?)</p>', page, re.S)
    assert error and "private, local or reserved" in error.group(1)
    assert not Webhook.objects.exists()


def test_a_webhook_whose_secret_was_lost_says_so_on_the_page(owner_client, owner):
    webhook = webhook_make(owner=owner, url=URL)
    Webhook.objects.filter(id=webhook.id).update(secret_encrypted="gAAAAAB-saved-under-a-lost-key")
    response = owner_client.get(PAGE)
    assert response.status_code == 200
    assert "data-secret-lost" in response.content.decode() and "data-secret>" not in response.content.decode()


def test_the_page_lists_recent_deliveries_and_the_turned_off_notice(owner_client, owner, other_user):
    webhook = webhook_make(
        owner=owner, url=URL, is_active=False, disabled_reason="Turned off: 5 events failed."
    )
    WebhookDelivery.objects.create(
        webhook=webhook, event_id="6f1c0000-0000-4000-8000-000000000000", event_type="book.generated",
        payload={}, outcome="failed", status_code=500, duration_ms=42, error="The endpoint answered 500.",
    )  # fmt: skip
    webhook_make(owner=other_user, url="https://hooks.example.com/theirs")
    page = owner_client.get(PAGE).content.decode()
    assert "Turned off: 5 events failed." in page and "data-webhook-disabled" in page
    assert "The endpoint answered 500." in page and "42 ms" in page
    assert "/theirs" not in page


def test_a_turned_off_webhook_can_be_turned_back_on(owner_client, owner):
    webhook = webhook_make(owner=owner, url=URL, is_active=False, disabled_reason="x", consecutive_failures=5)
    response = owner_client.post(f"{PAGE}{webhook.id}/enable/")
    assert response.status_code == 302
    webhook.refresh_from_db()
    assert webhook.is_active and webhook.consecutive_failures == 0 and webhook.disabled_reason == ""


def test_the_test_button_sends_a_test_event_to_that_webhook(
    owner_client, owner, queued, django_capture_on_commit_callbacks
):
    webhook = webhook_make(owner=owner, url=URL)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"{PAGE}{webhook.id}/test/", follow=True)
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.webhook == webhook and delivery.event_type == "webhook.test"
    assert queued == [delivery.id]
    assert "test event is on its way" in response.content.decode()


def test_a_webhook_can_be_deleted(owner_client, owner):
    webhook = webhook_make(owner=owner, url=URL)
    assert owner_client.post(f"{PAGE}{webhook.id}/delete/").status_code == 302
    assert not Webhook.objects.exists()


def test_other_users_webhooks_are_404(owner_client, other_user, queued):
    theirs = webhook_make(owner=other_user, url=URL, is_active=False)
    for action in ("delete", "enable", "test"):
        assert owner_client.post(f"{PAGE}{theirs.id}/{action}/").status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_active and queued == []


def test_the_actions_only_accept_post(owner_client, owner):
    webhook = webhook_make(owner=owner, url=URL)
    assert owner_client.get(f"{PAGE}{webhook.id}/delete/").status_code == 405
    assert Webhook.objects.exists()


def test_the_profile_links_to_the_webhooks_page(owner_client):
    assert 'href="/me/webhooks/"' in owner_client.get("/me/").content.decode()


def test_test_events_cannot_be_sent_in_a_burst(
    owner_client, owner, queued, django_capture_on_commit_callbacks
):
    webhook = webhook_make(owner=owner, url=URL)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"{PAGE}{webhook.id}/test/")
        response = owner_client.post(f"{PAGE}{webhook.id}/test/", follow=True)
    assert "Wait a few seconds" in response.content.decode()
    assert WebhookDelivery.objects.count() == 1 and len(queued) == 1
