"""Diffusion use cases: send an alert about a record, read, reply, withdraw.

The record travels as it was when sent (a snapshot), so recipients see what the sender meant to
share even if the record changes later; a withdrawn diffusion shows its recipients only that it
was withdrawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from taawun.access.actor import Actor
from taawun.access.diffusions import DiffusionAccess
from taawun.access.records import RecordAccess
from taawun.domain.notices import DiffusionRequest
from taawun.services.records import view as record_view


def send(conn: Connection, actor: Actor, record_id: str, request: DiffusionRequest, message: str | None,
         members: Sequence[str], regions: Sequence[str]) -> dict[str, Any]:
    row = RecordAccess(conn, actor).get(record_id)
    sent = DiffusionAccess(conn, actor).send(row, record_view(row), request.value, message, members, regions)
    return get(conn, actor, sent["id"])


def get(conn: Connection, actor: Actor, diffusion_id: str) -> dict[str, Any]:
    found, recipients, replies = DiffusionAccess(conn, actor).get(diffusion_id)
    return _view(actor, found, recipients, replies)


def find(conn: Connection, actor: Actor, limit: int) -> list[dict[str, Any]]:
    rows = DiffusionAccess(conn, actor).find(limit)
    return [_view(actor, d, None, None) for d in rows]


def reply(conn: Connection, actor: Actor, diffusion_id: str, text: str) -> dict[str, Any]:
    return _reply_view(DiffusionAccess(conn, actor).reply(diffusion_id, text))


def withdraw(conn: Connection, actor: Actor, diffusion_id: str, reason: str | None) -> None:
    DiffusionAccess(conn, actor).withdraw(diffusion_id, reason)


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _reply_view(r: dict[str, Any]) -> dict[str, Any]:
    return {"id": r["id"], "from_org": r["from_org"], "by_user": r["by_user"], "at": _iso(r["at"]), "text": r["text"]}


def _view(actor: Actor, d: dict[str, Any], recipients: list[str] | None,
          replies: list[dict[str, Any]] | None) -> dict[str, Any]:
    sender = actor.org_code == d["sender_org"]
    out: dict[str, Any] = {"id": d["id"], "direction": "sent" if sender else "received", "sender": d["sender_org"],
                           "created_at": _iso(d["created_at"]), "status": d["status"],
                           "withdrawn_at": _iso(d["withdrawn_at"])}
    if d["status"] != "active" and not sender:
        return out  # withdrawn: the recipients keep only the fact
    out.update({"record_id": d["record_id"], "request": d["request"], "message": d["message"],
                "record": d["record"]})
    if sender:
        out["targets"] = d["targets"]
        out["withdrawn_reason"] = d["withdrawn_reason"]
        if recipients is not None:
            out["recipients"] = recipients
    if replies is not None:
        out["replies"] = [_reply_view(r) for r in replies]
    return out
