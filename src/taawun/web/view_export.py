"""Export from the records list: the filtered records as a JSON-lines file, exactly as `GET /api/v1/export`.

The gate's export leaves out records under handling code H2 unless the user's organisation owns
them, and records what was exported and how many were withheld in the audit trail. The filters
are POSTed with the list's form, so that search words (names) stay out of URLs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from taawun.access.actor import Actor
from taawun.access.policy import require
from taawun.access.records import RecordAccess, RecordFilter
from taawun.domain.errors import InvalidInput
from taawun.domain.messages import Message
from taawun.services import records as svc
from taawun.services.terms import query_tokens
from taawun.web.routing import WebActor, WebRoute, begin
from taawun.web.view_records import list_filters

router = APIRouter(route_class=WebRoute)
LIMIT = 10_000


def _export(request: Request, actor: Actor, flt: dict[str, str]) -> Response:
    terms = query_tokens(flt["q"]) if flt["q"] else []
    if flt["q"] and not terms:
        raise InvalidInput("the search text has no letters or digits", [{"field": "q", "message": Message("empty")}])
    record_filter = RecordFilter(kind=flt["kind"] or None, crime_area=flt["crime_area"] or None,
                                 owner=flt["owner"] or None, status=flt["status"], terms=terms)
    with begin(request) as conn:
        rows = list(RecordAccess(conn, actor).export(record_filter, LIMIT))

    def lines() -> Iterator[bytes]:
        for row in rows:
            yield (json.dumps(svc.view(row), ensure_ascii=False) + "\n").encode()

    return StreamingResponse(lines(), media_type="application/x-ndjson",
                             headers={"Content-Disposition": 'attachment; filename="taawun-export.ndjson"'})


@router.post("/records/export")
async def export(request: Request, actor: WebActor) -> Response:
    require(actor, "export")
    flt = list_filters(await request.form())
    return await run_in_threadpool(_export, request, actor, flt)
