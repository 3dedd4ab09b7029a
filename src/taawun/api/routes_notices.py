"""Notices: drafts, submission, GS review and publication, and the requester's later steps."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from taawun.api.deps import Conn, CurrentActor
from taawun.domain.models import ShortText, Strict
from taawun.domain.notices import (
    ChecklistItem,
    ChecklistMark,
    NoticeIn,
    NoticePatch,
    NoticeStatus,
    NoticeType,
    ReviewDecision,
)
from taawun.services import notice_precheck
from taawun.services import notices as svc

router = APIRouter(tags=["notices"])


@router.post("/notices", status_code=201)
def create_notice(conn: Conn, actor: CurrentActor, body: NoticeIn) -> dict[str, Any]:
    """Start a draft; it is checked for completeness when submitted."""
    return svc.view(svc.create(conn, actor, body), actor)


@router.get("/notices")
def list_notices(conn: Conn, actor: CurrentActor, type: NoticeType | None = None,
                 status: NoticeStatus | None = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    rows = svc.find(conn, actor, type.value if type else None, status.value if status else None, limit)
    return {"items": [svc.view(n, actor) for n in rows]}


@router.get("/notices/{notice_id}")
def get_notice(conn: Conn, actor: CurrentActor, notice_id: str) -> dict[str, Any]:
    return svc.view(svc.get(conn, actor, notice_id), actor)


@router.patch("/notices/{notice_id}")
def patch_notice(conn: Conn, actor: CurrentActor, notice_id: str, body: NoticePatch) -> dict[str, Any]:
    """The requester amends a draft or a notice returned for changes."""
    return svc.view(svc.update(conn, actor, notice_id, body), actor)


@router.post("/notices/{notice_id}/submit")
def submit_notice(conn: Conn, actor: CurrentActor, notice_id: str) -> dict[str, Any]:
    return svc.view(svc.submit(conn, actor, notice_id), actor)


@router.post("/notices/{notice_id}/review/start")
def start_review(conn: Conn, actor: CurrentActor, notice_id: str) -> dict[str, Any]:
    return svc.view(svc.start_review(conn, actor, notice_id), actor)


class Mark(Strict):
    mark: ChecklistMark
    note: ShortText | None = None


class ReviewIn(Strict):
    decision: ReviewDecision
    checklist: dict[ChecklistItem, Mark | ChecklistMark] = Field(
        description="a pass or fail (with an optional note) for each of neutrality, human_rights, minimum_data, "
                    "data_quality")
    reasons: Annotated[str | None, Field(max_length=10_000)] = None


@router.post("/notices/{notice_id}/review")
def review_notice(conn: Conn, actor: CurrentActor, notice_id: str, body: ReviewIn) -> dict[str, Any]:
    """A GS reviewer's decision: publish, refuse (with reasons) or return for changes (with reasons)."""
    marks = {k: v.mark if isinstance(v, Mark) else v for k, v in body.checklist.items()}
    notes = {k.value: v.note for k, v in body.checklist.items() if isinstance(v, Mark) and v.note}
    return svc.view(svc.review(conn, actor, notice_id, body.decision, marks, notes, body.reasons), actor)


class ReasonIn(BaseModel):
    reason: Annotated[str | None, Field(max_length=10_000)] = None


@router.post("/notices/{notice_id}/cancel")
def cancel_notice(conn: Conn, actor: CurrentActor, notice_id: str, body: ReasonIn | None = None) -> dict[str, Any]:
    return svc.view(svc.cancel(conn, actor, notice_id, body.reason if body else None), actor)


@router.post("/notices/{notice_id}/withdraw")
def withdraw_notice(conn: Conn, actor: CurrentActor, notice_id: str, body: ReasonIn | None = None) -> dict[str, Any]:
    return svc.view(svc.withdraw(conn, actor, notice_id, body.reason if body else None), actor)


@router.post("/notices/{notice_id}/extend")
def extend_notice(conn: Conn, actor: CurrentActor, notice_id: str, body: ReasonIn | None = None) -> dict[str, Any]:
    """Keep a published notice for five more years from today."""
    return svc.view(svc.extend(conn, actor, notice_id, body.reason if body else None), actor)


@router.get("/notices/{notice_id}/events")
def notice_events(conn: Conn, actor: CurrentActor, notice_id: str) -> dict[str, Any]:
    return {"items": [svc.event_view(e) for e in svc.events(conn, actor, notice_id)]}


@router.get("/notices/{notice_id}/precheck")
def precheck(conn: Conn, actor: CurrentActor, notice_id: str) -> dict[str, Any]:
    """Flags for the GS reviewer (political wording, possible duplicates); it never decides."""
    return notice_precheck.precheck(conn, actor, notice_id)
