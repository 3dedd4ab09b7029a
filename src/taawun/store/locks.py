"""The one lock that puts writers in order on PostgreSQL.

Why: screening workers follow the change feed by asking for changes after the last number they
saw. PostgreSQL hands out sequence numbers when rows are inserted, not when transactions commit,
so a slow writer could commit change 10 after a fast one committed change 11, and a worker that
had already read up to 11 would never see 10. Every writer takes this transaction-scoped lock
before it adds to the change feed and keeps it until it commits (the audit log appends under the
same lock, which keeps its hash chain from forking); change numbers are then visible in order.
A writer that changes an existing record takes it before it locks the record's row, so no one
holds the lock while waiting for a row that a writer waiting for the lock holds (a deadlock).
SQLite transactions are already exclusive (BEGIN IMMEDIATE), so there it does nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

PG_WRITE_LOCK_KEY = 7_140_913  # arbitrary, constant
_PG_LOCK = text("SELECT pg_advisory_xact_lock(:k)")  # built once: taken by every write


def serialise_writers(conn: Connection) -> None:
    """Wait for the write lock (PostgreSQL); held until the caller's transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(_PG_LOCK, {"k": PG_WRITE_LOCK_KEY})


def serialise_writers_then_read(conn: Connection, query: str) -> tuple[Any, ...] | None:
    """Wait for the write lock, then run ``query`` (a read, plain SQL) and return its first row.

    Why: the audit chain's head must be read after the lock is granted, and as two ordinary statements that is
    two round trips on every screening. On PostgreSQL both go out at once in psycopg's pipeline mode (one round
    trip). It stays correct because the server runs the pipelined statements one after the other and the read
    is a statement of its own: in READ COMMITTED it takes its snapshot after the lock is granted, so it sees
    everything the previous holder committed. SQLite (already exclusive) and drivers without pipeline mode run
    the two statements in turn."""
    driver: Any = conn.connection.driver_connection
    if conn.dialect.name != "postgresql" or not hasattr(driver, "pipeline"):  # SQLite, or no pipeline mode
        serialise_writers(conn)
        first = conn.exec_driver_sql(query).first()
        return tuple(first) if first is not None else None
    with driver.cursor() as lock, driver.cursor() as read:
        with driver.pipeline():
            lock.execute("SELECT pg_advisory_xact_lock(%s)", (PG_WRITE_LOCK_KEY,))
            read.execute(query)
        row = read.fetchone()
    return tuple(row) if row is not None else None
