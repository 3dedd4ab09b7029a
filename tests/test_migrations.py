"""Schema migrations keep what was stored readable in both directions (SQLite or PostgreSQL, as the suite runs)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, select

from taawun.services import records as svc
from taawun.store import records as store
from taawun.store.migrate import alembic_config
from taawun.store.tables import record_versions
from tests.conftest import User, person


def test_first_version_snapshots_survive_a_downgrade_and_upgrade(db_url: str, engine: Engine,
                                                                 users: dict[str, User]) -> None:
    mar = users["mar_officer"].actor
    with engine.begin() as conn:
        rows = svc.bulk_create(conn, mar, [svc.parse_record(person(f"Karim Benali {n}")) for n in ("Amine", "Said")])
        changed = svc.update(conn, mar, rows[0].id, {"sex": "m"})
        expected = {r.id: store.history(conn, r.id) for r in rows}
    with engine.connect() as conn:  # the unchanged record's first version is not stored twice
        assert conn.execute(select(record_versions.c.snapshot).where(
            record_versions.c.record_id == rows[1].id)).scalar_one() is None
    assert [v["snapshot"]["data"].get("sex") for v in expected[changed.id]] == [None, "m"]
    engine.dispose()

    command.downgrade(alembic_config(db_url), "0003")  # the column is NOT NULL again: snapshots filled in
    with engine.connect() as conn:
        stored = conn.execute(select(record_versions.c.snapshot).where(
            record_versions.c.record_id == rows[1].id)).scalar_one()
        assert stored == expected[rows[1].id][0]["snapshot"]
    engine.dispose()
    command.upgrade(alembic_config(db_url), "head")
    with engine.connect() as conn:
        assert {r.id: store.history(conn, r.id) for r in rows} == expected
