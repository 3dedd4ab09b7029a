"""Engine creation for the embedded SQLite default and for PostgreSQL.

SQLite write transactions start with BEGIN IMMEDIATE: every request writes at least an audit
entry, and a deferred transaction that reads the audit head and later writes would fail with
"database is locked" under concurrency instead of waiting its turn.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

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
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


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
