"""Thin Celery wrappers: ids in, call the generation service."""

from __future__ import annotations

import random

from celery import shared_task

from ai.errors import AllProvidersFailed, ProviderError
from books import generation
from fabrica.errors import ApplicationError


@shared_task(acks_late=True)
def book_write_story(book_id: str, job_id: int | None = None) -> None:
    try:
        generation.book_write_story(book_id=book_id, job_id=job_id)
    except (AllProvidersFailed, ProviderError) as exc:
        generation.book_fail(book_id=book_id, message=exc.message)


@shared_task(bind=True, acks_late=True, max_retries=generation.MAX_PAGE_ATTEMPTS)
def book_draw_page(self, page_id: int) -> None:
    try:
        generation.page_draw(page_id=page_id)
    except (AllProvidersFailed, ProviderError) as exc:
        if generation.page_release_for_retry(page_id=page_id, retries=self.request.retries):
            raise self.retry(countdown=2**self.request.retries + random.random()) from exc
        generation.page_fail(page_id=page_id, message=exc.message)


@shared_task(acks_late=True)
def book_assemble(book_id: str) -> None:
    try:
        generation.book_assemble(book_id=book_id)
    except ApplicationError as exc:
        generation.book_fail(book_id=book_id, message=exc.message)
