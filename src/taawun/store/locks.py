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

from sqlalchemy import Connection, text

PG_WRITE_LOCK_KEY = 7_140_913  # arbitrary, constant
_PG_LOCK = text("SELECT pg_advisory_xact_lock(:k)")  # built once: taken by every write


def serialise_writers(conn: Connection) -> None:
    """Wait for the write lock (PostgreSQL); held until the caller's transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(_PG_LOCK, {"k": PG_WRITE_LOCK_KEY})
