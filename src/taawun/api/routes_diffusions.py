"""Diffusions: alerts sent straight to chosen members or regions, with replies and withdrawal."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field

from taawun.api.deps import Conn, CurrentActor
from taawun.domain.models import LongText, MemberCode, ShortText, Strict
from taawun.domain.notices import DiffusionRequest
from taawun.services import diffusions as svc

router = APIRouter(tags=["diffusions"])


class DiffusionIn(Strict):
    record_id: str = Field(max_length=36)
    request: DiffusionRequest
    message: LongText | None = None
    members: list[MemberCode] = Field(default_factory=list, max_length=300)
    regions: list[Annotated[str, Field(max_length=20)]] = Field(default_factory=list, max_length=20)


class ReplyIn(Strict):
    text: LongText


class WithdrawIn(Strict):
    reason: ShortText | None = None


@router.post("/diffusions", status_code=201)
def send(conn: Conn, actor: CurrentActor, body: DiffusionIn) -> dict[str, Any]:
    return svc.send(conn, actor, body.record_id, body.request, body.message, body.members, body.regions)


@router.get("/diffusions")
def list_diffusions(conn: Conn, actor: CurrentActor,
                    limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    """Diffusions your organisation sent and received, newest first."""
    return {"items": svc.find(conn, actor, limit)}


@router.get("/diffusions/{diffusion_id}")
def get_diffusion(conn: Conn, actor: CurrentActor, diffusion_id: str) -> dict[str, Any]:
    return svc.get(conn, actor, diffusion_id)


@router.post("/diffusions/{diffusion_id}/reply", status_code=201)
def reply(conn: Conn, actor: CurrentActor, diffusion_id: str, body: ReplyIn) -> dict[str, Any]:
    return svc.reply(conn, actor, diffusion_id, body.text)


@router.post("/diffusions/{diffusion_id}/withdraw", status_code=204)
def withdraw(conn: Conn, actor: CurrentActor, diffusion_id: str, body: WithdrawIn | None = None) -> None:
    svc.withdraw(conn, actor, diffusion_id, body.reason if body else None)
