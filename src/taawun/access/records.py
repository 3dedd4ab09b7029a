"""Every read and write of records passes through here: the gate's checks, then the store, then audit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, or_, select, true

from taawun.access import audit
from taawun.access.actor import Actor
from taawun.access.policy import (
    Audience,
    can_pass_on,
    can_see,
    can_write_for,
    live_clause,
    require,
    visible_clause,
)
from taawun.domain.enums import RecordStatus
from taawun.domain.errors import Conflict, Forbidden, NotFound
from taawun.store import records as store
from taawun.store.tables import links, record_crime_areas, records

_LIVE = (RecordStatus.ACTIVE.value, RecordStatus.EXPIRED.value)


def _check_id(record_id: str) -> None:
    """Ids are UUIDs: anything else names no record (and never reaches the database)."""
    try:
        uuid.UUID(record_id)
    except ValueError:
        raise NotFound("no record '%(id)s'", id=record_id[:40]) from None


@dataclass
class RecordFilter:
    kind: str | None = None
    crime_area: str | None = None
    owner: str | None = None
    status: str = RecordStatus.ACTIVE.value
    terms: list[str] = field(default_factory=list)

    def describe(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v}


def sees(actor: Actor, row: store.RecordRow) -> bool:
    return can_see(actor, row.owner, Audience.from_json(row.restriction_mode, row.restriction))


class RecordAccess:
    def __init__(self, conn: Connection, actor: Actor) -> None:
        self.conn = conn
        self.actor = actor

    # --- reads -----------------------------------------------------------------------------
    def _link_ends_shown(self) -> ColumnElement[bool]:
        """A link is shown only with both its ends: otherwise it would name a record hidden from the caller."""
        end = records.alias("link_end")

        def shown(end_id: ColumnElement[str]) -> ColumnElement[bool]:
            return exists(select(end.c.id).where(end.c.id == end_id, visible_clause(self.actor, end),
                                                 end.c.status.in_(_LIVE)))

        return or_(records.c.kind != "link", exists(select(links.c.record_id).where(
            links.c.record_id == records.c.id, shown(links.c.source_id), shown(links.c.target_id))))

    def _readable(self) -> ColumnElement[bool]:
        return and_(visible_clause(self.actor), live_clause(include_expired=True), self._link_ends_shown())

    def _load(self, record_id: str) -> store.RecordRow:
        _check_id(record_id)
        row = store.get_record(self.conn, record_id, self._readable())
        if row is None or not sees(self.actor, row):
            raise NotFound("no record %(id)s", id=record_id)
        return row

    def get(self, record_id: str) -> store.RecordRow:
        require(self.actor, "read")
        row = self._load(record_id)
        audit.record(self.conn, self.actor, "record.read", record_id)
        return row

    def _filter_clause(self, flt: RecordFilter) -> ColumnElement[bool]:
        clause: ColumnElement[bool] = and_(visible_clause(self.actor), records.c.status == flt.status)
        kind_clause = records.c.kind == flt.kind if flt.kind else records.c.kind != "link"
        clause = and_(clause, kind_clause)
        if flt.kind == "link":  # only links need their ends checked; other searches exclude links outright
            clause = and_(clause, self._link_ends_shown())
        if flt.owner:
            clause = and_(clause, records.c.owner == flt.owner)
        if flt.crime_area:
            clause = and_(clause, records.c.id.in_(
                record_crime_areas.select().with_only_columns(record_crime_areas.c.record_id)
                .where(record_crime_areas.c.crime_area == flt.crime_area)))
        if len(flt.terms) > 1:
            clause = and_(clause, store.all_terms_clause(flt.terms, self.conn.dialect.name))
        elif flt.terms:
            token = flt.terms[0]
            common = store.term_frequency(self.conn, token) >= store.COMMON_TERM
            clause = and_(clause, store.term_clause(token, common=common))
        return clause

    def find(self, flt: RecordFilter, limit: int, before_seq: int | None) -> list[store.RecordRow]:
        require(self.actor, "read")
        if flt.status == RecordStatus.DELETED.value:
            raise Forbidden("deleted records are only in their history")
        rows = store.list_records(self.conn, self._filter_clause(flt), limit, before_seq)
        rows = [r for r in rows if sees(self.actor, r)]
        audit.record(self.conn, self.actor, "record.search", None, filter=flt.describe(),
                     returned=[r.id for r in rows])
        return rows

    def export(self, flt: RecordFilter, limit: int) -> Iterator[store.RecordRow]:
        """Visible records that may be passed on (H2 only for their owner), for export files."""
        require(self.actor, "export")
        rows = store.list_records(self.conn, self._filter_clause(flt), limit, None)
        out = [r for r in rows if sees(self.actor, r) and can_pass_on(self.actor, r.owner, r.handling)]
        withheld = len(rows) - len(out)
        audit.record(self.conn, self.actor, "record.export", None, filter=flt.describe(),
                     exported=[r.id for r in out], withheld_h2=withheld)
        return iter(out)

    def history(self, record_id: str) -> list[dict[str, Any]]:
        """Versions of a record. Owner and GS see deleted records' history too."""
        require(self.actor, "read")
        _check_id(record_id)
        row = store.get_record(self.conn, record_id, and_(visible_clause(self.actor), self._link_ends_shown()))
        if row is None or not sees(self.actor, row):
            raise NotFound("no record %(id)s", id=record_id)
        if row.status == RecordStatus.DELETED.value and not (self.actor.is_gs or self.actor.org_code == row.owner):
            raise NotFound("no record %(id)s", id=record_id)
        audit.record(self.conn, self.actor, "record.history", record_id)
        versions = store.history(self.conn, record_id)
        # Earlier versions may have had a wider audience; a caller sees only the versions it could see then
        # and now, so narrowing a restriction also hides what was shared before.
        return [v for v in versions if self.actor.org_code == row.owner or self.actor.is_gs
                or can_see(self.actor, v["snapshot"]["owner"],
                           Audience.from_json(v["snapshot"]["restriction_mode"], v["snapshot"]["restriction"]))]

    def links_of(self, record_id: str) -> list[store.RecordRow]:
        """Links touching a visible record, where the link and its other end are visible too."""
        require(self.actor, "read")
        self._load(record_id)
        link_ids = store.links_of(self.conn, record_id)
        rows = store.get_records(self.conn, link_ids, self._readable())
        visible = [r for r in rows if sees(self.actor, r)]
        ends = {r.data["source_id"] for r in visible} | {r.data["target_id"] for r in visible}
        seen_ends = {r.id for r in store.get_records(self.conn, list(ends), self._readable()) if sees(self.actor, r)}
        out = [r for r in visible if r.data["source_id"] in seen_ends and r.data["target_id"] in seen_ends]
        audit.record(self.conn, self.actor, "record.links", record_id, returned=[r.id for r in out])
        return out

    def get_many(self, ids: Sequence[str]) -> dict[str, store.RecordRow]:
        """Those of ``ids`` the actor may see (others are left out, as if absent), audited as one read."""
        require(self.actor, "read")
        for record_id in ids:
            _check_id(record_id)
        rows = [r for r in store.get_records(self.conn, list(ids), self._readable()) if sees(self.actor, r)]
        audit.record(self.conn, self.actor, "record.read_many", None, returned=[r.id for r in rows])
        return {r.id: r for r in rows}

    def visible_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` the actor may see (no audit: used to validate references while writing)."""
        return set(self.visible_kinds(ids))

    def visible_kinds(self, ids: Sequence[str]) -> dict[str, str]:
        """The kind of each of ``ids`` the actor may see (no audit)."""
        rows = store.get_records(self.conn, list(ids), self._readable())
        return {r.id: r.kind for r in rows if sees(self.actor, r)}

    # --- writes ----------------------------------------------------------------------------
    def _check_write(self, row: store.RecordRow) -> None:
        if not can_write_for(self.actor, row.owner):
            raise Forbidden("%(user)s (%(role)s, %(org)s) may not write records owned by %(owner)s",
                            user=self.actor.username, role=self.actor.role.value, org=self.actor.org_code,
                            owner=row.owner)

    def create(self, rows: Sequence[store.RecordRow]) -> None:
        for row in rows:
            self._check_write(row)
        store.insert_records(self.conn, rows)
        audit.append(self.conn, self.actor, [_create_event(rows)])

    def import_rows(self, rows: Sequence[store.RecordRow], encoded: store.NewRecords | None = None
                    ) -> tuple[int, int]:
        """Part of a file import: the same write checks as `create`; the records are written but
        neither put on the change feed nor audited here: `finish_import` does both once per file.
        ``encoded``: the rows as `store.encode_new` gave them. Returns the range of insertion
        numbers they took."""
        for row in rows:
            self._check_write(row)
        store.insert_records(self.conn, rows, publish=False, encoded=encoded)
        return store.seq_range(self.conn, [rows[0].id, rows[-1].id])

    def finish_import(self, created_at: dt.datetime, seq_range: tuple[int, int], detail: dict[str, Any]) -> None:
        """Publish an import's records to the change feed (screening workers then index them) and
        write its one audit entry. ``detail`` says what was imported (file, digest, count); the
        entry adds how to find the records: created by this user at ``created_at``, inserted
        within ``seq_range``."""
        lo, hi = seq_range
        published = store.publish_created(self.conn, lo, hi, self.actor.user_id, created_at, audit.utcnow())
        if published != detail["count"]:  # would mean another writer's records matched: never commit that
            raise RuntimeError(f"import published {published} records, expected {detail['count']}")
        audit.append(self.conn, self.actor, [audit.AuditEvent("record.import", None, {
            **detail, "created_at": created_at.isoformat(), "created_by": self.actor.user_id,
            "seq_first": lo, "seq_last": hi})])

    def load_for_update(self, record_id: str) -> store.RecordRow:
        _check_id(record_id)
        # The owner may still change or delete its link after one end became hidden from it.
        shown = or_(records.c.owner == self.actor.org_code, self._link_ends_shown())
        row = store.get_record(self.conn, record_id, and_(visible_clause(self.actor), live_clause(True), shown))
        if row is None or not sees(self.actor, row):
            raise NotFound("no record %(id)s", id=record_id)
        self._check_write(row)
        return row

    def replace(self, row: store.RecordRow, previous_version: int, action: str = "update") -> None:
        self._check_write(row)
        if not store.replace_record(self.conn, row, previous_version, action, self.actor.user_id):
            raise Conflict("record %(id)s was changed by someone else; reload it and try again", id=row.id)
        audit.record(self.conn, self.actor, f"record.{action}", row.id, version=row.version)


def _create_event(rows: Sequence[store.RecordRow]) -> audit.AuditEvent:
    """One audit entry per create call, naming every record it created.

    Why one entry and not one per record: a bulk import of 10,000 records would otherwise add
    10,000 hash-chained entries (a fifth of the call's cost) that say nothing more than the list
    of ids does; the entry's hash covers that list, so no created record can be dropped from it
    unnoticed. A single create keeps the record as the entry's target.
    """
    if len(rows) == 1:
        return audit.AuditEvent("record.create", rows[0].id, {"kind": rows[0].kind, "version": rows[0].version})
    kinds: dict[str, int] = {}
    for row in rows:
        kinds[row.kind] = kinds.get(row.kind, 0) + 1
    return audit.AuditEvent("record.create", None, {"count": len(rows), "kinds": kinds, "version": 1,
                                                     "ids": [r.id for r in rows]})


def expire_due(conn: Connection, actor: Actor, today: dt.date) -> list[str]:
    """Move records past their review date out of search; they stay in history."""
    expired = []
    for row in store.due_for_expiry(conn, today):
        previous = row.version
        row.version += 1
        row.status = RecordStatus.EXPIRED.value
        row.updated_at = audit.utcnow()
        if store.replace_record(conn, row, previous, "expire", actor.user_id):
            expired.append(row.id)
    if expired:
        audit.record(conn, actor, "record.expire", None, records=expired)
    return expired


__all__ = ["RecordAccess", "RecordFilter", "expire_due", "sees", "true"]
