"""Bulk writes (PostgreSQL COPY text built by store.pg_copy, SQLite executemany) store every value exactly,
and the pool checks only connections that sat idle (store.db)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from psycopg.types.json import Json
from sqlalchemy import Engine, select, text

from taawun.store import db, pg_copy
from taawun.store.records import insert_all, insert_many
from taawun.store.tables import record_terms, record_versions

AWKWARD = ["plain", "tab\there", "line\nbreak", "carriage\rreturn", "back\\slash", "\\N", "quote\"s and 'apos'",
           "عبد الله بن محمد", "Ærøskøbing ß", ""]


def test_copy_lines_escape_what_copy_text_format_needs() -> None:
    at = dt.datetime(2026, 1, 2, 3, 4, 5, 600000, tzinfo=dt.UTC)
    rows = [("a\tb", None, True, 7, at, dt.date(2026, 1, 2), Json({"k": "v\\w\n"})),
            ("\\N", "x\ny", False, -1, at, dt.date(2026, 1, 2), Json(None))]
    assert pg_copy.lines(rows) == [
        'a\\tb\t\\N\tt\t7\t2026-01-02T03:04:05.600000+00:00\t2026-01-02\t{"k": "v\\\\\\\\w\\\\n"}\n',
        "\\\\N\tx\\ny\tf\t-1\t2026-01-02T03:04:05.600000+00:00\t2026-01-02\tnull\n",
    ]


def test_copy_refuses_a_type_it_does_not_know() -> None:
    with pytest.raises(pg_copy.Unsupported):
        pg_copy.lines([(object(),)])


def test_bulk_rows_read_back_unchanged(engine: Engine) -> None:
    # More than 50 rows: the COPY (PostgreSQL) or executemany (SQLite) path, not single INSERTs.
    at = dt.datetime(2026, 5, 6, 7, 8, 9, 123456, tzinfo=dt.UTC)
    versions = [{"record_id": f"r{i:04d}", "version": 2, "at": at, "by_user": AWKWARD[i % len(AWKWARD)],
                 "action": "update", "snapshot": {"note": AWKWARD[i % len(AWKWARD)], "n": i, "ok": i % 2 == 0}}
                for i in range(120)]
    terms = [{"record_id": f"r{i:04d}", "term": AWKWARD[i % len(AWKWARD)] + str(i)} for i in range(120)]
    with engine.begin() as conn:
        insert_many(conn, record_versions, versions)
        insert_many(conn, record_terms, terms)
    with engine.connect() as conn:
        got = {r.record_id: r for r in conn.execute(select(record_versions))}
        got_terms = {r.record_id: r.term for r in conn.execute(select(record_terms))}
    for v in versions:
        row = got[v["record_id"]]
        assert (row.by_user, row.snapshot, row.version) == (v["by_user"], v["snapshot"], 2)
        assert row.at.replace(tzinfo=row.at.tzinfo or dt.UTC) == at
    assert got_terms == {t["record_id"]: t["term"] for t in terms}


def _versions(ids: range, at: dt.datetime) -> list[dict]:
    return [{"record_id": f"v{i:04d}", "version": 1, "at": at, "by_user": AWKWARD[i % len(AWKWARD)],
             "action": "create", "snapshot": {"note": AWKWARD[i % len(AWKWARD)], "n": i}} for i in ids]


def test_rows_of_several_tables_written_together_read_back_unchanged(engine: Engine) -> None:
    # insert_all: a few rows of a table (sent together with the next few in one round trip on PostgreSQL), a
    # bulk table between them (COPY), then a few more; JSON, time stamps and awkward text all survive.
    at = dt.datetime(2026, 5, 6, 7, 8, 9, 123456, tzinfo=dt.UTC)
    few, more = _versions(range(3), at), _versions(range(3, 6), at)
    terms = [{"record_id": f"t{i:04d}", "term": AWKWARD[i % len(AWKWARD)] + str(i)} for i in range(60)]
    with engine.begin() as conn:
        insert_all(conn, [(record_versions, few), (record_terms, terms[:2]), (record_terms, terms[2:]),
                          (record_versions, more), (record_terms, [])])
    with engine.connect() as conn:
        got = {r.record_id: r for r in conn.execute(select(record_versions))}
        got_terms = {r.record_id: r.term for r in conn.execute(select(record_terms))}
    assert sorted(got) == [v["record_id"] for v in few + more]
    for v in few + more:
        row = got[v["record_id"]]
        assert (row.by_user, row.snapshot, row.action) == (v["by_user"], v["snapshot"], "create")
        assert row.at.replace(tzinfo=row.at.tzinfo or dt.UTC) == at
    assert got_terms == {t["record_id"]: t["term"] for t in terms}


def test_a_failing_row_among_several_tables_fails_the_transaction(engine: Engine) -> None:
    # The rows sent together are checked one by one: a duplicate in the last table is an error, not swallowed,
    # and the transaction (with the first table's rows, already run by the server) stores nothing.
    at = dt.datetime(2026, 5, 6, tzinfo=dt.UTC)
    term = {"record_id": "t0001", "term": "same"}
    with pytest.raises(Exception, match="(?i)unique|duplicate"), engine.begin() as conn:
        insert_all(conn, [(record_versions, _versions(range(2), at)), (record_terms, [term, dict(term)])])
    with engine.connect() as conn:
        assert conn.execute(select(record_versions)).first() is None
        assert conn.execute(select(record_terms)).first() is None


def test_a_connection_dropped_while_idle_is_replaced(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    if db.is_sqlite(engine):
        pytest.skip("SQLite connections are files, not sessions a server can drop")
    monkeypatch.setattr(db, "IDLE_PING_S", 0.05)
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    other = db.make_engine(str(engine.url.render_as_string(hide_password=False)), pool_size=1)
    try:
        with other.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            admin.commit()
    finally:
        other.dispose()
    time.sleep(0.2)
    with engine.connect() as conn:  # the pool's only connection is dead: checked, discarded, replaced
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid


def test_copy_lines_by_column_format_each_value_as_field_does() -> None:
    # Columns mixing NULLs with values, types mixed within a column (int and bool), a JSON column with
    # values to escape in some rows only, a serialiser of its own: each cell as `field` formats it alone.
    at = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)

    def upper_dumps(obj: object) -> str:
        return str(obj).upper()

    rows = [(AWKWARD[i % len(AWKWARD)] if i % 3 else None, i if i % 4 else bool(i % 8), at if i % 5 else None,
             Json({"n": AWKWARD[i % len(AWKWARD)]}) if i % 7 else None, Json(["x", i], dumps=upper_dumps),
             float(i) / 3) for i in range(60)]
    expected = ["\t".join(pg_copy.field(v) for v in row) + "\n" for row in rows]
    assert pg_copy.lines(rows) == expected
    assert pg_copy.column_lines(list(zip(*rows, strict=True))) == expected
