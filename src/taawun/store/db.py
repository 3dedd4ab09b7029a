"""Engine creation for the embedded SQLite default and for PostgreSQL.

SQLite write transactions start with BEGIN IMMEDIATE: every request writes at least an audit
entry, and a deferred transaction that reads the audit head and later writes would fail with
"database is locked" under concurrency instead of waiting its turn.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

DEFAULT_DB_URL = "sqlite:///taawun.db"
# Execution option for connections that only read (index builds, backups): on SQLite they take no
# write lock, so they never wait for, or block, the request being served.
READ_ONLY = "taawun_read_only"


def database_url(explicit: str | None = None) -> str:
    url = explicit or os.environ.get("TAAWUN_DB") or DEFAULT_DB_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    url = database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    ping_idle = kwargs.pop("pool_pre_ping", None) is not False
    engine = create_engine(url, **kwargs)
    if ping_idle:
        _ping_when_idle(engine)
    return engine


IDLE_PING_S = 5.0  # a pooled connection unused for longer is checked (one round trip) before it is handed out


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only if it sat idle, instead of before every use (pool_pre_ping).

    Why: a screening takes three connections from the pool (token check, index refresh, disclosure);
    pinging each cost three round trips per request, a third of all of them. A connection the database
    dropped (restart, idle timeout) is one that sat in the pool: those are still checked and replaced.
    What is given up: a connection used within the last IDLE_PING_S seconds is trusted, so a request
    right after a database restart may fail once (and its connection is then discarded)."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["taawun_checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("taawun_checked_in")
        if since is None or time.monotonic() - since < IDLE_PING_S:
            return  # new (just connected) or recently used
        try:
            with dbapi_conn.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_conn.rollback()
        except Exception as exc:
            raise DisconnectionError("stale pooled connection") from exc


@contextmanager
def quick_read(engine: Engine) -> Iterator[Connection]:
    """A connection for a request's small reads (its token, the index's change feed), outside a transaction.

    On PostgreSQL it runs in autocommit: each statement sees the latest committed data, as it would
    inside a READ COMMITTED transaction, without the BEGIN and COMMIT round trips. On SQLite it is a
    read-only transaction (BEGIN, not BEGIN IMMEDIATE): it takes no write lock."""
    if is_sqlite(engine):
        with engine.connect().execution_options(**{READ_ONLY: True}) as conn, conn.begin():
            yield conn
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            yield conn


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let us issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a commit survives the process crashing; an OS crash or power loss may lose the last
        # commits before the next WAL sync, never consistency (the audit chain stays verifiable, only shorter).
        # FULL would fsync every commit; group commit (store.group_commit) would make that affordable for
        # screenings if an operator needs it. PostgreSQL (synchronous_commit on) is the durable deployment.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # 64 MiB page cache (default 2 MiB): bulk loads insert into indexes keyed by random UUIDs and
        # name terms, and with the default cache each batch re-reads most index pages (~2x slower).
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        readonly = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")
