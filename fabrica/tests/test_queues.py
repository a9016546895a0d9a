"""Each kind of work goes to its own queue, and embedded mode's one worker serves them all."""

import pytest
from django.conf import settings

from fabrica.celery import app


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("books.tasks.book_write_story", "story"),
        ("books.tasks.book_draw_page", "pictures"),
        ("books.tasks.book_draw_cover", "pictures"),
        ("books.tasks.book_finish_page", "cpu"),
        ("books.tasks.book_assemble", "cpu"),
        ("exports.tasks.export_build", "exports"),
        ("accounts.tasks.data_export_build", "exports"),
        ("webhooks.tasks.webhook_deliver", "webhooks"),
        ("books.tasks.books_watchdog", "housekeeping"),
        ("books.tasks.books_resume_stuck", "housekeeping"),
        ("books.tasks.cleanup", "housekeeping"),
    ],
)
def test_each_task_goes_to_the_queue_of_its_kind_of_work(task, queue):
    assert _queue(task) == queue


def test_every_task_lands_on_a_queue_some_worker_serves():
    app.autodiscover_tasks(force=True)
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    assert ours
    assert {_queue(name) for name in ours} <= set(settings.WORK_QUEUES)


def test_the_embedded_worker_serves_every_queue(monkeypatch):
    from fabrica import embedded

    made = {}

    class Recorder:
        concurrency = 1

        def __init__(self, **kwargs):
            made.update(kwargs)

        def start(self):
            pass

    monkeypatch.setattr(embedded, "_worker", None)
    monkeypatch.setattr(embedded.app, "WorkController", Recorder)
    try:
        embedded.start_embedded_worker(concurrency=1)
    finally:
        monkeypatch.setattr(embedded, "_worker", None)
    assert set(made["queues"]) == set(settings.WORK_QUEUES)
