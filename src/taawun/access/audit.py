"""The append-only, hash-chained audit log.

Each entry's hash covers its own fields and the previous entry's hash, so changing, deleting or
reordering any entry breaks the chain from that point on. Appends are serialised (the writers' lock
of `store.locks` on PostgreSQL; SQLite transactions are already exclusive) so the chain never forks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, select
from sqlalchemy import event as sa_event

from taawun.access.actor import Actor
from taawun.store.locks import serialise_writers_then_read
from taawun.store.records import insert_all
from taawun.store.tables import audit_log

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    action: str
    target_id: str | None = None
    detail: dict[str, Any] | None = None


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _canonical_time(at: dt.datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")


def entry_hash(row: dict[str, Any]) -> str:
    payload = json.dumps(
        [
            row["seq"],
            _canonical_time(row["at"]),
            row["user_id"],
            row["username"],
            row["org_code"],
            row["action"],
            row["target_id"],
            row["detail"],
            row["prev_hash"],
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


# Read under the writers' lock by every append (plain SQL: sent with the lock in one round trip, store.locks).
_HEAD = f"SELECT seq, hash FROM {audit_log.name} ORDER BY seq DESC LIMIT 1"


# The head a transaction itself last appended, kept on its connection: (transaction, seq, hash). While that
# transaction lasts it holds the writers' lock, so no one else can have appended since, and its next append
# (concurrent screenings grouped in one transaction, store.group_commit, append one after another) needs
# neither the lock nor the head read again. A rollback to a savepoint may undo the appended entry, so it
# forgets the head, as commit and rollback do.
_LAST_APPENDED = "taawun.audit.last_appended"


def _head(conn: Connection) -> tuple[int, str]:
    known = conn.info.get(_LAST_APPENDED)
    transaction = conn.get_transaction()
    if known is not None and transaction is not None and known[0] is transaction and transaction.is_active:
        return known[1], known[2]
    row = serialise_writers_then_read(conn, _HEAD)
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def _forget_head(conn: Connection, *_: Any) -> None:
    conn.info.pop(_LAST_APPENDED, None)


for _name in ("rollback_savepoint", "rollback", "commit"):
    sa_event.listen(Engine, _name, _forget_head)


def append(conn: Connection, actor: Actor | None, events: Iterable[AuditEvent],
           with_rows: Sequence[tuple[Table, list[dict[str, Any]]]] = ()) -> int:
    """Append events inside the caller's transaction; returns the last sequence number.

    ``with_rows``: other tables' new rows that the audited action writes (a screening's hits and
    notifications), inserted before the entries and sent with them (store.records.insert_all: one round trip
    on PostgreSQL when they are few)."""
    seq, prev = _head(conn)
    at = utcnow()
    rows = []
    for event in events:
        seq += 1
        row = {
            "seq": seq,
            "at": at,
            "user_id": actor.user_id if actor else None,
            "username": actor.username if actor else None,
            "org_code": actor.org_code if actor else None,
            "action": event.action,
            "target_id": event.target_id,
            "detail": event.detail or {},
            "prev_hash": prev,
        }
        row["hash"] = prev = entry_hash(row)
        rows.append(row)
    insert_all(conn, [*with_rows, (audit_log, rows)])  # a passenger list appends thousands: COPY on PostgreSQL
    if rows:
        conn.info[_LAST_APPENDED] = (conn.get_transaction(), seq, prev)
    return seq


def record(conn: Connection, actor: Actor | None, action: str, target_id: str | None = None,
           **detail: Any) -> None:
    append(conn, actor, [AuditEvent(action, target_id, detail)])


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    head_hash: str
    problem: str | None = None
    seq: int | None = None


def _rows(conn: Connection, batch: int = 5000) -> Iterator[dict[str, Any]]:
    last = 0
    while True:
        chunk = conn.execute(
            select(audit_log).where(audit_log.c.seq > last).order_by(audit_log.c.seq).limit(batch)
        ).mappings().all()
        if not chunk:
            return
        for row in chunk:
            yield dict(row)
        last = chunk[-1]["seq"]


def verify(conn: Connection) -> VerifyResult:
    """Walk the chain; report the first entry that was changed, removed or moved."""
    expected_seq, prev, count = 1, GENESIS, 0
    for row in _rows(conn):
        count += 1
        seq = row["seq"]
        if seq != expected_seq:
            problem = (f"entry {expected_seq} is missing (deleted)" if seq > expected_seq
                       else f"entry {seq} is out of order")
            return VerifyResult(False, count, prev, problem, expected_seq)
        if row["prev_hash"] != prev:
            return VerifyResult(False, count, prev,
                                f"entry {seq} does not follow entry {seq - 1} (deleted or reordered)", seq)
        if entry_hash(row) != row["hash"]:
            return VerifyResult(False, count, prev, f"entry {seq} was changed after it was written", seq)
        prev = row["hash"]
        expected_seq += 1
    return VerifyResult(True, count, prev)
