"""Django's PostgreSQL backend with a pool that fails fast while the database is unreachable.

psycopg_pool makes a caller wait up to DB_POOL_TIMEOUT for a connection, which is right when the
pool is merely busy. When PostgreSQL itself is gone, every attempt in a request (the user, then
the language middleware, then the error page asking for the user again) would wait that long
in turn. So once a wait ends without a connection *and* the pool's own connection attempts
failed, for the next few seconds a request first makes one direct connection attempt: refused at
once while PostgreSQL is away (503 without waiting), and back to the pool as soon as it answers.
"""

from __future__ import annotations

import threading
import time

import psycopg
from django.db.backends.postgresql import base
from psycopg_pool import PoolTimeout

UNREACHABLE_SECONDS = 5.0
PROBE_TIMEOUT_SECONDS = 2


class _Unreachable:
    def __init__(self):
        self._lock = threading.Lock()
        self.until = 0.0
        self.errors_seen = 0

    def clear(self) -> None:
        self.until = 0.0

    def now(self) -> bool:
        return time.monotonic() < self.until

    def note_timeout(self, pool) -> None:
        errors = pool.get_stats().get("connections_errors", 0)
        with self._lock:
            if errors > self.errors_seen:
                self.until = time.monotonic() + UNREACHABLE_SECONDS
            self.errors_seen = errors


class DatabaseWrapper(base.DatabaseWrapper):
    _unreachable = _Unreachable()

    def get_new_connection(self, conn_params):
        if not self.pool:
            return super().get_new_connection(conn_params)
        if self._unreachable.now():
            self._probe(conn_params)
        try:
            return super().get_new_connection(conn_params)
        except PoolTimeout:
            self._unreachable.note_timeout(self.pool)
            raise

    def _probe(self, conn_params) -> None:
        """One direct connection attempt: refused at once while PostgreSQL is away (Django turns the
        error into the 503 of fabrica/db_unavailable.py), and the end of the window once it is back."""
        psycopg.connect(**{**conn_params, "connect_timeout": PROBE_TIMEOUT_SECONDS}).close()
        self._unreachable.clear()
