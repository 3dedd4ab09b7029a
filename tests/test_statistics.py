"""Dashboard counts (access/statistics.py) equal what the same viewer can find record by record."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Engine

from taawun.access import statistics
from taawun.access.records import RecordAccess, RecordFilter
from taawun.services import records as svc
from tests.conftest import User

AUDIENCES = [
    {"mode": "all_members"},
    {"mode": "only", "members": ["ARE"]},
    {"mode": "only", "regions": ["EUROPE"]},
    {"mode": "all_except", "members": ["SVK"]},
    {"mode": "only", "partners": ["UN"]},
    {"mode": "all_members", "partners": ["OSCE"]},
]
AREAS = [["terrorism"], ["drugs", "cybercrime"], [], ["cultural_property"], ["drugs"], ["firearms"]]


def test_counts_match_what_each_viewer_can_find(engine: Engine, users: dict[str, User]) -> None:
    with engine.begin() as conn:
        for i, (audience, areas) in enumerate(zip(AUDIENCES, AREAS, strict=True)):
            for owner in ("mar_officer", "svk_officer"):
                body = {"kind": "vehicle", "plate": f"{owner[:3]}-{i}", "crime_areas": areas, "restriction": audience}
                svc.create(conn, users[owner].actor, svc.parse_record(body))
        deleted = svc.create(conn, users["mar_officer"].actor,
                             svc.parse_record({"kind": "firearm", "serial": "GONE-1", "crime_areas": ["maritime"]}))
        svc.delete(conn, users["mar_officer"].actor, deleted.id)
    for name in ("mar_analyst", "svk_analyst", "are_analyst", "fra_analyst", "un_analyst", "osce_analyst",
                 "gs_reviewer"):
        actor = users[name].actor
        with engine.begin() as conn:
            rows = RecordAccess(conn, actor).find(RecordFilter(), 1000, None)
            counts = statistics.record_counts(conn, actor)
        assert counts.visible == len(rows), name
        assert counts.own == sum(1 for r in rows if r.owner == actor.org_code), name
        assert counts.by_crime_area == dict(Counter(a for r in rows for a in r.crime_areas)), name
        assert "maritime" not in counts.by_crime_area  # a deleted record counts for no one
