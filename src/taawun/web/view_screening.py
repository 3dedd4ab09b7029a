"""The frontline screening page (one traveller) and passenger lists with downloadable results.

Names and other traveller details travel only in POST bodies, never in URLs (which end up in
proxy logs and browser history). The verdict is shown with colour, a word and an icon together,
so that it cannot be misread on a poor screen or by a colour-blind officer.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from taawun.access.actor import Actor
from taawun.access.policy import allowed, require
from taawun.api.deps import engine_of
from taawun.api.screening_state import screening_index
from taawun.domain.errors import InvalidInput, NotFound, TaawunError
from taawun.domain.models import TravellerQuery
from taawun.services import screening as svc
from taawun.services.passenger_list import decode, parse_csv
from taawun.services.records import validation_errors
from taawun.services.screening_index import ScreeningIndex
from taawun.web import results_csv
from taawun.web.i18n import N_
from taawun.web.pages import Page, can, register
from taawun.web.render import render, tr
from taawun.web.routing import WebActor, WebRoute

router = APIRouter(route_class=WebRoute)
register(Page("screen", "/screen", N_("Screening"), order=20, allowed=can("screen")))
Index = Annotated[ScreeningIndex, Depends(screening_index)]

MAX_LIST_BYTES = 20 * 1024 * 1024
SHOWN_ROWS = 500
KEEP_SECONDS = 3600
_results: dict[str, tuple[str, float, bytes]] = {}  # batch id -> (user id, time, CSV)
_results_lock = threading.Lock()

FIELDS = ("name", "name_other", "birth_date", "nationality", "document_number", "document_country", "sex",
          "location")


def _query(values: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {"names": [v for v in (values["name"], values["name_other"]) if v]}
    if values["birth_date"]:
        body["birth_date"] = values["birth_date"]
    if values["nationality"]:
        body["nationalities"] = [values["nationality"].upper()]
    if values["sex"]:
        body["sex"] = values["sex"]
    if values["document_number"]:
        body["documents"] = [{"number": values["document_number"],
                              "country": values["document_country"].upper() or None}]
    if values["location"]:
        body["location"] = values["location"]
    return body


def _page(request: Request, actor: Actor, values: dict[str, str], status: int = 200, **extra: Any) -> Response:
    return render(request, "screen.html", {"values": values, "can_read": allowed(actor, "read"), **extra},
                  status=status)


@router.get("/screen")
def screen_form(request: Request, actor: WebActor) -> Response:
    require(actor, "screen")
    return _page(request, actor, dict.fromkeys(FIELDS, ""))


@router.post("/screen")
def screen(request: Request, actor: WebActor, index: Index,
           name: Annotated[str, Form(max_length=300)] = "", name_other: Annotated[str, Form(max_length=300)] = "",
           birth_date: Annotated[str, Form(max_length=10)] = "", nationality: Annotated[str, Form(max_length=3)] = "",
           document_number: Annotated[str, Form(max_length=64)] = "",
           document_country: Annotated[str, Form(max_length=3)] = "", sex: Annotated[str, Form(max_length=1)] = "",
           location: Annotated[str, Form(max_length=200)] = "") -> Response:
    require(actor, "screen")
    values = {"name": name.strip(), "name_other": name_other.strip(), "birth_date": birth_date.strip(),
              "nationality": nationality.strip(), "document_number": document_number.strip(),
              "document_country": document_country.strip(), "sex": sex.strip(), "location": location.strip()}
    # An htmx request swaps only the result area, and htmx does not swap error responses: answer 200.
    bad = 200 if request.headers.get("hx-request") else 422
    try:
        traveller = TravellerQuery.model_validate(_query(values))
    except ValidationError as exc:
        return _page(request, actor, values, errors=validation_errors(exc), status=bad)
    result = svc.screen_traveller(engine_of(request), actor, index, traveller)
    return _page(request, actor, values, result=result)


def _run_list(request: Request, actor: Actor, index: ScreeningIndex,
              travellers: list[TravellerQuery]) -> list[dict[str, Any]]:
    return list(svc.screen_batch(engine_of(request), actor, index, travellers))


def _keep(actor: Actor, data: bytes) -> str:
    batch_id = secrets.token_urlsafe(16)
    now = time.monotonic()
    with _results_lock:
        for key in [k for k, (_, at, _) in _results.items() if now - at > KEEP_SECONDS]:
            del _results[key]
        while len(_results) >= 100:
            del _results[next(iter(_results))]
        _results[batch_id] = (actor.user_id, now, data)
    return batch_id


@router.post("/screen/list")
async def screen_list(request: Request, actor: WebActor, index: Index) -> Response:
    """A passenger list (CSV): every traveller screened, results shown and kept for download for an hour."""
    require(actor, "screen")
    form = await request.form()
    upload = form.get("passengers")
    if not isinstance(upload, UploadFile):
        raise InvalidInput(tr(request, "Choose a CSV file to upload."))
    raw = await upload.read(MAX_LIST_BYTES + 1)
    try:
        if len(raw) > MAX_LIST_BYTES:
            raise InvalidInput(tr(request, "A passenger list is at most 20 MB."))
        travellers = parse_csv(decode(raw))
    except TaawunError as exc:
        return render(request, "screen.html", {"values": dict.fromkeys(FIELDS, ""), "list_error": exc.detail,
                                               "list_errors": exc.errors[:20], "can_read": allowed(actor, "read")},
                      status=422)
    results = await run_in_threadpool(_run_list, request, actor, index, travellers)
    batch_id = _keep(actor, results_csv.encode(travellers, results))
    rows = list(zip(travellers, results, strict=True))
    return render(request, "screen_list.html", {
        "rows": rows[:SHOWN_ROWS], "can_read": allowed(actor, "read"), "total": len(rows),
        "shown": min(len(rows), SHOWN_ROWS), "batch_id": batch_id,
        "hits": sum(1 for r in results if r["result"] == "hit"),
        "possible": sum(1 for r in results if r["result"] == "possible_hit"), "filename": upload.filename or ""})


@router.get("/screen/list/{batch_id}/results.csv")
def download(batch_id: str, actor: WebActor) -> Response:
    with _results_lock:
        kept = _results.get(batch_id)
    if kept is None or kept[0] != actor.user_id:
        raise NotFound("these results are no longer kept; upload the list again")
    return Response(kept[2], media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="taawun-screening-results.csv"'})
