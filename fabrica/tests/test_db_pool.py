"""The connection budget: what each process may hold, added up against PostgreSQL's limit."""

from __future__ import annotations

from django.conf import settings
from django.test import override_settings

from fabrica.db_pool import connection_plan, worker_pool_size

WEB_POOL = {"min_size": 2, "max_size": 10, "timeout": 10.0}


@override_settings(
    WEB_CONCURRENCY=3, DB_POOL_MAX_SIZE=5, CELERY_WORKERS=2, WORKER_CONCURRENCY=4, DB_CONNECTIONS_HEADROOM=10
)
def test_the_plan_adds_web_pools_worker_slots_beat_and_headroom():
    plan = connection_plan()

    assert (plan.web, plan.workers, plan.beat, plan.headroom) == (15, 8, 1, 10)
    assert plan.total == 34


def test_a_prefork_worker_child_holds_one_connection(monkeypatch):
    monkeypatch.setitem(settings.DATABASES["default"], "OPTIONS", {"pool": dict(WEB_POOL)})

    worker_pool_size(concurrency=4, prefork=True)

    assert settings.DATABASES["default"]["OPTIONS"]["pool"] == {"min_size": 0, "max_size": 1, "timeout": 10.0}


def test_a_thread_pool_worker_holds_one_connection_per_thread(monkeypatch):
    monkeypatch.setitem(settings.DATABASES["default"], "OPTIONS", {"pool": dict(WEB_POOL)})

    worker_pool_size(concurrency=4, prefork=False)

    assert settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"] == 4


def test_a_worker_without_a_pool_is_left_alone(monkeypatch):
    monkeypatch.setitem(settings.DATABASES["default"], "OPTIONS", {"timeout": 30})

    worker_pool_size(concurrency=4, prefork=True)

    assert settings.DATABASES["default"]["OPTIONS"] == {"timeout": 30}


class _Pool:
    def __init__(self, errors: int):
        self.errors = errors

    def get_stats(self) -> dict:
        return {"connections_errors": self.errors} if self.errors else {}


def test_a_pool_that_is_only_busy_keeps_waiting_for_connections():
    from fabrica.db_backend.base import _Unreachable

    unreachable = _Unreachable()
    unreachable.note_timeout(_Pool(errors=0))

    assert not unreachable.now()


def test_a_pool_that_cannot_reach_the_database_stops_waiting_for_a_few_seconds(monkeypatch):
    import types

    from fabrica.db_backend import base

    clock = types.SimpleNamespace(now=100.0)
    monkeypatch.setattr(base, "time", types.SimpleNamespace(monotonic=lambda: clock.now))
    unreachable = base._Unreachable()

    unreachable.note_timeout(_Pool(errors=3))
    assert unreachable.now()
    clock.now += base.UNREACHABLE_SECONDS + 0.1
    assert not unreachable.now()
    unreachable.note_timeout(_Pool(errors=3))  # no new failed attempt since: only busy
    assert not unreachable.now()
