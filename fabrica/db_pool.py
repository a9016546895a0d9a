"""How many PostgreSQL connections the site may hold, and the check that they fit.

Every process keeps its own pool (Django's native psycopg pool, ``settings.DATABASES``), so the
sum over processes is what PostgreSQL sees:

    WEB_CONCURRENCY × DB_POOL_MAX_SIZE            (uvicorn processes)
      + IO_WORKERS × min(IO_CONCURRENCY, DB_POOL_IO_SIZE)   (worker_io: threads share a pool)
      + CPU_WORKERS × CPU_CONCURRENCY            (worker_cpu: one per prefork child)
      + 1 (beat)  ≤  max_connections − DB_CONNECTIONS_HEADROOM

A prefork child runs one task at a time and so needs one connection. A worker_io thread spends
its task waiting on a provider and gives its connection back to the pool meanwhile
(``ai.services``), so its threads share ``DB_POOL_IO_SIZE`` connections. The headroom is for
migrations, ``manage.py`` commands, psql and PostgreSQL's own superuser slots.

``manage.py migrate`` (the release step) and ``manage.py check --database default`` ask
PostgreSQL for ``max_connections`` and refuse a plan that does not fit.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.db import connections

BEAT_CONNECTIONS = 1


@dataclass(frozen=True)
class ConnectionPlan:
    web: int
    io_workers: int
    cpu_workers: int
    beat: int
    headroom: int

    @property
    def total(self) -> int:
        return self.web + self.io_workers + self.cpu_workers + self.beat + self.headroom


def connection_plan() -> ConnectionPlan:
    return ConnectionPlan(
        web=settings.WEB_CONCURRENCY * settings.DB_POOL_MAX_SIZE,
        io_workers=settings.IO_WORKERS * io_pool_size(settings.IO_CONCURRENCY),
        cpu_workers=settings.CPU_WORKERS * settings.CPU_CONCURRENCY,
        beat=BEAT_CONNECTIONS,
        headroom=settings.DB_CONNECTIONS_HEADROOM,
    )


def io_pool_size(threads: int) -> int:
    return max(1, min(threads, settings.DB_POOL_IO_SIZE))


def pooled(alias: str = "default") -> bool:
    return bool(settings.DATABASES[alias].get("OPTIONS", {}).get("pool"))


def worker_pool_size(*, concurrency: int, prefork: bool) -> None:
    """A Celery worker's share: one connection per child (prefork); a thread pool's threads share
    ``DB_POOL_IO_SIZE`` (they hold one only between provider calls).

    Called before the worker's first query; Celery's Django fix-up closes a prefork child's pool
    after every task, so a child that kept a web-sized minimum would reopen it for each task.
    """
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if not options.get("pool"):
        return
    size = 1 if prefork else io_pool_size(concurrency)
    options["pool"] = {**options["pool"], "min_size": 0, "max_size": size}
    # A pool made before this point (none is, normally) would keep the web's sizes.
    connection = connections["default"]
    if hasattr(connection, "close_pool"):
        with contextlib.suppress(KeyError):
            connection.close_pool()


@checks.register(checks.Tags.database)
def check_connections_fit(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Only with ``--database`` (and during migrate): it has to ask PostgreSQL."""
    if not databases or "default" not in databases or not pooled():
        return []
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        max_connections = int(cursor.fetchone()[0])
    plan = connection_plan()
    if plan.total <= max_connections:
        return []
    web = f"web {settings.WEB_CONCURRENCY} × DB_POOL_MAX_SIZE {settings.DB_POOL_MAX_SIZE} = {plan.web}"
    io = f"worker_io {settings.IO_WORKERS} × {io_pool_size(settings.IO_CONCURRENCY)} = {plan.io_workers}"
    cpu = f"worker_cpu {settings.CPU_WORKERS} × {settings.CPU_CONCURRENCY} = {plan.cpu_workers}"
    return [
        checks.Error(
            f"The connection pools need up to {plan.total} PostgreSQL connections but max_connections is "
            f"{max_connections}: {web}, {io}, {cpu}, beat {plan.beat}, headroom {plan.headroom}.",
            hint="Lower DB_POOL_MAX_SIZE, WEB_CONCURRENCY, DB_POOL_IO_SIZE or CPU_CONCURRENCY, or raise "
            "max_connections (or put PgBouncer in front of PostgreSQL).",
            id="fabrica.E010",
        )
    ]
