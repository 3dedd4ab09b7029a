"""A short PostgreSQL write transaction in two round trips: BEGIN goes with its first statements, COMMIT with its
last writes.

Why: a screening's transaction is tiny (the writers' lock with the audit chain's head, then its audit entry, and on
a hit the hit and the owner's notification), yet psycopg spends a round trip on each of BEGIN (it waits for BEGIN's
answer before sending anything else, even in pipeline mode), the lock with the head (one pipeline), the inserts (one
pipeline) and COMMIT. Each round trip is also a wake-up of the server process and of the worker's thread, which is
where a loaded 2-core machine adds its delays: the document check's p99 (10 ms) is made of such waits.

How, for one transaction run by `pipelined_transaction` (store.group_commit, a lone unit):
* psycopg is told not to open the transaction itself (autocommit, while nothing has run); BEGIN is then owed and
  goes first in the next pipeline that this package sends (the lock and head read, store.locks; inserts,
  store.records), or on its own before any statement that SQLAlchemy runs: nothing ever runs outside the
  transaction;
* small inserts (`hold`) wait on the connection, in order, until the next statement of any kind (they go first,
  so everything runs in the order written) or the commit, which sends them and COMMIT in one pipeline;
* a failure rolls the transaction back (held writes are never sent), and the connection always leaves with
  psycopg's own transaction handling back on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event

_KEY = "taawun.pipelined_transaction"
Statement = tuple[str, list[tuple[Any, ...]]]  # SQL with %s marks, and one tuple of values per row


class _Owed:
    __slots__ = ("begin", "held")

    def __init__(self) -> None:
        self.begin = True  # the transaction is still to be opened
        self.held: list[Statement] = []


def _driver(conn: Connection) -> Any:
    return conn.connection.driver_connection


def _owed(conn: Connection) -> _Owed | None:
    owed: _Owed | None = conn.info.get(_KEY)
    return owed


@contextmanager
def pipelined_transaction(conn: Connection) -> Iterator[None]:
    """Run the body as one transaction begun and committed as described above (PostgreSQL with pipeline mode; a
    plain transaction elsewhere). Commits when the body returns, rolls back if it raises. The caller's SQLAlchemy
    transaction then finds nothing left to commit or roll back."""
    driver = _driver(conn)
    if conn.dialect.name != "postgresql" or not hasattr(driver, "pipeline") or _in_transaction(driver):
        yield
        return
    owed = conn.info[_KEY] = _Owed()
    driver.autocommit = True  # psycopg must not open the transaction itself: BEGIN is ours to send
    try:
        yield
        if owed.held or not owed.begin:  # something was written or read in a transaction: commit it
            with driver.cursor() as cursor, driver.pipeline():
                _queue_owed(owed, cursor)
                cursor.execute("COMMIT", prepare=False)
    except BaseException:
        if _in_transaction(driver):
            driver.rollback()
        raise
    finally:
        owed.held.clear()
        conn.info.pop(_KEY, None)
        if _in_transaction(driver):  # (a failed rollback: the connection is unusable) never pooled like that
            conn.invalidate()
        else:
            driver.autocommit = False


def _in_transaction(driver: Any) -> bool:
    from psycopg.pq import TransactionStatus

    return bool(driver.info.transaction_status != TransactionStatus.IDLE)


def _queue_owed(owed: _Owed, cursor: Any) -> None:
    if owed.begin:
        cursor.execute("BEGIN", prepare=False)
        owed.begin = False
    for sql, params in owed.held:
        cursor.executemany(sql, params)
    owed.held.clear()


def queue_owed(conn: Connection, cursor: Any) -> None:
    """In a pipeline the caller is about to send on ``conn``: first BEGIN and the held writes, if owed."""
    owed = _owed(conn)
    if owed is not None:
        _queue_owed(owed, cursor)


def send_owed(conn: Connection) -> None:
    """Send BEGIN and the held writes now (before a statement that cannot go in one pipeline with them)."""
    owed = _owed(conn)
    if owed is None or not (owed.begin or owed.held):
        return
    driver = _driver(conn)
    with driver.cursor() as cursor, driver.pipeline():
        _queue_owed(owed, cursor)


def owes(conn: Connection) -> bool:
    """Whether ``conn`` runs a pipelined transaction (its small inserts are then held, `hold`)."""
    return _KEY in conn.info


def hold(conn: Connection, statements: list[Statement]) -> bool:
    """Keep these inserts to send with the next statement or the COMMIT; False (the caller sends them) unless
    ``conn`` runs a pipelined transaction."""
    owed = _owed(conn)
    if owed is None:
        return False
    owed.held.extend(statements)
    return True


@event.listens_for(Engine, "before_cursor_execute")
def _owed_first(conn: Connection, *_: Any) -> None:
    """Whatever SQLAlchemy runs on a pipelined transaction's connection runs after BEGIN and the held writes."""
    if _KEY in conn.info:
        send_owed(conn)
