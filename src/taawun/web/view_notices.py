"""Notices: the list, one notice with its timeline, the request form, the GS review, and the public page.

Every step calls services.notices (and the pre-check service) exactly as the API does, so who may
see or move a notice is decided by the same gate: a notice the user may not see is a 404 page,
an out-of-turn step a 409 page. `/public` is the one page without sign-in; it shows only the public
extracts of published red and yellow notices, as `GET /api/v1/public/notices` does.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from taawun.access.actor import Actor
from taawun.access.notices import is_requester, public_extracts
from taawun.access.policy import allowed, require
from taawun.domain.enums import RestrictionMode
from taawun.domain.errors import InvalidInput
from taawun.domain.messages import Message
from taawun.domain.models import Restriction
from taawun.domain.notices import (
    ChecklistItem,
    ChecklistMark,
    NoticeData,
    NoticeIn,
    NoticePatch,
    NoticeType,
    ReviewDecision,
)
from taawun.domain.validation import field_errors
from taawun.services import notice_precheck
from taawun.services import notices as svc
from taawun.web.i18n import N_
from taawun.web.pages import Page, register
from taawun.web.render import render
from taawun.web.routing import WebActor, WebRoute, begin
from taawun.web.vocab import NOTICE_STATUSES, NOTICE_TYPES

router = APIRouter(route_class=WebRoute)
register(Page("notices", "/notices", N_("Notices"), order=35))

TEXT_FIELDS = ("summary", "information_sought", "circumstances", "last_seen_date", "last_seen_place", "found_date",
               "found_place", "description", "threat", "modus_operandi", "unsc_reference", "photo_ref")
FORM_FIELDS = ("type", "subject_id", "restriction_mode", "members", "warrant_type", "warrant_date",
               "warrant_authority", "warrant_charges", *TEXT_FIELDS)
LIMIT = 200


def _text(form: Any, key: str, size: int = 10_000) -> str:
    value = form.get(key) if form is not None else None
    return value.strip()[:size] if isinstance(value, str) else ""


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    return render(request, template, context, status=status)


# --- the list ---------------------------------------------------------------------------------
def _list(request: Request, actor: Actor, flt: dict[str, str]) -> Response:
    with begin(request) as conn:
        rows = svc.find(conn, actor, flt["type"] or None, flt["status"] or None, LIMIT)
    return _page(request, "notices_list.html", {"rows": rows, "flt": flt, "can_request": allowed(actor, "write")})


@router.get("/notices")
def notices_page(request: Request, actor: WebActor) -> Response:
    return _list(request, actor, {"type": "", "status": ""})


@router.post("/notices")
async def notices_filter(request: Request, actor: WebActor) -> Response:
    form = await request.form()
    flt = {"type": _text(form, "type") if _text(form, "type") in NOTICE_TYPES else "",
           "status": _text(form, "status") if _text(form, "status") in NOTICE_STATUSES else ""}
    return await run_in_threadpool(_list, request, actor, flt)


# --- the request form -------------------------------------------------------------------------
def _values(form: Any | None) -> dict[str, Any]:
    values: dict[str, Any] = {key: _text(form, key) for key in FORM_FIELDS}
    values["public_extract"] = bool(form is not None and form.get("public_extract") == "on")
    values["restriction_mode"] = values["restriction_mode"] or "all_members"
    return values


def _values_of(notice: dict[str, Any]) -> dict[str, Any]:
    data = notice["data"]
    warrant = data.get("warrant") or {}
    values: dict[str, Any] = {key: data.get(key) or "" for key in TEXT_FIELDS}
    values.update(type=notice["type"], subject_id=notice["subject_id"] or "",
                  restriction_mode=notice["restriction_mode"],
                  members=", ".join(notice["restriction"].get("members", [])),
                  warrant_type=warrant.get("type") or "", warrant_date=warrant.get("date") or "",
                  warrant_authority=warrant.get("issuing_authority") or "",
                  warrant_charges="\n".join(warrant.get("charges", [])),
                  public_extract=notice["public_extract_allowed"])
    return values


def _parts(values: dict[str, Any]) -> dict[str, Any]:
    """The form's values as the API's body: NoticeData, Restriction and the public-extract choice."""
    data: dict[str, Any] = {key: values[key] for key in TEXT_FIELDS if values[key]}
    charges = [c.strip() for c in values["warrant_charges"].splitlines() if c.strip()]
    warrant = {"type": values["warrant_type"] or None, "date": values["warrant_date"] or None,
               "issuing_authority": values["warrant_authority"] or None, "charges": charges}
    if any(warrant.values()):
        data["warrant"] = warrant
    members = [m.strip().upper() for m in values["members"].replace(";", ",").split(",") if m.strip()]
    errors: list[dict[str, str]] = []
    try:
        notice_data = NoticeData.model_validate(data)
    except ValidationError as exc:
        errors += field_errors(exc, "data.")
    try:
        restriction = Restriction.model_validate({"mode": values["restriction_mode"], "members": members})
    except ValidationError as exc:
        errors += field_errors(exc, "restriction.")
    if errors:
        raise InvalidInput("the notice form is not valid", errors)
    return {"data": notice_data, "restriction": restriction, "public_extract": values["public_extract"]}


def _form(request: Request, values: dict[str, Any], notice_id: str | None = None,
          errors: list[dict[str, str]] | None = None, status: int = 200) -> Response:
    return _page(request, "notice_form.html", {
        "values": values, "notice_id": notice_id, "errors": errors or [],
        "modes": [m.value for m in RestrictionMode]}, status=status)


@router.get("/notices/new")
def new_notice(request: Request, actor: WebActor) -> Response:
    require(actor, "write")
    values = _values(None)
    values["type"] = "red"
    return _form(request, values)


def _create(request: Request, actor: Actor, values: dict[str, Any]) -> Response:
    try:
        if values["type"] not in NOTICE_TYPES:
            raise InvalidInput("choose a notice type", [{"field": "type", "message": Message("required")}])
        body = NoticeIn(type=NoticeType(values["type"]), subject_id=values["subject_id"][:36] or None,
                        **_parts(values))
        with begin(request) as conn:
            notice = svc.create(conn, actor, body)
    except InvalidInput as exc:
        return _form(request, values, errors=exc.errors or [{"field": "", "message": exc.detail}], status=422)
    return RedirectResponse(f"/notices/{notice['id']}", status_code=303)


@router.post("/notices/new")
async def create_notice(request: Request, actor: WebActor) -> Response:
    require(actor, "write")
    values = _values(await request.form())
    return await run_in_threadpool(_create, request, actor, values)


@router.get("/notices/{notice_id}/edit")
def edit_notice(request: Request, actor: WebActor, notice_id: str) -> Response:
    with begin(request) as conn:
        notice = svc.get(conn, actor, notice_id)
    require(actor, "write")
    return _form(request, _values_of(notice), notice_id=notice["id"])


def _update(request: Request, actor: Actor, notice_id: str, values: dict[str, Any]) -> Response:
    try:
        patch = NoticePatch(subject_id=values["subject_id"][:36] or None, **_parts(values))
        with begin(request) as conn:
            notice = svc.get(conn, actor, notice_id)
            values["type"] = notice["type"]
            svc.update(conn, actor, notice_id, patch)
    except InvalidInput as exc:
        return _form(request, values, notice_id=notice_id, status=422,
                     errors=exc.errors or [{"field": "", "message": exc.detail}])
    return RedirectResponse(f"/notices/{notice_id}", status_code=303)


@router.post("/notices/{notice_id}/edit")
async def update_notice(request: Request, actor: WebActor, notice_id: str) -> Response:
    values = _values(await request.form())
    return await run_in_threadpool(_update, request, actor, notice_id, values)


# --- one notice ---------------------------------------------------------------------------------
def _view(request: Request, actor: Actor, notice_id: str, errors: list[dict[str, str]] | None = None,
          status: int = 200) -> Response:
    with begin(request) as conn:
        notice = svc.get(conn, actor, notice_id)
        events = svc.events(conn, actor, notice_id)
        reviewer = (actor.is_gs and actor.role.value == "reviewer" and actor.org_code != notice["requester_org"])
        precheck = (notice_precheck.precheck(conn, actor, notice_id)
                    if reviewer and notice["status"] in ("submitted", "under_review") else None)
    st = notice["status"]
    requester = is_requester(actor, notice)
    return _page(request, "notice_view.html", {
        "n": svc.view(notice, actor), "events": list(reversed([svc.event_view(e) for e in events])),
        "precheck": precheck, "errors": errors or [],
        "may": {"edit": requester and st in ("draft", "returned"), "submit": requester and st in ("draft", "returned"),
                "withdraw": requester and st in ("draft", "submitted", "under_review", "returned"),
                "cancel": requester and st == "published", "extend": requester and st == "published",
                "start": reviewer and st == "submitted", "review": reviewer and st == "under_review"},
        "checklist": [i.value for i in ChecklistItem], "decisions": [d.value for d in ReviewDecision]},
        status=status)


@router.get("/notices/{notice_id}")
def notice_page(request: Request, actor: WebActor, notice_id: str) -> Response:
    return _view(request, actor, notice_id)


@router.post("/notices/{notice_id}/submit")
def submit_notice(request: Request, actor: WebActor, notice_id: str) -> Response:
    try:
        with begin(request) as conn:
            svc.submit(conn, actor, notice_id)
    except InvalidInput as exc:
        return _view(request, actor, notice_id, exc.errors or [{"field": "", "message": exc.detail}], status=422)
    return RedirectResponse(f"/notices/{notice_id}", status_code=303)


@router.post("/notices/{notice_id}/review/start")
def start_review(request: Request, actor: WebActor, notice_id: str) -> Response:
    with begin(request) as conn:
        svc.start_review(conn, actor, notice_id)
    return RedirectResponse(f"/notices/{notice_id}", status_code=303)


def _review(request: Request, actor: Actor, notice_id: str, form: Any) -> Response:
    marks: dict[ChecklistItem, ChecklistMark] = {}
    notes: dict[str, str] = {}
    for item in ChecklistItem:
        mark = _text(form, f"mark_{item.value}")
        if mark in {m.value for m in ChecklistMark}:
            marks[item] = ChecklistMark(mark)
        if note := _text(form, f"note_{item.value}", 200):
            notes[item.value] = note
    try:
        decision_text = _text(form, "decision")
        if decision_text not in {d.value for d in ReviewDecision}:
            raise InvalidInput("choose a decision", [{"field": "decision", "message": Message("required")}])
        with begin(request) as conn:
            svc.review(conn, actor, notice_id, ReviewDecision(decision_text), marks, notes,
                       _text(form, "reasons") or None)
    except InvalidInput as exc:
        return _view(request, actor, notice_id, exc.errors or [{"field": "", "message": exc.detail}], status=422)
    return RedirectResponse(f"/notices/{notice_id}", status_code=303)


@router.post("/notices/{notice_id}/review")
async def review_notice(request: Request, actor: WebActor, notice_id: str) -> Response:
    form = await request.form()
    return await run_in_threadpool(_review, request, actor, notice_id, form)


def _step(request: Request, actor: Actor, notice_id: str, step: str, reason: str) -> Response:
    with begin(request) as conn:
        {"cancel": svc.cancel, "withdraw": svc.withdraw, "extend": svc.extend}[step](
            conn, actor, notice_id, reason or None)
    return RedirectResponse(f"/notices/{notice_id}", status_code=303)


@router.post("/notices/{notice_id}/cancel")
async def cancel_notice(request: Request, actor: WebActor, notice_id: str) -> Response:
    reason = _text(await request.form(), "reason")
    return await run_in_threadpool(_step, request, actor, notice_id, "cancel", reason)


@router.post("/notices/{notice_id}/withdraw")
async def withdraw_notice(request: Request, actor: WebActor, notice_id: str) -> Response:
    reason = _text(await request.form(), "reason")
    return await run_in_threadpool(_step, request, actor, notice_id, "withdraw", reason)


@router.post("/notices/{notice_id}/extend")
async def extend_notice(request: Request, actor: WebActor, notice_id: str) -> Response:
    reason = _text(await request.form(), "reason")
    return await run_in_threadpool(_step, request, actor, notice_id, "extend", reason)


# --- the public page --------------------------------------------------------------------------------
@router.get("/public")
def public_page(request: Request) -> Response:
    """No sign-in: the public extracts only (name, photo reference, charges, nationalities) and the type."""
    with begin(request) as conn:
        items = public_extracts(conn)
    shown = [{"type": i["type"], "name": i.get("name"), "photo_ref": i.get("photo_ref"),
              "charges": i.get("charges") or [], "nationalities": i.get("nationalities") or []} for i in items]
    return _page(request, "public_notices.html", {"items": shown})

