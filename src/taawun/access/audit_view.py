"""Reading the audit trail: an organisation sees its own users' entries; the GS sees all."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from taawun.access import audit
from taawun.access.actor import Actor
from taawun.access.policy import require
from taawun.store.tables import audit_log


def trail(conn: Connection, actor: Actor, *, limit: int = 100, before_seq: int | None = None,
          action: str | None = None) -> list[dict[str, Any]]:
    require(actor, "read_audit")
    query = select(audit_log)
    if not actor.is_gs:
        query = query.where(audit_log.c.org_code == actor.org_code)
    if before_seq is not None:
        query = query.where(audit_log.c.seq < before_seq)
    if action:
        query = query.where(audit_log.c.action == action)
    rows = [dict(r) for r in conn.execute(query.order_by(audit_log.c.seq.desc()).limit(limit)).mappings()]
    audit.record(conn, actor, "audit.read", None, returned=len(rows))
    return rows
