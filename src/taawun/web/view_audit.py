"""The audit trail: your organisation's entries (the GS sees all), newest first."""

from __future__ import annotations

import json
import re
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from taawun.access import audit_view
from taawun.access.policy import require
from taawun.web.i18n import N_
from taawun.web.pages import Page, can, register
from taawun.web.render import render
from taawun.web.routing import WebActor, WebRoute, begin

router = APIRouter(route_class=WebRoute)
register(Page("audit", "/audit", N_("Audit trail"), order=70, allowed=can("read_audit")))
PAGE_SIZE = 100
_ACTION = re.compile(r"^[a-z_.]{1,32}$")


@router.get("/audit")
def audit_page(request: Request, actor: WebActor, action: Annotated[str, Query(max_length=32)] = "",
               before: Annotated[int | None, Query(ge=1)] = None) -> Response:
    """Filters are action names and sequence numbers, not record data, so GET parameters are fine here."""
    require(actor, "read_audit")
    action = action if _ACTION.match(action) else ""
    with begin(request) as conn:
        rows = audit_view.trail(conn, actor, limit=PAGE_SIZE, before_seq=before, action=action or None)
    entries = [{**r, "detail_text": json.dumps(r["detail"], ensure_ascii=False, sort_keys=True)[:400]} for r in rows]
    return render(request, "audit.html", {"entries": entries, "action": action,
                                          "older": rows[-1]["seq"] if len(rows) == PAGE_SIZE else None})
