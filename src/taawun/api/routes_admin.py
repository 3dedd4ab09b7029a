"""Organisations, users and the audit trail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from taawun.access import audit_view, identity, reference
from taawun.access.policy import require
from taawun.api.deps import Conn, CurrentActor
from taawun.domain.enums import Role
from taawun.store import accounts

router = APIRouter(tags=["administration"])


@router.get("/organisations")
def organisations(conn: Conn, _actor: CurrentActor) -> dict[str, Any]:
    return {"items": reference.organisations(conn)}


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    role: Role
    password: str = Field(min_length=1, max_length=1000)
    language: str = Field(default="en", pattern="^(ar|en|fr|es)$")


@router.get("/users")
def list_users(conn: Conn, actor: CurrentActor) -> dict[str, Any]:
    require(actor, "manage_users")
    users = accounts.users_of(conn, actor.org_code)
    return {"items": [{"id": u["id"], "username": u["username"], "role": u["role"], "active": u["active"],
                       "org": u["org_code"]} for u in users]}


@router.post("/users", status_code=201)
def add_user(conn: Conn, actor: CurrentActor, body: UserIn) -> dict[str, Any]:
    user_id = identity.add_user(conn, actor, username=body.username, org_code=actor.org_code, role=body.role,
                                password=body.password, language=body.language)
    return {"id": user_id, "username": body.username, "org": actor.org_code, "role": body.role.value}


@router.get("/audit")
def audit_trail(conn: Conn, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                cursor: Annotated[int | None, Query(ge=1)] = None,
                action: Annotated[str | None, Query(max_length=32, pattern="^[a-z_.]+$")] = None) -> dict[str, Any]:
    """Your organisation's own audit trail (the GS sees every entry)."""
    rows = audit_view.trail(conn, actor, limit=limit, before_seq=cursor, action=action)
    items = [{"seq": r["seq"], "at": r["at"].isoformat(), "user_id": r["user_id"], "username": r["username"],
              "org": r["org_code"], "action": r["action"], "target_id": r["target_id"], "detail": r["detail"],
              "hash": r["hash"]} for r in rows]
    return {"items": items, "next_cursor": rows[-1]["seq"] if len(rows) == limit else None}
