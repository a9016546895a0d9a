"""Embedded mode: a Celery worker on threads inside the web process.

With no REDIS_URL the broker is kombu's in-memory transport, which only
exists inside one process, so the worker has to live next to the server.
"""

from __future__ import annotations

import logging
import socket
import threading

from celery.worker import WorkController
from django.conf import settings

from fabrica.celery import app

logger = logging.getLogger(__name__)
_worker: WorkController | None = None
_lock = threading.Lock()


def start_embedded_worker(*, concurrency: int | None = None) -> WorkController:
    """Start the in-process worker once; later calls return the running one."""
    global _worker
    with _lock:
        if _worker is not None:
            return _worker
        app.finalize()
        app.set_current()
        app.set_default()
        _worker = app.WorkController(
            concurrency=concurrency or settings.EMBEDDED_WORKER_CONCURRENCY,
            pool_cls="threads",
            queues=list(settings.WORK_QUEUES),  # the only worker there is: every kind of work
            hostname=f"embedded@{socket.gethostname()}",
            loglevel="WARNING",
            without_heartbeat=True,
            without_mingle=True,
            without_gossip=True,
        )
        threading.Thread(target=_worker.start, daemon=True, name="celery-embedded").start()
        logger.info("embedded Celery worker started with %s threads", _worker.concurrency)
        return _worker


def start_embedded_beat() -> None:
    """Periodic jobs in a thread of this process: a separate beat could not reach the memory broker."""
    from celery.beat import EmbeddedService

    EmbeddedService(app, thread=True, scheduler_cls=settings.CELERY_BEAT_SCHEDULER).start()


def stop_embedded_worker() -> None:
    global _worker
    with _lock:
        if _worker is not None:
            _worker.stop(in_sighandler=False)
            _worker = None
