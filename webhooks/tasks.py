"""Thin Celery wrappers: ids in, call the delivery service."""

from __future__ import annotations

from celery import shared_task

from webhooks import delivery


@shared_task(acks_late=True)
def webhook_deliver(delivery_id: int) -> None:
    delivery.delivery_attempt(delivery_id=delivery_id)


@shared_task
def webhook_deliveries_resume() -> int:
    return delivery.deliveries_resume()
