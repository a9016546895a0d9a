"""/api/v1/webhooks/: register, list, delete, read the delivery log; other users' webhooks are 404."""

from __future__ import annotations

import pytest

from api.tests.conftest import assert_error
from api.tests.test_schema import assert_matches
from webhooks.events import event_payload
from webhooks.models import Webhook, WebhookDelivery
from webhooks.tests.conftest import PUBLIC_IP, dns, webhook_make  # noqa: F401 (dns is a fixture)
from webhooks.tests.test_addresses import EMBEDDED_PRIVATE_IPV4

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.com/fabrica"


@pytest.fixture(autouse=True)
def _public_dns(dns, settings):  # noqa: F811
    settings.DEBUG = False
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    dns["hooks.example.com"] = [PUBLIC_IP]
    dns["intranet.example.com"] = ["10.0.0.5"]
    return dns


@pytest.fixture
def spec(anonymous):
    return anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def _deliveries(webhook: Webhook, count: int) -> list[WebhookDelivery]:
    payload = event_payload(type="book.generated", data={"n": 1})
    return [
        WebhookDelivery.objects.create(
            webhook=webhook, event_id=payload["id"], event_type="book.generated", payload=payload, attempt=n
        )
        for n in range(1, count + 1)
    ]


def test_registering_a_webhook_answers_201_with_its_secret(api, owner, spec):
    response = api.post(
        "/api/v1/webhooks/", {"url": URL, "events": ["export.ready", "book.generated"]}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    webhook = Webhook.objects.get(owner=owner)
    assert body["id"] == webhook.id and body["url"] == URL
    assert body["events"] == ["book.generated", "export.ready"]
    assert body["secret"] == webhook.secret and body["secret"].startswith("whsec_")
    assert body["is_active"] is True
    assert response["Location"].endswith(f"/api/v1/webhooks/{webhook.id}/")
    assert body["deliveries_url"].endswith(f"/api/v1/webhooks/{webhook.id}/deliveries/")
    assert_matches(spec, response, "/api/v1/webhooks/", "post")


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"url": "http://hooks.example.com/x", "events": ["book.generated"]}, "url", "Use https://"),
        ({"url": "https://intranet.example.com/x", "events": ["book.generated"]}, "url", "private"),
        ({"url": "https://169.254.169.254/latest", "events": ["book.generated"]}, "url", "private"),
        ({"url": "https://nowhere.invalid/", "events": ["book.generated"]}, "url", "could not find"),
        ({"url": "not a url", "events": ["book.generated"]}, "url", "https://"),
        ({"url": URL, "events": []}, "events", "at least one"),
        ({"url": URL, "events": ["book.deleted"]}, "events", ""),
        ({"url": URL}, "events", ""),
        ({"events": ["book.generated"]}, "url", ""),
    ],
)
def test_bad_webhooks_are_refused_with_a_message_for_the_field(api, data, field, words, spec):
    response = api.post("/api/v1/webhooks/", data, format="json")
    details = assert_error(response, 400, "invalid")
    assert field in details and words in str(details[field])
    assert not Webhook.objects.exists()
    assert_matches(spec, response, "/api/v1/webhooks/", "post")


@pytest.mark.parametrize("address", EMBEDDED_PRIVATE_IPV4)
def test_ipv6_forms_of_private_ipv4_addresses_are_refused(api, address, spec):
    response = api.post(
        "/api/v1/webhooks/", {"url": f"https://[{address}]/hook", "events": ["book.generated"]}, format="json"
    )
    details = assert_error(response, 400, "invalid")
    assert "private, local or reserved" in str(details["url"])
    assert not Webhook.objects.exists()
    assert_matches(spec, response, "/api/v1/webhooks/", "post")


def test_there_is_a_limit_of_webhooks_per_user(api, owner, settings):
    settings.WEBHOOKS_MAX_PER_USER = 2
    for _ in range(2):
        assert (
            api.post("/api/v1/webhooks/", {"url": URL, "events": ["book.failed"]}, format="json").status_code
            == 201
        )
    response = api.post("/api/v1/webhooks/", {"url": URL, "events": ["book.failed"]}, format="json")
    assert "at most 2" in str(assert_error(response, 400, "too_many"))
    assert Webhook.objects.count() == 2


def test_the_list_is_paginated_and_only_mine(api, owner, other_user, spec):
    mine = webhook_make(owner=owner, url=URL)
    webhook_make(owner=other_user, url=URL)
    response = api.get("/api/v1/webhooks/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["next"] is None
    assert [item["id"] for item in body["results"]] == [mine.id]
    assert body["results"][0]["secret"] == mine.secret
    assert_matches(spec, response, "/api/v1/webhooks/", "get")


def test_deleting_a_webhook_removes_it_and_its_log(api, owner, spec):
    webhook = webhook_make(owner=owner, url=URL)
    _deliveries(webhook, 2)
    response = api.delete(f"/api/v1/webhooks/{webhook.id}/")
    assert response.status_code == 204
    assert not Webhook.objects.exists() and not WebhookDelivery.objects.exists()
    assert_error(api.delete(f"/api/v1/webhooks/{webhook.id}/"), 404, "not_found")


def test_the_delivery_log_is_paginated_newest_first(api, owner, spec):
    webhook = webhook_make(owner=owner, url=URL)
    rows = _deliveries(webhook, 3)
    WebhookDelivery.objects.filter(id=rows[0].id).update(outcome="retrying", status_code=500, error="boom")
    response = api.get(f"/api/v1/webhooks/{webhook.id}/deliveries/?page_size=2")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["next"]
    assert [item["attempt"] for item in body["results"]] == [3, 2]
    assert body["results"][0]["event_id"] == str(rows[0].event_id)
    assert body["results"][0]["payload"]["type"] == "book.generated"
    assert_matches(spec, response, "/api/v1/webhooks/{webhook_id}/deliveries/", "get")
    last = api.get(body["next"]).json()["results"]
    assert last[0]["status_code"] == 500 and last[0]["outcome"] == "retrying" and last[0]["error"] == "boom"


def test_other_users_webhooks_are_404_everywhere(api, other_user, spec):
    theirs = webhook_make(owner=other_user, url=URL)
    _deliveries(theirs, 1)
    for response in (
        api.get(f"/api/v1/webhooks/{theirs.id}/"),
        api.delete(f"/api/v1/webhooks/{theirs.id}/"),
        api.get(f"/api/v1/webhooks/{theirs.id}/deliveries/"),
        api.get("/api/v1/webhooks/99999999999999999999999/deliveries/"),
    ):
        assert_error(response, 404, "not_found")
    assert Webhook.objects.filter(id=theirs.id).exists()
    assert_matches(
        spec, api.delete(f"/api/v1/webhooks/{theirs.id}/"), "/api/v1/webhooks/{webhook_id}/", "delete"
    )


def test_a_webhook_can_be_read_alone(api, owner, spec):
    webhook = webhook_make(owner=owner, url=URL, events=["book.failed"])
    response = api.get(f"/api/v1/webhooks/{webhook.id}/")
    assert response.status_code == 200 and response.json()["events"] == ["book.failed"]
    assert_matches(spec, response, "/api/v1/webhooks/{webhook_id}/", "get")


def test_webhooks_need_a_user(anonymous, owner):
    webhook = webhook_make(owner=owner, url=URL)
    assert_error(anonymous.get("/api/v1/webhooks/"), 401)
    assert_error(
        anonymous.post("/api/v1/webhooks/", {"url": URL, "events": ["book.failed"]}, format="json"), 401
    )
    assert_error(anonymous.delete(f"/api/v1/webhooks/{webhook.id}/"), 401)
    assert_error(anonymous.get(f"/api/v1/webhooks/{webhook.id}/deliveries/"), 401)
    assert Webhook.objects.count() == 1
