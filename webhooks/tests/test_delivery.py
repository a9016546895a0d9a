"""Deliveries to a real HTTP server on 127.0.0.1: signed, logged, retried, given up, turned off."""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from webhooks import addresses
from webhooks import delivery as delivery_module
from webhooks.addresses import unreachable_message
from webhooks.delivery import (
    backoff_seconds,
    deliveries_prune,
    deliveries_resume,
    delivery_attempt,
    secret_lost_message,
)
from webhooks.events import delivery_queue, event_payload
from webhooks.models import Webhook, WebhookDelivery
from webhooks.tests.conftest import PUBLIC_IP, webhook_make
from webhooks.tests.receiver import Answer, Receiver
from webhooks.verify import verify_fabrica_signature

pytestmark = pytest.mark.django_db
Outcome = WebhookDelivery.Outcome


@pytest.fixture
def queued(monkeypatch):
    """The (delivery id, countdown) of every task queued, instead of queueing it."""
    calls: list[tuple[int, float]] = []
    from webhooks.tasks import webhook_deliver

    monkeypatch.setattr(
        webhook_deliver, "apply_async", lambda args, countdown=0: calls.append((args[0], countdown))
    )
    return calls


def _event(webhook: Webhook, django_capture_on_commit_callbacks, type="book.generated") -> WebhookDelivery:
    with django_capture_on_commit_callbacks(execute=True):
        return delivery_queue(webhook=webhook, payload=event_payload(type=type, data={"title": "Júlia"}))


def _run_all(queued: list, capture) -> None:
    """Send the queued attempts one after the other, as the worker would (retries included)."""
    done = 0
    while done < len(queued):
        with capture(execute=True):
            delivery_attempt(delivery_id=queued[done][0])
        done += 1


def test_a_delivery_is_a_signed_json_post_logged_with_its_answer(
    owner, local_delivery, receiver, queued, django_capture_on_commit_callbacks
):
    receiver.plan(Answer(200, b"thanks " + b"x" * 2000))
    webhook = webhook_make(owner=owner, url=receiver.url)
    first = _event(webhook, django_capture_on_commit_callbacks)
    assert queued == [(first.id, 0)]

    row = delivery_attempt(delivery_id=first.id)

    (request,) = receiver.received
    headers = request.headers
    assert request.path == "/hooks/fabrica"
    assert verify_fabrica_signature(
        webhook.secret, request.body, headers["X-Fabrica-Timestamp"], headers["X-Fabrica-Signature"]
    )
    body = json.loads(request.body)
    assert body == first.payload
    assert body["type"] == headers["X-Fabrica-Event"] == "book.generated"
    assert body["id"] == headers["X-Fabrica-Event-Id"] == str(first.event_id)
    assert body["data"] == {"title": "Júlia"}
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"].startswith("FabricaDeLivros-Webhooks/")
    assert row.outcome == Outcome.SUCCEEDED and row.status_code == 200 and row.error == ""
    assert row.duration_ms is not None and row.delivered_at is not None
    assert row.response_excerpt.startswith("thanks ") and len(row.response_excerpt) == 500
    webhook.refresh_from_db()
    assert webhook.last_success_at is not None


def test_a_500_is_retried_later_with_the_same_event_id_and_payload(
    owner, local_delivery, receiver, queued, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    receiver.plan(Answer(500, b"boom"), Answer(503), Answer(200))
    webhook = webhook_make(owner=owner, url=receiver.url)
    first = _event(webhook, django_capture_on_commit_callbacks)
    _run_all(queued, django_capture_on_commit_callbacks)

    assert [countdown for _id, countdown in queued] == [0, 30, 60]
    attempts = list(WebhookDelivery.objects.order_by("attempt"))
    assert [(a.attempt, a.outcome, a.status_code) for a in attempts] == [
        (1, Outcome.RETRYING, 500), (2, Outcome.RETRYING, 503), (3, Outcome.SUCCEEDED, 200),
    ]  # fmt: skip
    assert attempts[0].response_excerpt == "boom" and "answered 500" in attempts[0].error
    assert {str(a.event_id) for a in attempts} == {str(first.event_id)}
    assert attempts[1].next_retry_at > attempts[0].created_at + timedelta(seconds=29)
    ids = {r.headers["X-Fabrica-Event-Id"] for r in receiver.received}
    assert ids == {str(first.event_id)} and len(receiver.received) == 3
    assert len({r.body for r in receiver.received}) == 1


def test_a_timeout_is_logged_and_retried(
    owner, local_delivery, receiver, queued, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOKS_READ_TIMEOUT = 0.3
    receiver.plan(Answer(200, delay=1.5), Answer(200))
    webhook = webhook_make(owner=owner, url=receiver.url)
    _event(webhook, django_capture_on_commit_callbacks)
    _run_all(queued, django_capture_on_commit_callbacks)

    first, second = WebhookDelivery.objects.order_by("attempt")
    assert first.outcome == Outcome.RETRYING and first.status_code is None
    assert "did not answer within 0.3 seconds" in first.error
    assert second.outcome == Outcome.SUCCEEDED and second.event_id == first.event_id


def test_redirects_are_not_followed(
    owner, local_delivery, receiver, queued, django_capture_on_commit_callbacks
):
    receiver.plan(Answer(302, headers=(("Location", "http://127.0.0.1:9/elsewhere"),)))
    webhook = webhook_make(owner=owner, url=receiver.url)
    first = _event(webhook, django_capture_on_commit_callbacks)
    row = delivery_attempt(delivery_id=first.id)
    assert len(receiver.received) == 1
    assert row.status_code == 302 and row.outcome == Outcome.RETRYING
    assert "Redirects are not followed" in row.error


def test_an_event_is_given_up_after_the_last_attempt_and_counts_against_the_webhook(
    owner, local_delivery, receiver, queued, django_capture_on_commit_callbacks
):
    receiver.default = Answer(500)
    webhook = webhook_make(owner=owner, url=receiver.url)
    _event(webhook, django_capture_on_commit_callbacks)
    _run_all(queued, django_capture_on_commit_callbacks)

    outcomes = list(WebhookDelivery.objects.order_by("attempt").values_list("outcome", flat=True))
    assert outcomes == [Outcome.RETRYING, Outcome.RETRYING, Outcome.FAILED]  # WEBHOOKS_MAX_ATTEMPTS = 3
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 1 and webhook.is_active


def test_after_enough_failed_events_in_a_row_the_webhook_is_turned_off_with_a_notice(
    owner, local_delivery, receiver, queued, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.default = Answer(500)
    webhook = webhook_make(owner=owner, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):  # WEBHOOKS_DISABLE_AFTER_FAILURES = 2
            delivery_attempt(delivery_id=_event(webhook, django_capture_on_commit_callbacks).id)

    webhook.refresh_from_db()
    assert not webhook.is_active and webhook.disabled_at is not None
    assert "2 events in a row" in webhook.disabled_reason and "answered 500" in webhook.disabled_reason
    (notice,) = mail.outbox
    assert notice.to == [owner.email] and webhook.url in notice.body

    later = _event(webhook, django_capture_on_commit_callbacks)
    assert delivery_attempt(delivery_id=later.id).outcome == Outcome.FAILED
    assert len(receiver.received) == 2  # nothing is sent to a webhook that is off


def test_a_success_clears_the_count_of_failed_events(
    owner, local_delivery, receiver, queued, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.plan(Answer(500), Answer(200), Answer(500))
    webhook = webhook_make(owner=owner, url=receiver.url)
    for _ in range(3):
        delivery_attempt(delivery_id=_event(webhook, django_capture_on_commit_callbacks).id)
    webhook.refresh_from_db()
    assert webhook.is_active and webhook.consecutive_failures == 1


def test_a_task_that_runs_twice_sends_once(
    owner, local_delivery, receiver, queued, django_capture_on_commit_callbacks
):
    webhook = webhook_make(owner=owner, url=receiver.url)
    first = _event(webhook, django_capture_on_commit_callbacks)
    assert delivery_attempt(delivery_id=first.id).outcome == Outcome.SUCCEEDED
    assert delivery_attempt(delivery_id=first.id) is None
    assert len(receiver.received) == 1


def test_the_address_is_checked_again_at_delivery_time(
    owner, settings, dns, receiver, queued, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    dns["hooks.example.com"] = [PUBLIC_IP]
    webhook = webhook_make(owner=owner, url="https://hooks.example.com/hook")
    dns["hooks.example.com"] = ["10.0.0.7"]  # the name now points inside the network
    first = _event(webhook, django_capture_on_commit_callbacks)

    row = delivery_attempt(delivery_id=first.id)
    assert row.outcome == Outcome.FAILED and row.error == unreachable_message()
    assert "10.0.0.7" not in row.error
    assert row.status_code is None and len(queued) == 1  # no retry: it is refused, not unlucky


# Offline, 127.0.0.2 plays a public host (the one address ``address_allowed`` lets through) and
# 127.0.0.1 our own network. Names are answered by the system resolver itself
# (``socket.getaddrinfo``), which every lookup goes through: the delivery's own check and
# anything the HTTP client might resolve on its own.
STAND_IN_PUBLIC = "127.0.0.2"


@pytest.fixture
def system_dns(monkeypatch, settings):
    """``system_dns["name"] = [[first answer], [later answers], ...]`` (the last one repeats)."""
    settings.DEBUG = True  # plain http:// to localhost, so the listeners need no TLS
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    monkeypatch.setattr(addresses, "address_allowed", lambda address: address == STAND_IN_PUBLIC)
    answers: dict[str, list[list[str]]] = {}
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real_getaddrinfo(host, port, *args, **kwargs)
        queue = answers[host]
        ips = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, int(port))) for ip in ips]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@contextmanager
def _listener(port: int = 0):
    """A socket listening on 127.0.0.1 that never answers; ``accepted()`` counts connections."""
    with socket.create_server(("127.0.0.1", port)) as server:
        server.setblocking(False)

        def accepted() -> int:
            count = 0
            with contextlib.suppress(BlockingIOError):
                while True:
                    server.accept()[0].close()
                    count += 1
            return count

        yield server.getsockname()[1], accepted


def _closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as server:
        return server.getsockname()[1]


def test_a_delivery_connects_only_to_the_address_it_checked(
    owner, system_dns, queued, django_capture_on_commit_callbacks
):
    """DNS rebinding: the name passes the check with one answer, then resolves inside the network."""
    with Receiver(host=STAND_IN_PUBLIC) as public, _listener(public.port) as (port, accepted):
        system_dns["localhost"] = [[STAND_IN_PUBLIC], ["127.0.0.1"]]
        webhook = webhook_make(owner=owner, url=f"http://localhost:{port}/hooks/fabrica")
        row = delivery_attempt(delivery_id=_event(webhook, django_capture_on_commit_callbacks).id)

        assert accepted() == 0  # not even a TCP handshake reached the internal address
    assert row.outcome == Outcome.SUCCEEDED
    (request,) = public.received
    assert request.headers["Host"] == f"localhost:{port}"  # the name, not the address it was sent to


@pytest.mark.parametrize(
    "answers",
    [[["127.0.0.1"]], [[STAND_IN_PUBLIC], ["127.0.0.1"]]],
    ids=["private-from-the-start", "rebound-after-the-check"],
)
def test_a_private_destination_is_never_connected_to_and_open_and_closed_ports_look_the_same(
    owner, system_dns, queued, django_capture_on_commit_callbacks, answers
):
    with _listener() as (open_port, accepted):
        errors = []
        for port in (open_port, _closed_port()):
            system_dns["localhost"] = [list(answer) for answer in answers]
            webhook = webhook_make(owner=owner, url=f"http://localhost:{port}/hook")
            row = delivery_attempt(delivery_id=_event(webhook, django_capture_on_commit_callbacks).id)
            assert row.status_code is None and row.outcome != Outcome.SUCCEEDED
            errors.append(row.error)
        assert accepted() == 0
    assert errors[0] == errors[1] == unreachable_message()
    assert "127.0.0.1" not in errors[0]


def test_tls_uses_the_name_while_connecting_to_the_checked_address(
    owner, system_dns, queued, django_capture_on_commit_callbacks, tmp_path
):
    names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_self_signed(tmp_path, "hooks.test"))
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)
    with socket.create_server((STAND_IN_PUBLIC, 0)) as server:
        port = server.getsockname()[1]

        def handshake():
            conn, _addr = server.accept()
            with contextlib.suppress(ssl.SSLError, OSError), context.wrap_socket(conn, server_side=True):
                pass

        thread = threading.Thread(target=handshake, daemon=True)
        thread.start()
        system_dns["hooks.test"] = [[STAND_IN_PUBLIC]]
        webhook = webhook_make(owner=owner, url=f"https://hooks.test:{port}/hook")
        row = delivery_attempt(delivery_id=_event(webhook, django_capture_on_commit_callbacks).id)
        thread.join(timeout=5)
    assert names == ["hooks.test"]
    assert "certificate verify failed" in row.error  # checked against the name; nobody trusts this one


def _self_signed(directory, name: str) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(tz=UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(cert_path), str(key_path)


@pytest.mark.parametrize("stored", ["gAAAAAB-saved-under-a-key-we-no-longer-have", ""])
def test_a_webhook_whose_secret_cannot_be_read_sends_nothing_and_says_why(
    owner, local_delivery, receiver, queued, django_capture_on_commit_callbacks, stored
):
    webhook = webhook_make(owner=owner, url=receiver.url)
    Webhook.objects.filter(id=webhook.id).update(secret_encrypted=stored)
    row = delivery_attempt(delivery_id=_event(webhook, django_capture_on_commit_callbacks).id)
    assert receiver.received == []  # never signed with an empty secret
    assert row.outcome == Outcome.FAILED and row.error == secret_lost_message()
    assert "Delete the webhook and add it again" in row.error


def test_backoff_doubles_from_the_base_up_to_the_cap(settings):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    settings.WEBHOOKS_RETRY_MAX_SECONDS = 200
    assert [backoff_seconds(n) for n in range(1, 6)] == [30, 60, 120, 200, 200]


def test_lost_attempts_are_queued_again(
    owner, local_delivery, monkeypatch, django_capture_on_commit_callbacks
):
    from webhooks.tasks import webhook_deliver

    webhook = webhook_make(owner=owner, url="http://127.0.0.1:9/hook")
    with django_capture_on_commit_callbacks(execute=False):
        lost, stuck, fresh = (
            delivery_queue(webhook=webhook, payload=event_payload(type="book.generated", data={}))
            for _ in "abc"
        )
    long_ago = timezone.now() - timedelta(hours=1)
    WebhookDelivery.objects.filter(id=lost.id).update(next_retry_at=long_ago)
    WebhookDelivery.objects.filter(id=stuck.id).update(
        outcome=Outcome.SENDING, next_retry_at=long_ago, delivered_at=long_ago
    )
    sent: list[int] = []
    monkeypatch.setattr(webhook_deliver, "delay", sent.append)

    assert deliveries_resume() == 2
    assert sorted(sent) == sorted([lost.id, stuck.id])
    assert WebhookDelivery.objects.get(id=stuck.id).outcome == Outcome.PENDING


def test_a_webhook_deleted_while_its_event_is_sent_leaves_nothing_behind(
    owner, local_delivery, receiver, queued, monkeypatch, django_capture_on_commit_callbacks
):
    receiver.default = Answer(500)
    webhook = webhook_make(owner=owner, url=receiver.url)
    first = _event(webhook, django_capture_on_commit_callbacks)
    original_send = delivery_module._send

    def send_then_delete(**kwargs):
        attempt = original_send(**kwargs)
        Webhook.objects.filter(id=webhook.id).delete()
        return attempt

    monkeypatch.setattr(delivery_module, "_send", send_then_delete)
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_attempt(delivery_id=first.id) is None
    assert not WebhookDelivery.objects.exists() and queued == [(first.id, 0)]


def test_the_log_is_pruned_after_30_days_but_waiting_attempts_stay(owner, local_delivery, queued):
    webhook = webhook_make(owner=owner, url="http://127.0.0.1:9/hook")
    rows = [
        delivery_queue(webhook=webhook, payload=event_payload(type="book.generated", data={})) for _ in "abc"
    ]
    old, waiting, recent = rows
    WebhookDelivery.objects.filter(id=old.id).update(outcome=Outcome.SUCCEEDED)
    WebhookDelivery.objects.filter(id__in=[old.id, waiting.id]).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    assert deliveries_prune(dry_run=True) == 1 and WebhookDelivery.objects.count() == 3
    assert deliveries_prune() == 1
    assert set(WebhookDelivery.objects.values_list("id", flat=True)) == {waiting.id, recent.id}
