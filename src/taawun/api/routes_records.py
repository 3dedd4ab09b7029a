"""Records of every kind, their history, links and export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from taawun.access.records import RecordAccess, RecordFilter
from taawun.api.body_schema import component_schema
from taawun.api.deps import Conn, CurrentActor
from taawun.domain.enums import CrimeArea, Kind, RecordStatus
from taawun.domain.errors import InvalidInput
from taawun.domain.models import LinkData, RecordData, RecordUnion
from taawun.services import records as svc

router = APIRouter(tags=["records"])

Limit = Annotated[int, Query(ge=1, le=500)]


def _cursor(cursor: str | None) -> int | None:
    if cursor is None or cursor == "":
        return None
    if not cursor.isdigit() or len(cursor) > 18:
        raise InvalidInput("cursor is not one this server gave", [{"field": "cursor", "message": "invalid"}])
    return int(cursor)


def _page(rows: list[Any], next_cursor: int | None) -> dict[str, Any]:
    return {"items": [svc.view(r) for r in rows], "next_cursor": str(next_cursor) if next_cursor else None}


@router.post("/records", status_code=201)
def create_record(conn: Conn, actor: CurrentActor,
                  body: Annotated[RecordUnion, Body(discriminator="kind")]) -> dict[str, Any]:
    return svc.view(svc.create(conn, actor, body))


class BulkIn(BaseModel):
    records: list[RecordData] = Field(min_length=1, max_length=svc.MAX_BULK)


_BULK_IN = TypeAdapter(BulkIn)


async def _bulk_body(request: Request) -> BulkIn:
    """The body validated straight from its JSON bytes.

    Why not a plain ``body: BulkIn`` parameter: FastAPI would first decode 10,000 records into
    Python dicts and then validate those; pydantic reading the bytes itself does the same checks
    (same models, same errors) about a fifth faster. Errors keep FastAPI's shape, under ``body``.
    """
    try:
        return _BULK_IN.validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError([{**err, "loc": ("body", *err["loc"])} for err in exc.errors()]) from None


@router.post("/records/bulk", status_code=201, openapi_extra={"requestBody": {
    "required": True, "content": {"application/json": {"schema": component_schema(BulkIn)}}}})
def bulk_create(conn: Conn, actor: CurrentActor, body: Annotated[BulkIn, Depends(_bulk_body)]) -> dict[str, Any]:
    """Create up to 10,000 records at once; if one is refused, none is written."""
    rows = svc.bulk_create(conn, actor, body.records)
    return {"created": len(rows), "ids": [r.id for r in rows]}


@router.get("/records")
def list_records(
    conn: Conn,
    actor: CurrentActor,
    q: Annotated[str | None, Query(max_length=300)] = None,
    kind: Kind | None = None,
    crime_area: CrimeArea | None = None,
    owner: Annotated[str | None, Query(max_length=10, pattern="^[A-Za-z]{2,10}$")] = None,
    status: RecordStatus = RecordStatus.ACTIVE,
    limit: Limit = 50,
    cursor: Annotated[str | None, Query(max_length=30)] = None,
) -> dict[str, Any]:
    rows, next_cursor = svc.search(conn, actor, q=q, kind=kind.value if kind else None,
                                   crime_area=crime_area.value if crime_area else None,
                                   owner=owner.upper() if owner else None, status=status.value,
                                   limit=limit, cursor=_cursor(cursor))
    return _page(rows, next_cursor)


@router.get("/records/{record_id}")
def get_record(conn: Conn, actor: CurrentActor, record_id: str) -> dict[str, Any]:
    return svc.view(svc.get(conn, actor, record_id))


@router.patch("/records/{record_id}")
def patch_record(conn: Conn, actor: CurrentActor, record_id: str,
                 body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Change some fields; send `version` to be told if someone changed the record meanwhile."""
    return svc.view(svc.update(conn, actor, record_id, body))


@router.delete("/records/{record_id}", status_code=204)
def delete_record(conn: Conn, actor: CurrentActor, record_id: str) -> None:
    svc.delete(conn, actor, record_id)


@router.get("/records/{record_id}/history")
def record_history(conn: Conn, actor: CurrentActor, record_id: str) -> dict[str, Any]:
    versions = RecordAccess(conn, actor).history(record_id)
    items = []
    for v in versions:
        snap = dict(v["snapshot"])
        items.append({"version": v["version"], "action": v["action"], "by_user": v["by_user"],
                      "at": snap["updated_at"], "record": svc.snapshot_view(snap)})
    return {"items": items}


@router.get("/records/{record_id}/links")
def record_links(conn: Conn, actor: CurrentActor, record_id: str) -> dict[str, Any]:
    return {"items": [svc.view(r) for r in RecordAccess(conn, actor).links_of(record_id)]}


@router.post("/links", status_code=201)
def create_link(conn: Conn, actor: CurrentActor, body: LinkData) -> dict[str, Any]:
    return svc.view(svc.create(conn, actor, body))


@router.get("/links")
def list_links(conn: Conn, actor: CurrentActor, limit: Limit = 50,
               cursor: Annotated[str | None, Query(max_length=30)] = None) -> dict[str, Any]:
    rows, next_cursor = svc.search(conn, actor, kind="link", limit=limit, cursor=_cursor(cursor))
    return _page(rows, next_cursor)


@router.get("/links/{link_id}")
def get_link(conn: Conn, actor: CurrentActor, link_id: str) -> dict[str, Any]:
    return svc.view(svc.ensure_link(svc.get(conn, actor, link_id)))


@router.delete("/links/{link_id}", status_code=204)
def delete_link(conn: Conn, actor: CurrentActor, link_id: str) -> None:
    svc.ensure_link(RecordAccess(conn, actor).load_for_update(link_id))
    svc.delete(conn, actor, link_id)


@router.get("/export")
def export(
    conn: Conn,
    actor: CurrentActor,
    kind: Kind | None = None,
    crime_area: CrimeArea | None = None,
    owner: Annotated[str | None, Query(max_length=10, pattern="^[A-Za-z]{2,10}$")] = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
) -> StreamingResponse:
    """Visible records as JSON lines. Records under handling code H2 are left out unless you own them."""
    flt = RecordFilter(kind=kind.value if kind else None, crime_area=crime_area.value if crime_area else None,
                       owner=owner.upper() if owner else None)
    rows = list(RecordAccess(conn, actor).export(flt, limit))

    def lines() -> Iterator[bytes]:
        for row in rows:
            yield (json.dumps(svc.view(row), ensure_ascii=False) + "\n").encode()

    return StreamingResponse(lines(), media_type="application/x-ndjson",
                             headers={"Content-Disposition": 'attachment; filename="taawun-export.ndjson"'})
