"""What a screening may tell the searcher, and who learns about it.

Candidates come from the in-memory index, which holds every owner's persons and documents.
Here each candidate is re-read from the store (the source of truth: only active records within
their review date hit) and passed through the gate: a visible record is disclosed in full; a
hidden one yields "contact NCB X" or nothing, as its owner chose. Either way the hit is stored,
the owner is notified and the screening is audited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, select

from taawun.access import audit
from taawun.access.actor import Actor
from taawun.access.policy import live_clause, require
from taawun.access.records import sees
from taawun.domain.enums import HitDisclosure
from taawun.domain.errors import Forbidden, InvalidInput, NotFound
from taawun.domain.messages import Message
from taawun.store import records as record_store
from taawun.store import screening as store
from taawun.store.records import RecordRow
from taawun.store.tables import records


@dataclass
class Candidate:
    record_id: str
    score: float
    explanation: dict[str, Any] = field(default_factory=dict)


@dataclass
class Disclosed:
    """One hit as the searcher may see it, with the stored row it came from (full disclosures only)."""

    hit_id: str
    disclosure: str
    owner: str
    score: float
    row: RecordRow | None
    explanation: dict[str, Any]


# Only active records within their review date hit. Built once: every screening with candidates re-reads them
# (building and cache-keying the statement anew cost more CPU than running it).
_LIVE = select(records).where(records.c.id.in_(bindparam("ids", expanding=True)), live_clause(include_expired=False),
                              records.c.review_due >= bindparam("today"))


def _live_rows(conn: Connection, ids: Sequence[str], today: dt.date) -> dict[str, RecordRow]:
    if not ids:  # most screenings find no candidate: nothing to read
        return {}
    return {r.id: r for r in record_store.rows_of(conn, _LIVE, {"ids": list(ids), "today": today})}


@dataclass
class Screening:
    """One screening to disclose: what was asked, where, and what the index found."""

    screening_id: str
    candidates: Sequence[Candidate]
    query: dict[str, Any]
    location: str | None


def disclose(conn: Connection, actor: Actor, screening_id: str, candidates: Sequence[Candidate],
             query: dict[str, Any], location: str | None, kind: str = "person") -> list[Disclosed]:
    return disclose_many(conn, actor, [Screening(screening_id, candidates, query, location)], kind)[0]


def disclose_many(conn: Connection, actor: Actor, screenings: Sequence[Screening],
                  kind: str = "person") -> list[list[Disclosed]]:
    """Disclose several screenings (e.g. a passenger list) with one read of the candidates, one insert of
    hits, one of notifications and one append of their audit entries (still one entry per screening)."""
    require(actor, "screen")
    now = audit.utcnow()
    rows = _live_rows(conn, list(dict.fromkeys(c.record_id for s in screenings for c in s.candidates)), now.date())
    out: list[list[Disclosed]] = []
    hit_rows: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    events: list[audit.AuditEvent] = []
    for screening in screenings:
        shown, hit_ids = _disclose_one(actor, screening, rows, now, kind, hit_rows, notes)
        out.append(shown)
        events.append(audit.AuditEvent(f"screen.{kind}", screening.screening_id,
                                       {"location": screening.location, "hits": hit_ids,
                                        "candidates": len(screening.candidates)}))
    audit.append(conn, actor, events, with_rows=store.hit_writes(hit_rows, notes))  # one round trip for all three
    return out


def _disclose_one(actor: Actor, screening: Screening, rows: dict[str, RecordRow], now: dt.datetime, kind: str,
                  hit_rows: list[dict[str, Any]], notes: list[dict[str, Any]]) -> tuple[list[Disclosed], list[str]]:
    out: list[Disclosed] = []
    hit_ids: list[str] = []
    location = screening.location
    for cand in screening.candidates:
        row = rows.get(cand.record_id)
        if row is None:
            continue
        if sees(actor, row):
            disclosure = "full"
        elif row.hit_disclosure == HitDisclosure.CONTACT_OWNER.value:
            disclosure = "contact_owner"
        else:
            disclosure = "silent"
        hit_id = str(uuid.uuid4())
        hit_ids.append(hit_id)
        hit_rows.append({
            "id": hit_id, "screening_id": screening.screening_id, "record_id": row.id, "record_owner": row.owner,
            "searcher_user": actor.user_id, "searcher_org": actor.org_code, "location": location, "at": now,
            "query": screening.query, "score": round(cand.score, 4), "disclosure": disclosure, "status": "pending",
        })
        if row.owner != actor.org_code:
            notes.append({
                "id": str(uuid.uuid4()), "org_code": row.owner, "type": "hit", "hit_id": hit_id,
                "record_id": row.id, "from_org": actor.org_code, "at": now, "read": False,
                "detail": {"score": round(cand.score, 4), "location": location, "kind": kind},
            })
        if disclosure != "silent":
            out.append(Disclosed(hit_id, disclosure, row.owner, cand.score, row if disclosure == "full" else None,
                                 cand.explanation if disclosure == "full" else {}))
    return out, hit_ids


def visible_hit(conn: Connection, actor: Actor, hit_id: str) -> dict[str, Any]:
    """A hit as the searcher or the record's owner may see it; anyone else gets 404."""
    hit = store.get_hit(conn, hit_id)
    if hit is None or actor.org_code not in (hit["searcher_org"], hit["record_owner"]) and not actor.is_gs:
        raise NotFound("no hit %(id)s", id=hit_id)
    audit.record(conn, actor, "hit.read", hit_id)
    if actor.org_code == hit["searcher_org"] and hit["disclosure"] != "full" and actor.org_code != hit["record_owner"]:
        # The searcher learns the owner's answer, never more than the hit disclosed.
        return {"hit_id": hit_id, "disclosure": hit["disclosure"], "owner": hit["record_owner"],
                "status": hit["status"], "answer_note": hit["answer_note"]}
    return {"hit_id": hit_id, "disclosure": hit["disclosure"], "owner": hit["record_owner"],
            "record_id": hit["record_id"], "score": hit["score"], "status": hit["status"],
            "answer_note": hit["answer_note"], "searcher_org": hit["searcher_org"], "location": hit["location"],
            "at": hit["at"], "query": hit["query"]}


def answer_hit(conn: Connection, actor: Actor, hit_id: str, decision: str, note: str | None) -> None:
    """The owner NCB confirms or rejects a hit; the searching organisation is told."""
    hit = store.get_hit(conn, hit_id)
    if hit is None or actor.org_code not in (hit["searcher_org"], hit["record_owner"]):
        raise NotFound("no hit %(id)s", id=hit_id)
    if actor.org_code != hit["record_owner"] or not actor.role.value == "officer":
        raise Forbidden("only the record owner's officers answer a hit")
    if decision not in ("confirmed", "rejected"):
        raise InvalidInput("decision is confirmed or rejected", [{"field": "decision", "message": Message("invalid")}])
    now = audit.utcnow()
    if not store.answer_hit(conn, hit_id, decision, actor.user_id, now, note):
        raise InvalidInput("this hit was already answered", [{"field": "decision",
                                                                 "message": Message("already answered")}])
    if hit["searcher_org"] != actor.org_code:
        store.insert_notifications(conn, [{
            "id": str(uuid.uuid4()), "org_code": hit["searcher_org"], "type": "hit_answer", "hit_id": hit_id,
            "record_id": hit["record_id"] if hit["disclosure"] == "full" else None, "from_org": actor.org_code,
            "at": now, "read": False, "detail": {"decision": decision, "note": note},
        }])
    audit.record(conn, actor, "hit.answer", hit_id, decision=decision)


def inbox(conn: Connection, actor: Actor, *, unread_only: bool, limit: int,
          before_seq: int | None) -> tuple[list[dict[str, Any]], int]:
    items = store.inbox(conn, actor.org_code, unread_only=unread_only, limit=limit, before_seq=before_seq)
    audit.record(conn, actor, "inbox.read", None, returned=len(items))
    return items, store.unread_count(conn, actor.org_code)


def unread_count(conn: Connection, actor: Actor) -> int:
    """How many of the organisation's own notifications are unread.

    Not audited: it is shown in every page's navigation, it names no record and no one, and it is
    the viewer's own inbox; the notifications themselves are audited when the inbox is read."""
    return store.unread_count(conn, actor.org_code)


def mark_read(conn: Connection, actor: Actor, notification_id: str) -> None:
    if not store.mark_read(conn, actor.org_code, notification_id):
        raise NotFound("no notification %(id)s", id=notification_id)


def index_changes(conn: Connection, after_seq: int, last: int | None = None) -> tuple[int, list[str]]:
    """The change feed: the newest sequence number and the records changed after ``after_seq`` (up to
    ``last`` when the caller has already read the newest number).

    A system read for keeping the in-memory index current; what a user learns from the index is
    decided and audited in `disclose`.
    """
    if last is None:
        last = store.last_change(conn)
    if last <= after_seq:
        return last, []
    changed = store.changed_since(conn, after_seq, limit=max(1, last - after_seq))
    return last, list(dict.fromkeys(record_id for _, record_id in changed))


def index_rows(conn: Connection, ids: Sequence[str] | None, after_seq: int = 0, limit: int = 20_000) -> list[Any]:
    """Person and travel-document rows for the index (all owners: the gate filters hits, not candidates)."""
    return store.screenable_rows(conn, ids, after_seq, limit)
