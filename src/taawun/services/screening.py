"""Frontline screening: one traveller, a passenger list, or a document, against everything shared."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

from sqlalchemy import Connection, Engine

from taawun.access.actor import Actor
from taawun.access.notices import published_notices_for
from taawun.access.policy import require
from taawun.access.screening import Candidate, Disclosed, Screening, disclose, disclose_many
from taawun.domain.models import DocumentQuery, TravellerQuery
from taawun.names import DEFAULT_THRESHOLD
from taawun.services import batch_search
from taawun.services.records import view
from taawun.services.screening_index import ScreeningIndex
from taawun.store.db import quick_read
from taawun.store.group_commit import run_grouped

MAX_HITS = 10
DISCLOSE_CHUNK = 250  # travellers of a passenger list disclosed per transaction (one batched write each; small
# enough that screenings grouped behind a chunk wait tens of ms, not hundreds)

# What the owner asks of whoever meets the person, until a notice says otherwise.
_ACTIONS = {"wanted": "arrest", "missing": "locate", "suspect": "inform", "foreign_terrorist_fighter": "inform",
            "deceased": "inform", "other": "inform"}


def _merge(candidates: list[Candidate]) -> list[Candidate]:
    best: dict[str, Candidate] = {}
    for cand in candidates:
        seen = best.get(cand.record_id)
        if seen is None:
            best[cand.record_id] = cand
            continue
        explanation = {**seen.explanation, **cand.explanation}
        best[cand.record_id] = Candidate(cand.record_id, max(seen.score, cand.score), explanation)
    return sorted(best.values(), key=lambda c: -c.score)[:MAX_HITS]


def _document_candidates(index: ScreeningIndex, documents: Sequence[DocumentQuery]) -> list[Candidate]:
    out = []
    for doc in documents:
        for hit in index.documents.search(number=doc.number, country=doc.country):
            out.append(Candidate(hit.record_id, 1.0, {"document": {"number": doc.number, "country": doc.country}}))
    return out


def _name_candidates(index: ScreeningIndex, traveller: TravellerQuery) -> list[Candidate]:
    """Persons scoring at or above the threshold, with explanations (the index makes a hit's
    explanation only when it is read, so the hits below the threshold, most of them, cost none)."""
    if not traveller.names:
        return []
    hits = index.persons.search(names=list(traveller.names), birth_date=traveller.birth_date,
                                nationalities=list(traveller.nationalities),
                                sex=traveller.sex.value if traveller.sex else None, limit=MAX_HITS,
                                min_total=DEFAULT_THRESHOLD)
    return [Candidate(h.record_id, float(h.score), _explanation(h.explanation))
            for h in hits if h.score >= DEFAULT_THRESHOLD]


def _explanation(explanation: Any) -> dict[str, Any]:
    if hasattr(explanation, "to_dict"):
        return {"names": explanation.to_dict()}
    if isinstance(explanation, dict):
        return explanation
    return {"names": str(explanation)}


def _hit_view(hit: Disclosed, notices: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    if hit.disclosure != "full" or hit.row is None:
        return {"hit_id": hit.hit_id, "disclosure": hit.disclosure, "owner": hit.owner}
    record = view(hit.row)
    status = record.get("person_status") or record.get("document_status")
    action = _ACTIONS.get(str(status), "inform")
    notice = (notices or {}).get(hit.row.id)
    extra: dict[str, Any] = {}
    if notice is not None:  # a published notice says what to do, over the record's own status
        action = notice["action"]
        extra["notice"] = {"id": notice["id"], "type": notice["type"]}
    return {"hit_id": hit.hit_id, "disclosure": "full", "record_id": hit.row.id, "owner": hit.owner,
            "score": round(hit.score, 4), "action": action, "explanation": hit.explanation, **record, **extra}


def _hit_views(conn: Connection, actor: Actor, hits: list[Disclosed]) -> list[dict[str, Any]]:
    full = [h.row.id for h in hits if h.row is not None]
    notices = published_notices_for(conn, actor, full) if full else {}  # a no-hit screening reads nothing more
    return [_hit_view(h, notices) for h in hits]


def _result(hits: list[Disclosed]) -> str:
    if any(h.disclosure == "full" for h in hits):
        return "hit"
    return "possible_hit" if hits else "no_hit"


def refresh(engine: Engine, index: ScreeningIndex) -> None:
    """Fold the store's recent changes into the index, on a read-only connection (no write lock)."""
    with quick_read(engine) as conn:
        index.refresh(conn)


def traveller_candidates(index: ScreeningIndex, traveller: TravellerQuery) -> list[Candidate]:
    return _merge(_name_candidates(index, traveller) + _document_candidates(index, traveller.documents))


def _screening(traveller: TravellerQuery, candidates: list[Candidate]) -> Screening:
    return Screening(str(uuid.uuid4()), candidates, traveller.model_dump(mode="json", exclude_none=True),
                     traveller.location)


def _traveller_result(traveller: TravellerQuery, screening: Screening, disclosed: list[Disclosed],
                      notices: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"screening_id": screening.screening_id, "result": _result(disclosed),
                           "hits": [_hit_view(h, notices) for h in disclosed]}
    if traveller.reference:
        out["reference"] = traveller.reference
    return out


def _disclose_travellers(conn: Connection, actor: Actor, travellers: Sequence[TravellerQuery],
                         found: Sequence[list[Candidate]]) -> list[dict[str, Any]]:
    screenings = [_screening(t, c) for t, c in zip(travellers, found, strict=True)]
    disclosed = disclose_many(conn, actor, screenings)
    full = [h.row.id for hits in disclosed for h in hits if h.row is not None]
    notices = published_notices_for(conn, actor, full) if full else {}
    return [_traveller_result(t, s, d, notices) for t, s, d in zip(travellers, screenings, disclosed, strict=True)]


# The index is searched outside any transaction; only the disclosure (re-reading the candidates, storing
# hits, notifying owners, auditing) writes. That keeps the write transaction — on SQLite the database's one
# write lock, on PostgreSQL the audit chain's lock — as short as the disclosure itself, instead of holding
# it through the name search while every other worker's screenings wait. Disclosures of concurrent requests
# share one transaction (store.group_commit); each request answers once its writes are committed.
def screen_traveller(engine: Engine, actor: Actor, index: ScreeningIndex, traveller: TravellerQuery, *,
                     refreshed: bool = False) -> dict[str, Any]:
    """``refreshed``: the caller has just folded the change feed into ``index`` (the API does it on the
    connection that checked the token)."""
    require(actor, "screen")
    if not refreshed:
        refresh(engine, index)
    candidates = traveller_candidates(index, traveller)
    return run_grouped(engine, lambda conn: _disclose_travellers(conn, actor, [traveller], [candidates])[0])


def screen_batch(engine: Engine, actor: Actor, index: ScreeningIndex,
                 travellers: Sequence[TravellerQuery]) -> Iterator[dict[str, Any]]:
    """Results in the travellers' order; disclosed (and committed) DISCLOSE_CHUNK travellers at a time.

    The searches are spread over two processes (services.batch_search) once the index is current; the
    disclosure, with everything it reads and writes, stays here, chunk by chunk in the list's order."""
    require(actor, "screen")
    refresh(engine, index)
    slots: dict[str, int] = {}  # a traveller listed twice is searched once
    where = [slots.setdefault(t.model_dump_json(include=_SEARCHED), len(slots)) for t in travellers]
    unique = [travellers[0]] * len(slots)
    for traveller, slot in zip(travellers, where, strict=True):
        unique[slot] = traveller
    with batch_search.searching(unique, partial(traveller_candidates, index), index.locks()) as searcher:
        for start in range(0, len(travellers), DISCLOSE_CHUNK):
            chunk = travellers[start:start + DISCLOSE_CHUNK]
            slots_of_chunk = where[start:start + DISCLOSE_CHUNK]
            found = searcher.upto(max(slots_of_chunk) + 1)
            yield from run_grouped(engine, _chunk_writer(actor, chunk, [list(found[k]) for k in slots_of_chunk]))


_SEARCHED = {"names", "birth_date", "nationalities", "sex", "documents"}  # what the index is asked


def _chunk_writer(actor: Actor, chunk: Sequence[TravellerQuery],
                  found: list[list[Candidate]]) -> Callable[[Connection], list[dict[str, Any]]]:
    return lambda conn: _disclose_travellers(conn, actor, chunk, found)


def screen_document(engine: Engine, actor: Actor, index: ScreeningIndex, document: DocumentQuery,
                    location: str | None, *, refreshed: bool = False) -> dict[str, Any]:
    require(actor, "screen")
    if not refreshed:
        refresh(engine, index)
    candidates = _merge(_document_candidates(index, [document]))
    screening_id = str(uuid.uuid4())

    def write(conn: Connection) -> dict[str, Any]:
        disclosed = disclose(conn, actor, screening_id, candidates, document.model_dump(mode="json"), location,
                             kind="document")
        return {"screening_id": screening_id, "result": _result(disclosed),
                "hits": _hit_views(conn, actor, disclosed)}

    return run_grouped(engine, write)
