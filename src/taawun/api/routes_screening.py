"""Frontline screening, hits and the inbox."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool

from taawun.access import screening as gate
from taawun.access.actor import Actor
from taawun.access.policy import require
from taawun.api.body_schema import component_ref, component_schema
from taawun.api.deps import ActorOnly, Conn, CurrentActor, engine_of, identify_with_feed, oauth2
from taawun.api.screening_state import screening_index
from taawun.domain.errors import InvalidInput, TaawunError
from taawun.domain.models import DocumentQuery, ShortText, TravellerQuery
from taawun.services import screening as svc
from taawun.services.passenger_list import MAX_TRAVELLERS, decode, parse_csv
from taawun.services.records import validation_errors
from taawun.services.screening_index import ScreeningIndex
from taawun.store.db import quick_read

router = APIRouter(tags=["screening"])
Index = Annotated[ScreeningIndex, Depends(screening_index)]
MAX_LIST_BYTES = 20 * 1024 * 1024
B = TypeVar("B", bound=BaseModel)


def _screening_caller(request: Request, conn: Connection, token: str | None) -> tuple[Actor, ScreeningIndex]:
    """The caller and the worker's index, brought up to date with the change feed on the connection that
    checked the token: one pooled connection and, on SQLite, one read transaction per screening instead of
    two. The statement that checks the token also reads how far the feed has gone (one round trip for both;
    the index then reads the feed only when something changed). The token is checked first, so no
    unauthenticated request makes a worker load its index."""
    actor, feed_seq = identify_with_feed(request, conn, token)
    require(actor, "screen")
    index = screening_index(request)
    index.refresh(conn, last=feed_seq)
    return actor, index


def _body(model: type[B], raw: bytes) -> B:
    """The JSON body validated as FastAPI validates a declared body, failing with the same error (so the same
    problem response: 400 for JSON that does not parse, 422 naming each wrong field)."""
    if not raw:
        raise RequestValidationError([{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}])
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
                                     ) from None


async def _screen(request: Request, token: str | None, model: type[B],
                  screen: Callable[[Engine, Actor, ScreeningIndex, B], dict[str, Any]]) -> Response:
    """One frontline screening in one hand-off to the thread pool: the token check, the body's validation (after
    the token: a caller without a valid token learns nothing about the body), the index's catch-up, the search,
    the disclosure and the answer's encoding. Why: a sync dependency and a sync route were two hand-offs, each
    ~0.15 ms of CPU and a thread wake-up on a call whose whole budget (the document check's p99) is 10 ms."""
    raw = await request.body()
    engine = engine_of(request)

    def run() -> bytes:
        with quick_read(engine) as conn:
            actor, index = _screening_caller(request, conn, token)
        return _json(screen(engine, actor, index, _body(model, raw)))

    return Response(await run_in_threadpool(run), media_type="application/json")


def _openapi_body(model: type[BaseModel]) -> dict[str, Any]:
    """The body such a route reads itself, documented as FastAPI documents a declared one."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": component_ref(model)}}}}


@router.post("/screen/person", openapi_extra=_openapi_body(TravellerQuery))
async def screen_person(request: Request, token: Annotated[str | None, Depends(oauth2)]) -> Response:
    """Check one traveller by names (any script), birth date, nationality, sex and documents."""
    return await _screen(request, token, TravellerQuery, lambda engine, actor, index, body: svc.screen_traveller(
        engine, actor, index, body, refreshed=True))


class DocumentScreen(DocumentQuery):
    location: ShortText | None = None


@router.post("/screen/document", openapi_extra=_openapi_body(DocumentScreen))
async def screen_document(request: Request, token: Annotated[str | None, Depends(oauth2)]) -> Response:
    """Check one travel document by number and issuing country."""
    return await _screen(request, token, DocumentScreen, lambda engine, actor, index, body: svc.screen_document(
        engine, actor, index, DocumentQuery(number=body.number, country=body.country), body.location,
        refreshed=True))


class BatchIn(BaseModel):
    travellers: list[TravellerQuery] = Field(min_length=1, max_length=MAX_TRAVELLERS)


async def _read_travellers(request: Request) -> list[TravellerQuery]:
    declared = int(request.headers.get("content-length") or 0)
    if declared > MAX_LIST_BYTES:
        raise TaawunError(f"a passenger list is at most {MAX_LIST_BYTES // (1024 * 1024)} MB")
    raw = bytearray()  # appended in place: `bytes +=` copied the whole body again for every chunk
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_LIST_BYTES:
            raise TaawunError(f"a passenger list is at most {MAX_LIST_BYTES // (1024 * 1024)} MB")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("text/csv", "application/csv", "text/plain"):
        return parse_csv(decode(bytes(raw)))
    if content_type not in ("application/json", ""):
        raise InvalidInput(f"send the list as application/json or text/csv, not {content_type[:50]}")
    try:  # pydantic's own JSON parser: half the CPU of json.loads and validating the objects (~0.15 s at 10,000)
        return BatchIn.model_validate_json(decode(bytes(raw))).travellers
    except ValidationError as exc:
        invalid_json = [e for e in exc.errors(include_url=False) if e["type"] == "json_invalid"]
        if invalid_json:
            raise TaawunError(f"the request body is not valid JSON: {invalid_json[0]['ctx']['error']}") from None
        errors = validation_errors(exc)
        raise InvalidInput(f"{errors[0]['field']}: {errors[0]['message']}", errors[:100]) from None


@router.post("/screen/batch", openapi_extra={"requestBody": {"content": {
    "application/json": {"schema": component_schema(BatchIn)},
    "text/csv": {"schema": {"type": "string"}}}}})
async def screen_batch(request: Request, actor: ActorOnly, index: Index) -> Any:
    """A passenger list (JSON `{"travellers": [...]}` or CSV) answered in order, one result per traveller.

    Send `Accept: application/x-ndjson` to get results streamed line by line as they are ready.
    """
    travellers = await _read_travellers(request)
    engine = engine_of(request)

    if "application/x-ndjson" in request.headers.get("accept", ""):
        def lines() -> Iterator[bytes]:
            for result in svc.screen_batch(engine, actor, index, travellers):
                yield _json(result) + b"\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson")
    def answer() -> bytes:
        results = list(svc.screen_batch(engine, actor, index, travellers))
        return _json({"results": results, "count": len(results),
                      "hits": sum(1 for r in results if r["result"] != "no_hit")})

    return Response(await run_in_threadpool(answer), media_type="application/json")


def _json(value: Any) -> bytes:
    """``value`` as JSON, encoded at once: FastAPI's default (jsonable_encoder) walks every value of a 10,000-traveller
    answer in Python first (0.3 s of the worker's CPU, ten times this). Values json cannot write (dates) are
    converted exactly as FastAPI would convert them."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                      default=jsonable_encoder).encode()


BatchIn.model_rebuild()


@router.get("/inbox")
def inbox(conn: Conn, actor: CurrentActor, unread: bool = False, limit: Annotated[int, Query(ge=1, le=500)] = 50,
          cursor: Annotated[int | None, Query(ge=1)] = None) -> dict[str, Any]:
    """Notifications for your organisation: hits on its records and answers to its own hits."""
    items, unread_count = gate.inbox(conn, actor, unread_only=unread, limit=limit, before_seq=cursor)
    return {"items": [{"id": n["id"], "type": n["type"], "hit_id": n["hit_id"], "record_id": n["record_id"],
                       "from_org": n["from_org"], "at": n["at"].isoformat(), "read": n["read"],
                       "detail": n["detail"]} for n in items],
            "unread": unread_count, "next_cursor": items[-1]["seq"] if len(items) == limit else None}


@router.post("/inbox/{notification_id}/read", status_code=204)
def mark_read(conn: Conn, actor: CurrentActor, notification_id: str) -> None:
    gate.mark_read(conn, actor, notification_id)


@router.get("/hits/{hit_id}")
def get_hit(conn: Conn, actor: CurrentActor, hit_id: str) -> dict[str, Any]:
    return gate.visible_hit(conn, actor, hit_id)


class HitAnswer(BaseModel):
    decision: str = Field(pattern="^(confirmed|rejected)$")
    note: ShortText | None = None


@router.post("/hits/{hit_id}/answer", status_code=204)
def answer_hit(conn: Conn, actor: CurrentActor, hit_id: str, body: HitAnswer) -> None:
    """The owner NCB confirms or rejects a hit; the searcher sees the answer."""
    gate.answer_hit(conn, actor, hit_id, body.decision, body.note)
