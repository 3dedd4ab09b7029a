"""Hits, inbox notifications and the change feed that screening workers follow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, select, update

from taawun.store.records import insert_many
from taawun.store.tables import changes, hits, notifications, records


def hit_writes(hit_rows: list[dict[str, Any]], notes: list[dict[str, Any]]) -> list[tuple[Table, list[dict[str, Any]]]]:
    """A screening's hits and the owners' notifications as rows to insert (records.insert_all), hits first."""
    return [(hits, hit_rows), (notifications, notes)]


def insert_notifications(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    insert_many(conn, notifications, list(rows))


def get_hit(conn: Connection, hit_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(hits).where(hits.c.id == hit_id)).mappings().first()
    return dict(row) if row else None


def answer_hit(conn: Connection, hit_id: str, status: str, by_user: str, at: dt.datetime, note: str | None) -> bool:
    result = conn.execute(
        update(hits)
        .where(hits.c.id == hit_id, hits.c.status == "pending")
        .values(status=status, answered_by=by_user, answered_at=at, answer_note=note)
    )
    return result.rowcount == 1


def inbox(
    conn: Connection, org_code: str, *, unread_only: bool, limit: int, before_seq: int | None
) -> list[dict[str, Any]]:
    query = select(notifications).where(notifications.c.org_code == org_code)
    if unread_only:
        query = query.where(notifications.c.read.is_(False))
    if before_seq is not None:
        query = query.where(notifications.c.seq < before_seq)
    return [dict(r) for r in conn.execute(query.order_by(notifications.c.seq.desc()).limit(limit)).mappings()]


def unread_count(conn: Connection, org_code: str) -> int:
    query = select(func.count()).select_from(notifications).where(
        notifications.c.org_code == org_code, notifications.c.read.is_(False)
    )
    return int(conn.execute(query).scalar_one())


def mark_read(conn: Connection, org_code: str, notification_id: str) -> bool:
    result = conn.execute(
        update(notifications)
        .where(notifications.c.id == notification_id, notifications.c.org_code == org_code)
        .values(read=True)
    )
    return result.rowcount == 1


def hits_for_org(conn: Connection, org_code: str, limit: int) -> list[dict[str, Any]]:
    """Hits an organisation made (as searcher) or received (as owner), newest first."""
    query = (
        select(hits)
        .where((hits.c.searcher_org == org_code) | (hits.c.record_owner == org_code))
        .order_by(hits.c.at.desc())
        .limit(limit)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


_LAST_CHANGE = select(func.coalesce(func.max(changes.c.seq), 0))  # asked before every screening: built once


def last_change(conn: Connection) -> int:
    return int(conn.execute(_LAST_CHANGE).scalar_one())


def changed_since(conn: Connection, seq: int, limit: int = 50_000) -> list[tuple[int, str]]:
    query = select(changes.c.seq, changes.c.record_id).where(changes.c.seq > seq).order_by(changes.c.seq).limit(limit)
    return [(r.seq, r.record_id) for r in conn.execute(query)]


def screenable_rows(conn: Connection, ids: Sequence[str] | None, after_seq: int = 0, limit: int = 20_000) -> list[Any]:
    """Person and travel-document rows (any owner, any status) for building the screening index."""
    query = select(records.c.seq, records.c.id, records.c.kind, records.c.status, records.c.review_due,
                   records.c.data).where(records.c.kind.in_(["person", "travel_document"]))
    if ids is not None:
        query = query.where(records.c.id.in_(list(ids)))
    else:
        query = query.where(records.c.seq > after_seq).order_by(records.c.seq).limit(limit)
    return list(conn.execute(query))
