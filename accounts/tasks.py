"""Thin Celery wrappers for the accounts app: ids in, call the service."""

from __future__ import annotations

import logging

from celery import shared_task

from accounts import privacy
from fabrica.errors import ApplicationError

logger = logging.getLogger(__name__)


# A whole account's pictures can take longer than the global limit for one page.
@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def data_export_build(data_export_id: str) -> None:
    try:
        privacy.data_export_build(data_export_id=data_export_id)
    except ApplicationError as exc:
        privacy.data_export_fail(data_export_id=data_export_id, message=exc.message)
    except Exception:
        logger.exception("building data export %s failed", data_export_id)
        privacy.data_export_fail(data_export_id=data_export_id, message=privacy.UNEXPECTED_ERROR)


@shared_task
def data_exports_cleanup() -> int:
    return privacy.data_exports_cleanup()
