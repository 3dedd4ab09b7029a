"""Records: a filtered list, one record with its history and links, the create/edit forms of every kind
(links included), and deletion.

The list's filters are POSTed (the text filter holds names, which must not land in URLs); record
ids in paths are fine. Every read and write goes through services.records / access.records, so a
record the user may not see is a 404 page here exactly as it is a 404 in the API, and a refused
form comes back filled in with the models' own messages (422), never half saved.
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
from taawun.web import forms, kind_forms
from taawun.web.i18n import N_
from taawun.web.pages import Page, can, register
from taawun.web.render import render
from taawun.web.routing import WebActor, WebRoute, begin

router = APIRouter(route_class=WebRoute)
register(Page("records", "/records", N_("Records"), order=30, allowed=can("read")))
PAGE_SIZE = 50


def list_filters(form: Any | None) -> dict[str, str]:
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
                                                 "can_write": allowed(actor, "write"),
                                                 "can_export": allowed(actor, "export")})


@router.get("/records")
def records_page(request: Request, actor: WebActor) -> Response:
    require(actor, "read")
    return _list(request, actor, list_filters(None))


@router.post("/records")
async def records_search(request: Request, actor: WebActor) -> Response:
    require(actor, "read")
    flt = list_filters(await request.form())
    return await run_in_threadpool(_list, request, actor, flt)


def _form(request: Request, actor: Actor, kind: str, values: dict[str, Any], *, record_id: str | None = None,
          errors: list[dict[str, str]] | None = None, status: int = 200, ends: list[Any] | None = None,
          found: list[Any] | None = None) -> Response:
    context: dict[str, Any] = {"values": values, "record_id": record_id, "errors": errors or [], "kind": kind,
                               "regions": sorted(world.REGION_NAMES), "partners": sorted(world.PARTNERS),
                               "own_org": actor.org_code}
    if kind == "person":
        return render(request, "person_form.html", context, status=status)
    context.update({"fields": kind_forms.KIND_FIELDS[kind], "named_kinds": kind_forms.NAMED_KINDS,
                    "ends": ends or [], "found": found,
                    "cancel_to": values.get("source_id") if kind == "link" else None})
    return render(request, "record_form.html", context, status=status)


def _kind(kind: str) -> str:
    if kind != "person" and kind not in kind_forms.KIND_FIELDS:
        raise NotFound("no record kind %(kind)s", kind=kind[:30])
    return kind


def _values_from_form(kind: str, form: Any) -> dict[str, Any]:
    return forms.from_form(form) if kind == "person" else kind_forms.from_form(kind, form)


def _body(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    return forms.to_body(values) if kind == "person" else kind_forms.to_body(kind, values)


@router.get("/records/new/{kind}")
def new_record(request: Request, actor: WebActor, kind: str) -> Response:
    """An empty form; a link form may start from a record (``?source=<id>``), read through the gate."""
    require(actor, "write")
    kind = _kind(kind)
    if kind == "person":
        return _form(request, actor, kind, forms.empty())
    source = request.query_params.get("source", "")
    ends = []
    if kind == "link" and source:
        with begin(request) as conn:
            ends.append(svc.get(conn, actor, source))
    return _form(request, actor, kind, kind_forms.empty(kind, source_id=source if ends else ""), ends=ends)


def _save(request: Request, actor: Actor, kind: str, values: dict[str, Any], record_id: str | None) -> Response:
    body = _body(kind, values)
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
        return _form(request, actor, kind, values, record_id=record_id, status=422,
                     errors=exc.errors or [{"field": "", "message": exc.detail}])
    # A new link is shown from where it started, so that the officer sees it among the record's links.
    target = row.data["source_id"] if kind == "link" and record_id is None else row.id
    return RedirectResponse(f"/records/{target}", status_code=303)


@router.post("/records/new/link/find")
async def find_link_target(request: Request, actor: WebActor) -> Response:
    """The link form's search for the other end: the form comes back with what was typed and the records found.

    It is a plain form post (no script): "Search" searches, "Use this record" fills in the number. The
    search button comes first in the form, so Enter in any field lands here: with nothing to search
    for, that is a save, as Enter is in every other form."""
    require(actor, "write")
    form = await request.form()
    values = kind_forms.from_form("link", form)
    pick, text = forms.one(form, "pick"), forms.one(form, "find")[:300]
    if not pick and not text:
        return await run_in_threadpool(_save, request, actor, "link", values, None)
    return await run_in_threadpool(_find_target, request, actor, values, pick, text)


def _find_target(request: Request, actor: Actor, values: dict[str, Any], pick: str, text: str) -> Response:
    values["find"] = text
    found: list[Any] | None = None
    try:
        with begin(request) as conn:
            if pick:
                values["target_id"] = svc.get(conn, actor, pick).id  # through the gate: a hidden pick is a 404
            elif text:
                rows, _ = svc.search(conn, actor, q=text, limit=10)
                found = [r for r in rows if r.id != values["source_id"]]
    except InvalidInput as exc:
        return _form(request, actor, "link", values, status=422,
                     errors=exc.errors or [{"field": "", "message": exc.detail}])
    return _form(request, actor, "link", values, found=found)


@router.post("/records/new/{kind}")
async def create_record(request: Request, actor: WebActor, kind: str) -> Response:
    require(actor, "write")
    kind = _kind(kind)
    values = _values_from_form(kind, await request.form())
    return await run_in_threadpool(_save, request, actor, kind, values, None)


def _editable(request: Request, actor: Actor, record_id: str) -> Any:
    with begin(request) as conn:
        row = svc.get(conn, actor, record_id)
    if not can_write_for(actor, row.owner):
        require(actor, "write")  # the role message for roles that never write
        raise NotFound("no record %(id)s of yours", id=record_id)
    return row


@router.get("/records/{record_id}/edit")
def edit_record(request: Request, actor: WebActor, record_id: str) -> Response:
    row = _editable(request, actor, record_id)
    payload = svc.row_to_payload(row)
    if row.kind == "person":
        values = forms.from_record(payload, row.version)
    else:
        values = kind_forms.from_record(row.kind, payload, row.version)
    return _form(request, actor, row.kind, values, record_id=row.id)


@router.post("/records/{record_id}/edit")
async def update_record(request: Request, actor: WebActor, record_id: str) -> Response:
    form = await request.form()
    row = await run_in_threadpool(_editable, request, actor, record_id)
    values = _values_from_form(row.kind, form)
    return await run_in_threadpool(_save, request, actor, row.kind, values, row.id)


@router.get("/records/{record_id}")
def record_page(request: Request, actor: WebActor, record_id: str) -> Response:
    with begin(request) as conn:
        row = svc.get(conn, actor, record_id)
        gate = RecordAccess(conn, actor)
        history = gate.history(record_id)
        links = gate.links_of(record_id) if row.kind != "link" else []
        # The far ends of the links: all visible (links_of returns only links whose both ends are).
        others = [lk.data["target_id"] if lk.data["source_id"] == row.id else lk.data["source_id"] for lk in links]
        ends = gate.get_many(others) if others else {}
    return render(request, "record_view.html", {
        "row": row, "view": svc.view(row), "history": list(reversed(history)), "links": links, "ends": ends,
        "can_edit": can_write_for(actor, row.owner), "can_write": allowed(actor, "write")})


@router.post("/records/{record_id}/delete")
async def delete_record(request: Request, actor: WebActor, record_id: str) -> Response:
    """Deleting needs the box ticked: it takes the record out of every search and screening at once."""
    confirmed = forms.one(await request.form(), "confirm") == "yes"
    return await run_in_threadpool(_delete, request, actor, record_id, confirmed)


def _delete(request: Request, actor: Actor, record_id: str, confirmed: bool) -> Response:
    with begin(request) as conn:
        row = svc.get(conn, actor, record_id)
        if not confirmed:
            return RedirectResponse(f"/records/{row.id}", status_code=303)
        svc.delete(conn, actor, row.id)
    back = row.data["source_id"] if row.kind == "link" else None
    return RedirectResponse(f"/records/{back}" if back else "/records", status_code=303)
