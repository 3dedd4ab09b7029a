"""Reference data everyone may read: organisations and regions (no criminal information)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from taawun.domain import world
from taawun.store import accounts as store


def seed(conn: Connection) -> None:
    orgs = world.all_organisations()
    store.seed_organisations(
        conn,
        [{"code": o.code, "kind": o.kind.value, "names": o.names} for o in orgs.values()],
        [{"code": code, "names": names} for code, names in world.REGION_NAMES.items()],
        [{"region_code": r, "org_code": o.code} for o in orgs.values() for r in sorted(o.regions)],
    )


def organisations(conn: Connection) -> list[dict[str, Any]]:
    regions = store.all_regions(conn)
    by_org: dict[str, list[str]] = {}
    for region, members in regions.items():
        for code in members:
            by_org.setdefault(code, []).append(region)
    return [{**o, "regions": sorted(by_org.get(o["code"], []))} for o in store.all_organisations(conn)]


def organisation_exists(conn: Connection, code: str) -> bool:
    return store.organisation(conn, code) is not None
