"""The connection budget: what each process may hold, added up against PostgreSQL's limit."""

from __future__ import annotations

from django.conf import settings
from django.test import override_settings

from fabrica.db_pool import connection_plan, worker_pool_size

WEB_POOL = {"min_size": 2, "max_size": 10, "timeout": 10.0}


@override_settings(
    WEB_CONCURRENCY=3,
    DB_POOL_MAX_SIZE=5,
    IO_WORKERS=2,
    IO_CONCURRENCY=64,
    DB_POOL_IO_SIZE=6,
    CPU_WORKERS=2,
    CPU_CONCURRENCY=4,
    DB_CONNECTIONS_HEADROOM=10,
)
def test_the_plan_adds_web_pools_io_pools_cpu_children_beat_and_headroom():
    plan = connection_plan()

    assert (plan.web, plan.io_workers, plan.cpu_workers, plan.beat, plan.headroom) == (15, 12, 8, 1, 10)
    assert plan.total == 46


def test_a_prefork_worker_child_holds_one_connection(monkeypatch):
    monkeypatch.setitem(settings.DATABASES["default"], "OPTIONS", {"pool": dict(WEB_POOL)})

    worker_pool_size(concurrency=4, prefork=True)

    assert settings.DATABASES["default"]["OPTIONS"]["pool"] == {"min_size": 0, "max_size": 1, "timeout": 10.0}


@override_settings(DB_POOL_IO_SIZE=8)
def test_a_thread_pool_workers_threads_share_a_few_connections(monkeypatch):
    monkeypatch.setitem(settings.DATABASES["default"], "OPTIONS", {"pool": dict(WEB_POOL)})

    worker_pool_size(concurrency=64, prefork=False)
    assert settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"] == 8

    worker_pool_size(concurrency=4, prefork=False)  # never more connections than threads
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
