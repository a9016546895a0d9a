import os

from celery import Celery
from celery.signals import (
    beat_init,
    before_task_publish,
    task_postrun,
    task_prerun,
    worker_init,
    worker_process_init,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrica.settings")

app = Celery("fabrica")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _worker_database_pool(sender=None, **kwargs):
    """A worker holds at most one connection per task slot (the sizing rule in fabrica/db_pool.py)."""
    from fabrica.db_pool import worker_pool_size

    pool_cls = getattr(sender, "pool_cls", "")
    module = pool_cls if isinstance(pool_cls, str) else getattr(pool_cls, "__module__", "")
    worker_pool_size(concurrency=getattr(sender, "concurrency", 1) or 1, prefork="prefork" in module)


# A task speaks the language of whoever queued it, so the status and error messages it stores
# reach the parent in the language they were reading; tasks it queues in turn inherit it.
@before_task_publish.connect
def _task_language_send(headers=None, **kwargs):
    from django.utils import translation

    if headers is not None and not headers.get("language"):
        headers["language"] = translation.get_language()


@task_prerun.connect
def _task_language_activate(task=None, **kwargs):
    from django.utils import translation

    language = getattr(task.request, "language", None) if task is not None else None
    if language:
        task.request.language_before = translation.get_language()
        translation.activate(language)


@task_postrun.connect
def _task_language_restore(task=None, **kwargs):
    from django.utils import translation

    before = getattr(task.request, "language_before", None) if task is not None else None
    if before:
        translation.activate(before)


# The request id travels with the task, so the worker's log lines name the request that queued it.
@before_task_publish.connect
def _task_request_id_send(headers=None, **kwargs):
    from fabrica.log import request_id_get

    if headers is not None and not headers.get("request_id") and request_id_get():
        headers["request_id"] = request_id_get()


@task_prerun.connect
def _task_request_id_set(task=None, **kwargs):
    from fabrica.log import request_id_get, request_id_set

    request_id = getattr(task.request, "request_id", None) if task is not None else None
    if request_id:
        task.request.request_id_before = request_id_get()
        request_id_set(request_id)


@task_postrun.connect
def _task_request_id_restore(task=None, **kwargs):
    from fabrica.log import request_id_set

    before = getattr(task.request, "request_id_before", None) if task is not None else None
    if before is not None:
        request_id_set(before)


# Traces (fabrica/tracing.py, only with OTEL_EXPORTER_OTLP_ENDPOINT): a prefork worker starts them
# in each child, after the fork, so no exporter thread or connection is shared across processes;
# the other pools run tasks in the worker's own process.
@worker_process_init.connect
def _tracing_worker_process(**kwargs):
    from fabrica.tracing import tracing_configure

    tracing_configure(service="fabrica-worker")


@worker_init.connect
def _tracing_worker(sender=None, **kwargs):
    from celery.concurrency import get_implementation
    from celery.concurrency.prefork import TaskPool as PreforkPool

    from fabrica.tracing import tracing_configure

    pool = get_implementation(getattr(sender, "pool_cls", None) or "prefork")
    if not (isinstance(pool, type) and issubclass(pool, PreforkPool)):
        tracing_configure(service="fabrica-worker")


@beat_init.connect
def _tracing_beat(**kwargs):
    from fabrica.tracing import tracing_configure

    tracing_configure(service="fabrica-beat")
