"""Creating, changing and reading records on behalf of a user."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection

from taawun.access.actor import Actor
from taawun.access.audit import utcnow
from taawun.access.records import RecordAccess, RecordFilter
from taawun.domain.enums import RecordStatus
from taawun.domain.errors import InvalidInput, NotFound
from taawun.domain.messages import Message
from taawun.domain.models import COMMON_FIELDS, MODEL_BY_KIND, REVIEW_PERIOD_DAYS, AnyRecordData
from taawun.domain.validation import field_errors
from taawun.services.terms import query_tokens, terms_for
from taawun.store.records import RecordRow

MAX_BULK = 10_000


def validation_errors(exc: ValidationError, prefix: str = "") -> list[dict[str, str]]:
    return field_errors(exc, prefix)


def parse_record(body: Any, *, kind: str | None = None, prefix: str = "") -> AnyRecordData:
    if not isinstance(body, dict):
        raise InvalidInput("a record must be a JSON object",
                           [{"field": prefix or "body", "message": Message("not an object")}])
    kind = kind or body.get("kind")
    model = MODEL_BY_KIND.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise InvalidInput("unknown record kind '%(kind)s'", [{"field": f"{prefix}kind", "message": Message(
            "one of %(kinds)s", kinds=", ".join(MODEL_BY_KIND))}], kind=str(kind)[:30])
    try:
        return model.model_validate(body)  # type: ignore[return-value]
    except ValidationError as exc:
        errors = validation_errors(exc, prefix)
        raise InvalidInput("invalid %(kind)s: %(field)s: %(message)s", errors, kind=kind, field=errors[0]["field"],
                           message=errors[0]["message"]) from None


def new_ids(count: int) -> list[str]:
    """``count`` random (version 4) UUIDs as strings, from one read of the system's random source.

    Why not ``uuid.uuid4()`` each: for a 10,000-record import, one system call and one hex
    conversion per id cost more than building the records.
    """
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])  # version 4
    raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])  # RFC 4122 variant
    hexed = raw.hex()
    out = []
    for i in range(0, 32 * count, 32):
        h = hexed[i:i + 32]
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out


def build_row(actor: Actor, payload: AnyRecordData, now: dt.datetime, record_id: str | None = None) -> RecordRow:
    # One dump of the whole record (a bulk import builds 10,000 rows): the common fields go to their
    # columns, the rest is the kind-specific payload.
    data = payload.model_dump(mode="json")
    common = {name: data.pop(name) for name in COMMON_FIELDS}
    restriction = common["restriction"]
    mode = restriction.pop("mode")
    ev = common["evaluation"]
    return RecordRow(
        id=record_id or str(uuid.uuid4()),
        kind=payload.kind,
        owner=payload.owner or actor.org_code,
        created_by=actor.user_id,
        created_at=now,
        updated_at=now,
        version=1,
        status=RecordStatus.ACTIVE.value,
        crime_areas=common["crime_areas"],
        restriction_mode=mode,
        restriction=restriction,
        hit_disclosure=common["hit_disclosure"],
        handling=common["handling"],
        handling_note=common["handling_note"],
        evaluation=f"{ev['source']}{ev['information']}" if ev else None,
        review_due=payload.review_due or (now.date() + dt.timedelta(days=REVIEW_PERIOD_DAYS)),
        data=data,
        terms=terms_for(payload.kind, data),
    )


# Fields that name another record, by the kinds that have them.
_REFERENCE_FIELDS = {"travel_document": ("holder_id",), "link": ("source_id", "target_id")}


def _referenced_ids(payload: AnyRecordData) -> list[str]:
    refs = []
    for name in _REFERENCE_FIELDS.get(payload.kind, ()):
        value = getattr(payload, name, None)
        if value:
            refs.append(str(value))
    return refs


def _check_references(gate: RecordAccess, payloads: Sequence[AnyRecordData], new_ids: set[str]) -> None:
    wanted = {ref for p in payloads for ref in _referenced_ids(p)} - new_ids
    kinds = gate.visible_kinds(sorted(wanted))
    missing = wanted - set(kinds)
    if missing:
        ref = sorted(missing)[0]
        raise InvalidInput("referenced record %(id)s does not exist or is not visible to you",
                           [{"field": "reference", "message": Message("unknown record %(id)s", id=ref)}], id=ref)
    # A link joins two records; a link to a link would show the id of a link whose ends may be hidden.
    for p in payloads:
        if p.kind == "link" and "link" in (kinds.get(str(p.source_id)), kinds.get(str(p.target_id))):
            raise InvalidInput("a link joins two records, not other links",
                               [{"field": "target_id", "message": Message("is a link")}])


def create(conn: Connection, actor: Actor, payload: AnyRecordData) -> RecordRow:
    return bulk_create(conn, actor, [payload])[0]


def bulk_create(conn: Connection, actor: Actor, payloads: Sequence[AnyRecordData]) -> list[RecordRow]:
    """All or nothing: the caller's transaction rolls back if any record is refused."""
    if len(payloads) > MAX_BULK:
        raise InvalidInput("at most %(max)s records per call", [{"field": "records", "message": Message("too many")}],
                           max=MAX_BULK)
    rows = prepare_rows(conn, actor, payloads, utcnow())
    RecordAccess(conn, actor).create(rows)
    return rows


def prepare_rows(conn: Connection, actor: Actor, payloads: Sequence[AnyRecordData], now: dt.datetime
                 ) -> list[RecordRow]:
    """Rows for new records, with fresh ids, their references to other records checked.

    Shared by bulk create and the file import, so both build and check records the same way."""
    rows = build_rows(actor, payloads, now)
    check_references(conn, actor, payloads, rows)
    return rows


def build_rows(actor: Actor, payloads: Sequence[AnyRecordData], now: dt.datetime) -> list[RecordRow]:
    """Rows for new records with fresh ids (no database: an import builds them while the last chunk is written)."""
    return [build_row(actor, p, now, record_id) for p, record_id in zip(payloads, new_ids(len(payloads)), strict=True)]


def check_references(conn: Connection, actor: Actor, payloads: Sequence[AnyRecordData], rows: Sequence[RecordRow]
                     ) -> None:
    """Every record the new ones refer to exists and is visible to their creator (InvalidInput if not)."""
    _check_references(RecordAccess(conn, actor), payloads, {r.id for r in rows})


def _merge(existing: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    merged = dict(existing)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def row_to_payload(row: RecordRow) -> dict[str, Any]:
    """The record as an owner would submit it: the inverse of build_row."""
    body: dict[str, Any] = dict(row.data)
    body.update({
        "kind": row.kind,
        "owner": row.owner,
        "crime_areas": row.crime_areas,
        "restriction": {"mode": row.restriction_mode, **row.restriction},
        "hit_disclosure": row.hit_disclosure,
        "handling": row.handling,
        "handling_note": row.handling_note,
        "evaluation": {"source": row.evaluation[0], "information": int(row.evaluation[1:])} if row.evaluation else None,
        "review_due": row.review_due.isoformat(),
    })
    return body


_IMMUTABLE = {"kind", "owner", "id", "version", "created_at", "created_by", "updated_at", "status"}


def update(
    conn: Connection, actor: Actor, record_id: str, patch: Any, expected_version: int | None = None
) -> RecordRow:
    if not isinstance(patch, dict) or not patch:
        raise InvalidInput("a change must be a non-empty JSON object", [{"field": "body", "message": Message("empty")}])
    gate = RecordAccess(conn, actor)
    row = gate.load_for_update(record_id)
    fixed = sorted(k for k in _IMMUTABLE if k in patch and k != "version")
    if fixed:
        raise InvalidInput("%(field)s cannot be changed",
                           [{"field": f, "message": Message("read-only")} for f in fixed], field=fixed[0])
    if expected_version is None and "version" in patch:
        expected_version = patch["version"]
        if isinstance(expected_version, bool) or not isinstance(expected_version, int):
            raise InvalidInput("version must be the record's version number",
                               [{"field": "version", "message": Message("not an integer")}])
    patch = {k: v for k, v in patch.items() if k != "version"}
    if expected_version is not None and expected_version != row.version:
        from taawun.domain.errors import Conflict

        raise Conflict("record %(id)s is at version %(version)s, not %(expected)s", id=record_id, version=row.version,
                       expected=expected_version)
    payload = parse_record(_merge(row_to_payload(row), patch), kind=row.kind)
    _check_references(gate, [payload], set())
    now = utcnow()
    new = build_row(actor, payload, now, record_id=row.id)
    new.created_at, new.created_by = row.created_at, row.created_by
    new.version = row.version + 1
    if row.status == RecordStatus.EXPIRED.value and new.review_due <= now.date():
        new.status = RecordStatus.EXPIRED.value
    gate.replace(new, row.version)
    return new


def delete(conn: Connection, actor: Actor, record_id: str) -> RecordRow:
    gate = RecordAccess(conn, actor)
    row = gate.load_for_update(record_id)
    previous = row.version
    row.version += 1
    row.status = RecordStatus.DELETED.value
    row.updated_at = utcnow()
    gate.replace(row, previous, action="delete")
    return row


def get(conn: Connection, actor: Actor, record_id: str) -> RecordRow:
    return RecordAccess(conn, actor).get(record_id)


def search(conn: Connection, actor: Actor, *, q: str | None = None, kind: str | None = None,
           crime_area: str | None = None, owner: str | None = None, status: str = "active",
           limit: int = 50, cursor: int | None = None) -> tuple[list[RecordRow], int | None]:
    flt = RecordFilter(kind=kind, crime_area=crime_area, owner=owner, status=status,
                       terms=query_tokens(q) if q else [])
    if q and not flt.terms:
        raise InvalidInput("the search text has no letters or digits", [{"field": "q", "message": Message("empty")}])
    rows = RecordAccess(conn, actor).find(flt, limit, cursor)
    next_cursor = rows[-1].seq if len(rows) == limit and rows else None
    return rows, next_cursor


def view(row: RecordRow) -> dict[str, Any]:
    """The record as clients see it (field names of DESIGN.md)."""
    out = {
        "id": row.id,
        "kind": row.kind,
        "owner": row.owner,
        "created_by": row.created_by,
        "created_at": row.snapshot()["created_at"],
        "updated_at": row.snapshot()["updated_at"],
        "version": row.version,
        "status": row.status,
    }
    payload = row_to_payload(row)
    payload.pop("kind")
    payload.pop("owner")
    out.update(payload)
    return out


def snapshot_view(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A version from the history, shaped like the current record."""
    return view(RecordRow.from_snapshot(snapshot))


def ensure_link(row: RecordRow) -> RecordRow:
    if row.kind != "link":
        raise NotFound("no link %(id)s", id=row.id)
    return row
