"""Thin Celery wrappers: ids in, call the export service.

Expected errors (a file over the size limit) become a message for the parent; anything
unexpected is logged with its traceback and the export fails with a plain message.
"""

from __future__ import annotations

import logging

from celery import shared_task

from exports import services
from fabrica.errors import ApplicationError

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def export_build(export_id: str) -> None:
    try:
        services.export_build(export_id=export_id)
    except ApplicationError as exc:
        services.export_fail(export_id=export_id, message=exc.message)
    except Exception:
        logger.exception("building export %s failed", export_id)
        services.export_fail(export_id=export_id, message=services.UNEXPECTED_ERROR)


@shared_task
def exports_cleanup() -> int:
    return services.exports_delete_expired()
