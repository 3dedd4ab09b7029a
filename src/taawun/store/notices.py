"""Reading and writing notices and their events. No permission logic: access/notices.py decides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, bindparam, insert, or_, select, true, update

from taawun.store.tables import notice_events, notices


def insert_notice(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(notices), values)


def get_notice(conn: Connection, notice_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(notices).where(notices.c.id == notice_id)).mappings().first()
    return dict(row) if row else None


def update_notice(conn: Connection, notice_id: str, previous_version: int, values: dict[str, Any]) -> bool:
    """Optimistic write: False when someone changed the notice since it was read."""
    result = conn.execute(update(notices).where(notices.c.id == notice_id, notices.c.version == previous_version)
                          .values(version=previous_version + 1, **values))
    return result.rowcount == 1


def list_notices(conn: Connection, where: ColumnElement[bool] | None = None, limit: int = 500) -> list[dict[str, Any]]:
    query = select(notices).where(where if where is not None else true()).order_by(notices.c.seq.desc()).limit(limit)
    return [dict(r) for r in conn.execute(query).mappings()]


def notices_in_sight(conn: Connection, org_code: str, is_gs: bool, where: ColumnElement[bool],
                     limit: int) -> list[dict[str, Any]]:
    """A first cut in SQL of what an organisation may see; restrictions are applied by the caller."""
    seen = or_(notices.c.requester_org == org_code, notices.c.status == "published")
    if is_gs:
        seen = or_(seen, notices.c.submitted_at.is_not(None))
    return list_notices(conn, seen & where, limit)


# Built once: asked by every screening that discloses a hit in full.
_PUBLISHED_FOR = (select(notices)
                  .where(notices.c.subject_id.in_(bindparam("ids", expanding=True)), notices.c.status == "published",
                         notices.c.expires_on > bindparam("today"))
                  .order_by(notices.c.published_at.desc()))


def published_for_subjects(conn: Connection, subject_ids: Sequence[str], today: dt.date) -> list[dict[str, Any]]:
    if not subject_ids:
        return []
    return [dict(r) for r in conn.execute(_PUBLISHED_FOR, {"ids": list(subject_ids), "today": today}).mappings()]


def insert_event(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(notice_events), values)


def events_of(conn: Connection, notice_id: str) -> list[dict[str, Any]]:
    query = select(notice_events).where(notice_events.c.notice_id == notice_id).order_by(notice_events.c.seq)
    return [dict(r) for r in conn.execute(query).mappings()]


def published_due(conn: Connection, before: dt.date) -> list[dict[str, Any]]:
    """Published notices whose expiry date falls before ``before``."""
    query = select(notices).where(notices.c.status == "published", notices.c.expires_on < before)
    return [dict(r) for r in conn.execute(query).mappings()]
