"""The inbox: hits on our records (to answer) and answers to our own hits."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from taawun.access import screening as gate
from taawun.access.policy import allowed
from taawun.web.i18n import N_
from taawun.web.pages import Page, register
from taawun.web.render import render
from taawun.web.routing import WebActor, WebRoute, begin

router = APIRouter(route_class=WebRoute)
register(Page("inbox", "/inbox", N_("Inbox"), order=40, badge=gate.unread_count))


@router.get("/inbox")
def inbox_page(request: Request, actor: WebActor) -> Response:
    with begin(request) as conn:
        items, unread = gate.inbox(conn, actor, unread_only=False, limit=100, before_seq=None)
    return render(request, "inbox.html", {"items": items, "unread": unread})


@router.post("/inbox/{notification_id}/read")
def mark_read(request: Request, actor: WebActor, notification_id: str) -> Response:
    with begin(request) as conn:
        gate.mark_read(conn, actor, notification_id)
    return RedirectResponse("/inbox", status_code=303)


@router.get("/hits/{hit_id}")
def hit_page(request: Request, actor: WebActor, hit_id: str) -> Response:
    with begin(request) as conn:
        hit = gate.visible_hit(conn, actor, hit_id)
    may_answer = (hit["owner"] == actor.org_code and actor.role.value == "officer" and hit["status"] == "pending")
    return render(request, "hit.html", {"hit": hit, "may_answer": may_answer, "can_read": allowed(actor, "read")})


@router.post("/hits/{hit_id}/answer")
def answer(request: Request, actor: WebActor, hit_id: str, decision: Annotated[str, Form(max_length=10)],
           note: Annotated[str, Form(max_length=200)] = "") -> Response:
    with begin(request) as conn:
        gate.answer_hit(conn, actor, hit_id, decision, note.strip() or None)
    return RedirectResponse(f"/hits/{hit_id}", status_code=303)
