"""Reading and writing record rows. No permission logic: callers pass the visibility condition."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Select,
    Table,
    any_,
    delete,
    exists,
    func,
    insert,
    intersect,
    literal,
    select,
    update,
)

from taawun.store import pg_copy
from taawun.store.locks import serialise_writers
from taawun.store.tables import (
    changes,
    links,
    record_audience,
    record_crime_areas,
    record_terms,
    record_versions,
    records,
)


@dataclass
class RecordRow:
    """A record as stored: gate columns plus the kind-specific payload in ``data``."""

    id: str
    kind: str
    owner: str
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    status: str
    crime_areas: list[str]
    restriction_mode: str
    restriction: dict[str, list[str]]
    hit_disclosure: str
    handling: str
    handling_note: str | None
    evaluation: str | None
    review_due: dt.date
    data: dict[str, Any]
    terms: set[str] = field(default_factory=set)
    seq: int | None = None

    def columns(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "owner": self.owner,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "version": self.version,
            "status": self.status,
            "crime_areas": self.crime_areas,
            "restriction_mode": self.restriction_mode,
            "restriction": self.restriction,
            "hit_disclosure": self.hit_disclosure,
            "handling": self.handling,
            "handling_note": self.handling_note,
            "evaluation": self.evaluation,
            "review_due": self.review_due,
            "data": self.data,
        }

    @classmethod
    def from_snapshot(cls, snap: dict[str, Any]) -> RecordRow:
        """The row a history snapshot was taken of (the inverse of `snapshot`)."""
        return cls(**{**snap, "created_at": dt.datetime.fromisoformat(snap["created_at"]),
                      "updated_at": dt.datetime.fromisoformat(snap["updated_at"]),
                      "review_due": dt.date.fromisoformat(snap["review_due"])})

    def snapshot(self) -> dict[str, Any]:
        """A JSON-safe copy of the whole record, as kept in its history."""
        out = self.columns()
        out["created_at"] = _iso(self.created_at)
        out["updated_at"] = _iso(self.updated_at)
        out["review_due"] = self.review_due.isoformat()
        return out


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


_COLUMNS = [c for c in records.c if c.name != "seq"]


def _row_from(mapping: Any) -> RecordRow:
    values = {c.name: mapping[c.name] for c in _COLUMNS}
    return RecordRow(**values, seq=mapping["seq"])


def _audience_rows(row: RecordRow) -> list[dict[str, str]]:
    out = []
    for entry_type, key in (("member", "members"), ("region", "regions"), ("partner", "partners")):
        for code in row.restriction.get(key, []):
            out.append({"record_id": row.id, "entry_type": entry_type, "code": code})
    return out


def _side_rows(rows: Sequence[RecordRow]) -> dict[Any, list[dict[str, Any]]]:
    audience: list[dict[str, Any]] = []
    areas: list[dict[str, Any]] = []
    terms: list[dict[str, Any]] = []
    link_rows: list[dict[str, Any]] = []
    for row in rows:
        audience.extend(_audience_rows(row))
        areas.extend({"record_id": row.id, "crime_area": a} for a in row.crime_areas)
        terms.extend({"record_id": row.id, "term": t} for t in row.terms)
        if row.kind == "link":
            link_rows.append({
                "record_id": row.id,
                "link_type": row.data["link_type"],
                "source_id": row.data["source_id"],
                "target_id": row.data["target_id"],
            })
    return {record_audience: audience, record_crime_areas: areas, record_terms: terms, links: link_rows}


def _processor(type_: Any, dialect: Any) -> Any:
    """The column type's bind processor; for dates, remembered per value (a batch shares one timestamp)."""
    proc = type_._cached_bind_processor(dialect)
    if proc is None or not isinstance(type_, Date | DateTime):
        return proc
    seen: dict[Any, Any] = {}

    def memo(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            out = seen[value] = proc(value)
            return out

    return memo


@dataclass
class Encoded:
    """One table's new rows as the driver will take them: converted by SQLAlchemy's bind processors
    and, on PostgreSQL, formatted as COPY text (``copy``; None when a value is of a type pg_copy does
    not format). Fewer than 50 rows go as one plain INSERT of ``values`` (``bulk`` False)."""

    table: Table
    values: list[dict[str, Any]]
    columns: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    copy: list[str] | None = None
    bulk: bool = False


def _encode(table: Table, values: list[dict[str, Any]], dialect: Any) -> Encoded:
    """The conversion half of `insert_many`. It needs no connection, so a file import does it for the
    next chunk (in its reading thread) while the current chunk is being written."""
    if len(values) < 50:
        return Encoded(table, values)
    columns = list(values[0])
    # Column by column: each column's conversion is then one map() over its values.
    by_column: list[Any] = [[v[name] for v in values] for name in columns]
    for i, name in enumerate(columns):
        proc = _processor(table.c[name].type, dialect)
        if proc is not None:
            by_column[i] = list(map(proc, by_column[i]))
    params = list(zip(*by_column, strict=True))
    copy = None
    if dialect.name == "postgresql":
        with contextlib.suppress(pg_copy.Unsupported):  # then written with the driver's own row writer
            copy = pg_copy.column_lines(by_column)
    return Encoded(table, [], columns, params, copy, bulk=True)


def _write(conn: Connection, enc: Encoded) -> None:
    """The writing half of `insert_many`, on the caller's connection and inside its transaction."""
    if not enc.bulk:
        if enc.values:
            conn.execute(insert(enc.table), enc.values)
        return
    if conn.dialect.name == "postgresql":
        driver: Any = conn.connection.driver_connection
        with driver.cursor() as cursor:
            if enc.copy is not None:
                pg_copy.copy_lines(cursor, enc.table.name, enc.columns, enc.copy)
            else:
                with cursor.copy(f"COPY {enc.table.name} ({', '.join(enc.columns)}) FROM STDIN") as copy:
                    for row in enc.params:
                        copy.write_row(row)
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {enc.table.name} ({', '.join(enc.columns)}) VALUES ({', '.join([mark] * len(enc.columns))})"
    conn.exec_driver_sql(sql, enc.params)


def insert_many(conn: Connection, table: Table, values: list[dict[str, Any]]) -> None:
    """executemany (SQLite) or COPY (PostgreSQL) straight to the driver, with SQLAlchemy's own per-type conversions.

    Why: a bulk create of 10,000 persons writes some 100,000 rows; SQLAlchemy's generic per-row
    parameter handling cost more than the inserts themselves, and on PostgreSQL one INSERT per row,
    even pipelined, spends most of its time in round trips that COPY does not make. The values go
    through the same bind processors (JSON, dates) as `conn.execute(insert(table), values)` would
    apply, on the caller's connection and inside its transaction.
    """
    if values:
        _write(conn, _encode(table, values, conn.dialect))


def insert_all(conn: Connection, batches: Sequence[tuple[Table, list[dict[str, Any]]]]) -> None:
    """Several tables' new rows, in the order given: `insert_many` for each, except that on PostgreSQL the
    small ones (under 50 rows, which `insert_many` sends as one INSERT each) go out together in one round trip
    (psycopg's pipeline mode; the server still runs them one after the other, in this order).

    Why: a screening with a hit writes its hits, the owners' notifications and its audit entry, each a
    round trip of its own before. Values pass through the same bind processors as `insert_many`'s."""
    pending: list[Encoded] = []
    for table, values in batches:
        if not values:
            continue
        enc = _encode(table, values, conn.dialect)
        if enc.bulk or conn.dialect.name != "postgresql":
            _pipelined(conn, pending)  # keep the order: rows already queued go first
            pending = []
            _write(conn, enc)
        else:
            pending.append(enc)
    _pipelined(conn, pending)


def _pipelined(conn: Connection, encoded: Sequence[Encoded]) -> None:
    if not encoded:
        return
    driver: Any = conn.connection.driver_connection
    if len(encoded) == 1 or not hasattr(driver, "pipeline"):  # nothing to gain (or no pipeline mode)
        for enc in encoded:
            _write(conn, enc)
        return
    statements = []
    for enc in encoded:
        columns = list(enc.values[0])
        procs = [_processor(enc.table.c[name].type, conn.dialect) for name in columns]
        params = [tuple(v[name] if proc is None else proc(v[name]) for name, proc in zip(columns, procs, strict=True))
                  for v in enc.values]
        sql = f"INSERT INTO {enc.table.name} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        statements.append((sql, params))
    with driver.cursor() as cursor, driver.pipeline():
        for sql, params in statements:
            cursor.executemany(sql, params)


def _write_side_tables(conn: Connection, rows: Sequence[RecordRow], action: str, by_user: str,
                       publish: bool = True) -> None:
    for table, values in _side_rows(rows).items():
        insert_many(conn, table, values)
    now = rows[0].updated_at
    # A new record's first version is the record row itself: its snapshot is left empty (NULL) and
    # taken from the row when the record first changes (see replace_record), not stored twice.
    insert_many(conn, record_versions, [
        {"record_id": r.id, "version": r.version, "at": r.updated_at, "by_user": by_user,
         "action": action, "snapshot": None if action == "create" else r.snapshot()} for r in rows
    ])
    if publish:
        serialise_writers(conn)
        insert_many(conn, changes, [{"record_id": r.id, "at": now} for r in rows])


@dataclass
class NewRecords:
    """New records encoded for every table `insert_records` writes them to, bar the change feed."""

    rows: Sequence[RecordRow]
    dialect: str
    tables: list[Encoded]


def encode_new(rows: Sequence[RecordRow], dialect: Any) -> NewRecords:
    """New records (of one creator) as `insert_records` writes them, encoded without a connection.

    Why apart: encoding (bind processors, COPY text) is most of an import's own CPU time; done in
    the import's reading thread, it overlaps the database's work on the previous chunk."""
    by_user = rows[0].created_by if rows else ""
    tables = [_encode(records, [r.columns() for r in rows], dialect)]
    tables += [_encode(table, values, dialect) for table, values in _side_rows(rows).items() if values]
    # A new record's first version is the record row itself: its snapshot is left empty (NULL) and
    # taken from the row when the record first changes (see replace_record), not stored twice.
    tables.append(_encode(record_versions, [
        {"record_id": r.id, "version": r.version, "at": r.updated_at, "by_user": by_user, "action": "create",
         "snapshot": None} for r in rows], dialect))
    return NewRecords(rows, dialect.name, tables)


def insert_records(conn: Connection, rows: Sequence[RecordRow], publish: bool = True,
                   encoded: NewRecords | None = None) -> None:
    """Write new records. ``publish=False`` leaves out their change-feed entries: a file import
    publishes all of its records at once when it ends (`publish_created`). ``encoded``: these
    rows as `encode_new` gave them (encoded again if made for another dialect)."""
    if not rows:
        return
    if encoded is None or encoded.rows is not rows or encoded.dialect != conn.dialect.name:
        encoded = encode_new(rows, conn.dialect)
    for enc in encoded.tables:
        _write(conn, enc)
    if publish:
        serialise_writers(conn)
        insert_many(conn, changes, [{"record_id": r.id, "at": rows[0].updated_at} for r in rows])


def seq_range(conn: Connection, ids: Sequence[str]) -> tuple[int, int]:
    """The lowest and highest insertion sequence number of these records."""
    lo, hi = conn.execute(select(func.min(records.c.seq), func.max(records.c.seq))
                          .where(records.c.id.in_(list(ids)))).one()
    return int(lo), int(hi)


def publish_created(conn: Connection, seq_lo: int, seq_hi: int, created_by: str, created_at: dt.datetime,
                    at: dt.datetime) -> int:
    """Add to the change feed every record created by ``created_by`` at ``created_at`` whose insertion
    sequence lies in [seq_lo, seq_hi] (one statement, in insertion order); returns how many.

    Why by range and not by id list: an import of millions of records would otherwise keep every id
    in memory until it ends. The creator and creation time tell its records apart from those other
    writers inserted in between."""
    serialise_writers(conn)
    mine = (records.c.seq.between(seq_lo, seq_hi), records.c.created_by == created_by,
            records.c.created_at == created_at)
    chosen = select(records.c.id, literal(at, DateTime(timezone=True))).where(*mine).order_by(records.c.seq)
    conn.execute(insert(changes).from_select(["record_id", "at"], chosen))
    # Counted apart: drivers do not all report the row count of INSERT ... SELECT (psycopg 3 gives -1 here).
    return int(conn.execute(select(func.count()).select_from(records).where(*mine)).scalar_one())


def _keep_first_snapshot(conn: Connection, record_id: str) -> None:
    """Copy a record still at version 1 into its history before the row is overwritten."""
    found = conn.execute(select(records).where(records.c.id == record_id, records.c.version == 1)).mappings().first()
    if found is None:
        return
    conn.execute(update(record_versions).where(
        record_versions.c.record_id == record_id, record_versions.c.version == 1,
        record_versions.c.snapshot.is_(None)).values(snapshot=_row_from(found).snapshot()))


def replace_record(conn: Connection, row: RecordRow, previous_version: int, action: str, by_user: str) -> bool:
    """Store a new version of ``row``; False if someone else changed it first."""
    serialise_writers(conn)  # before the row lock: a writer never waits for a row while holding the lock
    if previous_version == 1:
        _keep_first_snapshot(conn, row.id)
    values = row.columns()
    del values["id"], values["created_at"], values["created_by"]
    result = conn.execute(
        update(records).where(records.c.id == row.id, records.c.version == previous_version).values(**values)
    )
    if result.rowcount != 1:
        return False
    for table in (record_audience, record_crime_areas, record_terms, links):
        conn.execute(delete(table).where(table.c.record_id == row.id))
    _write_side_tables(conn, [row], action, by_user)
    return True


def get_record(conn: Connection, record_id: str, where: ColumnElement[bool]) -> RecordRow | None:
    found = conn.execute(select(records).where(records.c.id == record_id, where)).mappings().first()
    return _row_from(found) if found else None


def get_records(conn: Connection, ids: Sequence[str], where: ColumnElement[bool]) -> list[RecordRow]:
    if not ids:
        return []
    found = conn.execute(select(records).where(records.c.id.in_(list(ids)), where)).mappings().all()
    return [_row_from(m) for m in found]


def rows_of(conn: Connection, statement: Select[Any], params: dict[str, Any]) -> list[RecordRow]:
    """The records a prebuilt ``select(records)...`` finds (for statements run on every request)."""
    return [_row_from(m) for m in conn.execute(statement, params).mappings()]


def existing_ids(conn: Connection, ids: Sequence[str]) -> set[str]:
    if not ids:
        return set()
    return set(conn.execute(select(records.c.id).where(records.c.id.in_(list(ids)))).scalars())


# A term shared by more records than this is checked per record while scanning newest-first,
# instead of collecting all its records and sorting them (a common name part like "mohamed"
# matches a tenth of all persons; the page needs only the newest few).
COMMON_TERM = 2000


def term_frequency(conn: Connection, token: str, cap: int = COMMON_TERM) -> int:
    """How many records have a term starting with ``token``, counted up to ``cap``."""
    upper = token + "\uffff"
    inner = select(record_terms.c.record_id).where(record_terms.c.term >= token, record_terms.c.term < upper)
    return int(conn.execute(select(func.count()).select_from(inner.limit(cap).subquery())).scalar_one())


def term_clause(token: str, *, common: bool = False) -> ColumnElement[bool]:
    """Records having a term that starts with ``token``.

    For a rare term the matching records drive the query; for a common one each record found
    scanning newest-first is checked, so the database stops after one page either way.
    """
    upper = token + "\uffff"
    if common:
        return exists(select(record_terms.c.record_id).where(
            record_terms.c.record_id == records.c.id, record_terms.c.term >= token, record_terms.c.term < upper))
    return records.c.id.in_(
        select(record_terms.c.record_id).where(record_terms.c.term >= token, record_terms.c.term < upper)
    )


def all_terms_clause(tokens: Sequence[str], dialect: str) -> ColumnElement[bool]:
    """Records having, for every token, a term that starts with it: one set intersection in SQL.

    Why: with two or more name parts, checking each further part record by record (newest-first,
    or for every record of the rarest part) costs thousands of lookups when the parts are common
    ("mohamed ali"); intersecting the parts' id sets from the term index touches only index
    entries, then fetches just the records that have all of them.
    """
    def ids(token: str) -> Select[Any]:
        return select(record_terms.c.record_id).where(record_terms.c.term >= token,
                                                      record_terms.c.term < token + "\uffff")

    matching = intersect(*(ids(t) for t in tokens))
    if dialect == "postgresql":
        # As an array computed once: given `IN (...)`, PostgreSQL's planner tends to walk all records
        # newest-first and compare each with every matching id (seen taking seconds at 100,000 persons).
        return records.c.id == any_(func.array(matching.scalar_subquery()))
    return records.c.id.in_(matching)


def list_records(
    conn: Connection, where: ColumnElement[bool], limit: int, before_seq: int | None
) -> list[RecordRow]:
    """Newest first, keyset-paginated on the insertion sequence."""
    query = select(records).where(where)
    if before_seq is not None:
        query = query.where(records.c.seq < before_seq)
    found = conn.execute(query.order_by(records.c.seq.desc()).limit(limit)).mappings().all()
    return [_row_from(m) for m in found]


def history(conn: Connection, record_id: str) -> list[dict[str, Any]]:
    """Every version with its snapshot (a version without one is the record as it stands now)."""
    found = [dict(m) for m in conn.execute(
        select(record_versions).where(record_versions.c.record_id == record_id).order_by(record_versions.c.version)
    ).mappings()]
    unfilled = [v for v in found if v["snapshot"] is None]
    if unfilled:
        current = conn.execute(select(records).where(records.c.id == record_id)).mappings().first()
        for v in unfilled:
            if current is None or current["version"] != v["version"]:
                raise RuntimeError(f"version {v['version']} of record {record_id} has no snapshot")
            v["snapshot"] = _row_from(current).snapshot()
    return found


def links_of(conn: Connection, record_id: str) -> list[str]:
    """Ids of link records touching ``record_id``."""
    query = select(links.c.record_id).where((links.c.source_id == record_id) | (links.c.target_id == record_id))
    return list(conn.execute(query).scalars())


def due_for_expiry(conn: Connection, today: dt.date) -> list[RecordRow]:
    found = conn.execute(
        select(records).where(records.c.status == "active", records.c.review_due < today)
    ).mappings().all()
    return [_row_from(m) for m in found]


def count_records(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(records)).scalar_one())
