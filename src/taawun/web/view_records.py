"""Records: a filtered list, one record with its history and links, and the person form.

The list's filters are POSTed (the text filter holds names, which must not land in URLs); record
ids in paths are fine. Every read goes through services.records / access.records, so a record
the user may not see is a 404 page here exactly as it is a 404 in the API.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from taawun.access.actor import Actor
from taawun.access.policy import allowed, can_write_for, require
from taawun.access.records import RecordAccess
from taawun.domain import world
from taawun.domain.enums import CrimeArea, Kind, RecordStatus
from taawun.domain.errors import InvalidInput, NotFound
from taawun.services import records as svc
from taawun.web import forms
from taawun.web.i18n import N_
from taawun.web.pages import Page, can, register
from taawun.web.render import render
from taawun.web.routing import WebActor, WebRoute, begin

router = APIRouter(route_class=WebRoute)
register(Page("records", "/records", N_("Records"), order=30, allowed=can("read")))
PAGE_SIZE = 50


def _filters(form: Any | None) -> dict[str, str]:
    def one(key: str, allowed_values: set[str] | None = None) -> str:
        value = form.get(key) if form is not None else None
        value = value.strip() if isinstance(value, str) else ""
        return value if allowed_values is None or value in allowed_values else ""

    return {"q": one("q")[:300], "kind": one("kind", {k.value for k in Kind if k != Kind.LINK}),
            "crime_area": one("crime_area", {c.value for c in CrimeArea}), "owner": one("owner").upper()[:10],
            "status": one("status", {RecordStatus.ACTIVE.value, RecordStatus.EXPIRED.value}) or "active",
            "cursor": one("cursor") if one("cursor").isdigit() else ""}


def _list(request: Request, actor: Actor, flt: dict[str, str]) -> Response:
    with begin(request) as conn:
        rows, next_cursor = svc.search(conn, actor, q=flt["q"] or None, kind=flt["kind"] or None,
                                       crime_area=flt["crime_area"] or None, owner=flt["owner"] or None,
                                       status=flt["status"], limit=PAGE_SIZE,
                                       cursor=int(flt["cursor"]) if flt["cursor"] else None)
    return render(request, "records_list.html", {"rows": rows, "flt": flt, "next_cursor": next_cursor,
                                                 "can_write": allowed(actor, "write")})


@router.get("/records")
def records_page(request: Request, actor: WebActor) -> Response:
    require(actor, "read")
    return _list(request, actor, _filters(None))


@router.post("/records")
async def records_search(request: Request, actor: WebActor) -> Response:
    require(actor, "read")
    flt = _filters(await request.form())
    return await run_in_threadpool(_list, request, actor, flt)


def _person_form(request: Request, actor: Actor, values: dict[str, Any], *, record_id: str | None = None,
                 errors: list[dict[str, str]] | None = None, status: int = 200) -> Response:
    return render(request, "person_form.html", {
        "values": values, "record_id": record_id, "errors": errors or [], "regions": sorted(world.REGION_NAMES),
        "partners": sorted(world.PARTNERS), "own_org": actor.org_code}, status=status)


@router.get("/records/new/person")
def new_person(request: Request, actor: WebActor) -> Response:
    require(actor, "write")
    return _person_form(request, actor, forms.empty())


def _save(request: Request, actor: Actor, values: dict[str, Any], record_id: str | None) -> Response:
    body = forms.to_body(values)
    try:
        with begin(request) as conn:
            if record_id is None:
                row = svc.create(conn, actor, svc.parse_record(body))
            else:
                body.pop("kind")
                if values["version"].isdigit():
                    body["version"] = int(values["version"])
                row = svc.update(conn, actor, record_id, body)
    except InvalidInput as exc:
        return _person_form(request, actor, values, record_id=record_id, status=422,
                            errors=exc.errors or [{"field": "", "message": exc.detail}])
    return RedirectResponse(f"/records/{row.id}", status_code=303)


@router.post("/records/new/person")
async def create_person(request: Request, actor: WebActor) -> Response:
    require(actor, "write")
    values = forms.from_form(await request.form())
    return await run_in_threadpool(_save, request, actor, values, None)


def _editable(request: Request, actor: Actor, record_id: str) -> Any:
    with begin(request) as conn:
        row = svc.get(conn, actor, record_id)
    if row.kind != "person":
        raise NotFound(f"no person {record_id}")
    if not can_write_for(actor, row.owner):
        require(actor, "write")  # the role message for roles that never write
        raise NotFound(f"no record {record_id} of yours")
    return row


@router.get("/records/{record_id}/edit")
def edit_person(request: Request, actor: WebActor, record_id: str) -> Response:
    row = _editable(request, actor, record_id)
    return _person_form(request, actor, forms.from_record(svc.row_to_payload(row), row.version), record_id=row.id)


@router.post("/records/{record_id}/edit")
async def update_person(request: Request, actor: WebActor, record_id: str) -> Response:
    values = forms.from_form(await request.form())
    row = await run_in_threadpool(_editable, request, actor, record_id)
    return await run_in_threadpool(_save, request, actor, values, row.id)


@router.get("/records/{record_id}")
def record_page(request: Request, actor: WebActor, record_id: str) -> Response:
    with begin(request) as conn:
        row = svc.get(conn, actor, record_id)
        gate = RecordAccess(conn, actor)
        history = gate.history(record_id)
        links = gate.links_of(record_id) if row.kind != "link" else []
    return render(request, "record_view.html", {
        "row": row, "view": svc.view(row), "history": list(reversed(history)), "links": links,
        "can_edit": row.kind == "person" and can_write_for(actor, row.owner)})
