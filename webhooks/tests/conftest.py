"""Webhooks test helpers: a DNS answer chosen by the test, settings for a local receiver."""

from __future__ import annotations

import pytest

from ai.secrets import encrypt
from webhooks import addresses
from webhooks.models import Webhook
from webhooks.signing import secret_generate
from webhooks.tests.receiver import Receiver

PUBLIC_IP = "93.184.216.34"


@pytest.fixture
def dns(monkeypatch):
    """``dns["host"] = ["1.2.3.4"]`` decides what a name resolves to; IP literals resolve to themselves."""
    answers: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[str]:
        if host in answers:
            return answers[host]
        try:
            addresses.ipaddress.ip_address(host)
        except ValueError:
            raise addresses.HostNotFound(f"We could not find the host “{host}”.") from None
        return [host]

    monkeypatch.setattr(addresses, "resolve", resolve)
    return answers


@pytest.fixture
def local_delivery(settings):
    """Deliveries may go to a receiver on 127.0.0.1, retried at once and given up quickly."""
    settings.DEBUG = True
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 0
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    settings.WEBHOOKS_CONNECT_TIMEOUT = 2
    settings.WEBHOOKS_READ_TIMEOUT = 2
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 2
    return settings


@pytest.fixture
def receiver():
    with Receiver() as server:
        yield server


def webhook_make(*, owner, url: str, events=("book.generated",), **fields) -> Webhook:
    """A webhook row as ``webhook_create`` leaves it, without its URL checks."""
    return Webhook.objects.create(
        owner=owner, url=url, events=list(events), secret_encrypted=encrypt(secret_generate()), **fields
    )


@pytest.fixture
def api_client_for_owner(owner):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(owner)
    return client
