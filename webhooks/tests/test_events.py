"""Events come from the book and export services, after commit, as the API would show the resource."""

from __future__ import annotations

import pytest
from django.db import transaction

from books.generation import book_fail
from books.models import Book
from books.tests.factories import book_factory
from exports.models import Export
from exports.services import export_print_pdf
from exports.tests.factories import generated_book
from webhooks.events import event_dispatch, event_emit
from webhooks.models import WebhookDelivery
from webhooks.tests.conftest import webhook_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_sending(monkeypatch):
    from webhooks.tasks import webhook_deliver

    monkeypatch.setattr(webhook_deliver, "apply_async", lambda *args, **kwargs: None)


def test_a_book_event_carries_the_book_as_the_api_shows_it(owner, api_client_for_owner):
    book = generated_book(owner=owner)
    webhook_make(owner=owner, url="https://hooks.example.com/a", events=["book.generated"])
    (delivery,) = event_dispatch(type="book.generated", resource_id=book.id)

    payload = delivery.payload
    assert set(payload) == {"id", "type", "created_at", "data"}
    assert payload["type"] == "book.generated" and payload["id"] == str(delivery.event_id)
    api_book = api_client_for_owner.get(f"/api/v1/books/{book.id}/").json()
    assert set(payload["data"]) == set(api_book)
    assert payload["data"]["id"] == str(book.id) and payload["data"]["status"] == "generated"
    assert len(payload["data"]["pages"]) == book.num_pages
    assert payload["data"]["url"].startswith("http") and payload["data"]["url"].endswith(
        f"/api/v1/books/{book.id}/"
    )


def test_only_the_owners_active_webhooks_that_want_the_event_get_it(owner, other_user):
    book = book_factory(owner=owner)
    wants = webhook_make(
        owner=owner, url="https://hooks.example.com/a", events=["book.failed", "book.generated"]
    )
    webhook_make(owner=owner, url="https://hooks.example.com/b", events=["export.ready"])
    webhook_make(owner=owner, url="https://hooks.example.com/c", events=["book.failed"], is_active=False)
    webhook_make(owner=other_user, url="https://hooks.example.com/d", events=["book.failed"])
    also = webhook_make(owner=owner, url="https://hooks.example.com/e", events=["book.failed"])

    deliveries = event_dispatch(type="book.failed", resource_id=book.id)
    assert {d.webhook_id for d in deliveries} == {wants.id, also.id}
    assert len({d.event_id for d in deliveries}) == 1  # one event, one id, wherever it goes


def test_nothing_is_sent_for_work_that_was_rolled_back(owner, django_capture_on_commit_callbacks):
    book = book_factory(owner=owner)
    webhook_make(owner=owner, url="https://hooks.example.com/a", events=["book.failed"])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        event_emit(type="book.failed", resource_id=book.id)
        raise RuntimeError
    assert not WebhookDelivery.objects.exists()


def test_a_failed_book_sends_book_failed(owner, django_capture_on_commit_callbacks):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    webhook_make(owner=owner, url="https://hooks.example.com/a", events=["book.failed"])
    with django_capture_on_commit_callbacks(execute=True):
        assert book_fail(book_id=book.id, message="The drawing service is down.")
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.event_type == "book.failed"
    assert delivery.payload["data"]["status"] == "failed"
    assert delivery.payload["data"]["error"] == "The drawing service is down."

    with django_capture_on_commit_callbacks(execute=True):
        assert not book_fail(book_id=book.id, message="again")  # already failed: no second event
    assert WebhookDelivery.objects.count() == 1


def test_a_ready_export_sends_export_ready(owner, django_capture_on_commit_callbacks):
    book = generated_book(owner=owner)
    webhook_make(owner=owner, url="https://hooks.example.com/a", events=["export.ready"])
    with django_capture_on_commit_callbacks(execute=True):
        export = export_print_pdf(book=book)
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.event_type == "export.ready"
    data = delivery.payload["data"]
    assert data["id"] == str(export.id) and data["status"] == Export.Status.READY
    assert data["book"] == str(book.id) and "/download/" in data["download_url"]


def test_a_webhook_problem_never_breaks_the_work_that_caused_it(
    owner, monkeypatch, django_capture_on_commit_callbacks
):
    from webhooks import events

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(events, "event_dispatch", broken)
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    with django_capture_on_commit_callbacks(execute=True):
        assert book_fail(book_id=book.id, message="x")
    assert Book.objects.get(id=book.id).status == Book.Status.FAILED
