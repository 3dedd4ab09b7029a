"""Reading and writing diffusions, their recipients and replies. No permission logic here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from taawun.store.tables import diffusion_recipients, diffusion_replies, diffusions


def insert_diffusion(conn: Connection, values: dict[str, Any], recipients: Sequence[str]) -> None:
    conn.execute(insert(diffusions), values)
    conn.execute(insert(diffusion_recipients), [{"diffusion_id": values["id"], "org_code": o} for o in recipients])


def get_diffusion(conn: Connection, diffusion_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(diffusions).where(diffusions.c.id == diffusion_id)).mappings().first()
    return dict(row) if row else None


def recipients_of(conn: Connection, diffusion_id: str) -> list[str]:
    query = select(diffusion_recipients.c.org_code).where(diffusion_recipients.c.diffusion_id == diffusion_id)
    return sorted(r.org_code for r in conn.execute(query))


def for_org(conn: Connection, org_code: str, limit: int) -> list[dict[str, Any]]:
    """Diffusions an organisation sent or received, newest first."""
    received = select(diffusion_recipients.c.diffusion_id).where(diffusion_recipients.c.org_code == org_code)
    query = (select(diffusions).where(or_(diffusions.c.sender_org == org_code, diffusions.c.id.in_(received)))
             .order_by(diffusions.c.seq.desc()).limit(limit))
    return [dict(r) for r in conn.execute(query).mappings()]


def withdraw(conn: Connection, diffusion_id: str, values: dict[str, Any]) -> bool:
    result = conn.execute(update(diffusions).where(diffusions.c.id == diffusion_id, diffusions.c.status == "active")
                          .values(status="withdrawn", **values))
    return result.rowcount == 1


def insert_reply(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(diffusion_replies), values)


def replies_of(conn: Connection, diffusion_id: str, from_org: str | None = None) -> list[dict[str, Any]]:
    query = select(diffusion_replies).where(diffusion_replies.c.diffusion_id == diffusion_id)
    if from_org is not None:
        query = query.where(diffusion_replies.c.from_org == from_org)
    return [dict(r) for r in conn.execute(query.order_by(diffusion_replies.c.seq)).mappings()]
