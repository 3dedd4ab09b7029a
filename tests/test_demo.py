"""The demo world: reproducible, fictitious, varied, and loaded through the gate."""

from __future__ import annotations

import csv
import os
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from taawun.access.actor import Actor
from taawun.access.policy import Audience, can_see
from taawun.api.app import create_app
from taawun.cli import app
from taawun.domain.enums import OrgKind, Role
from taawun.domain.world import all_organisations
from taawun.services import demo
from taawun.store.tables import audit_log, records

NAMES_DEV = Path(os.environ.get("TAAWUN_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "data" / \
    "names-dev.tsv"
SMALL = 150


def _names(world: demo.DemoWorld) -> list[list[str]]:
    return [[n["full"] for n in s.body["names"]] for s in world.by_kind("person")]


def test_same_seed_same_world() -> None:
    first, again, other = demo.generate(SMALL, 7), demo.generate(SMALL, 7), demo.generate(SMALL, 8)
    assert _names(first) == _names(again)
    assert [s.body for s in first.specs] == [s.body for s in again.specs]
    assert _names(first) != _names(other)


def test_persons_have_arabic_and_latin_names_and_varied_fields() -> None:
    world = demo.generate(1000, demo.DEFAULT_SEED)
    persons = [s.body for s in world.by_kind("person")]
    scripts = Counter(n.get("type") for p in persons for n in p["names"])
    assert scripts["primary"] == len(persons)
    assert scripts["original_script"] > 100 and scripts["transliteration"] > 100 and scripts["alias"] > 100
    both = [p for p in persons if any(_is_arabic(n["full"]) for n in p["names"])
            and any(not _is_arabic(n["full"]) for n in p["names"])]
    assert len(both) > len(persons) / 2
    assert all(len(p["names"][0]["full"].split()) >= 3 for p in persons)
    dates = Counter(len(p.get("birth_date", "")) for p in persons)
    assert dates[4] and dates[7] and dates[10]  # year only, year-month, full date
    assert {p["sex"] for p in persons if "sex" in p} == {"m", "f"}
    modes = Counter(p["restriction"]["mode"] for p in persons)
    assert set(modes) == {"all_members", "only", "all_except"}
    assert modes["all_members"] > modes["only"] > 0
    assert any(p["restriction"].get("partners") for p in persons)
    assert any(p.get("hit_disclosure") == "silent" for p in persons)
    handling = Counter(p.get("handling", "H0") for p in persons)
    assert handling["H2"] and handling["H1"] and handling["H3"] == 1
    assert all(p.get("handling_note") for p in persons if p.get("handling") == "H3")
    assert len({s.owner for s in world.specs}) == len(demo.DEMO_MEMBERS)
    kinds = Counter(s.body["kind"] for s in world.specs)
    assert all(kinds[k] for k in ("travel_document", "vehicle", "firearm", "organisation", "case", "link"))
    link_types = Counter(s.body["link_type"] for s in world.by_kind("link"))
    assert {"member_of", "associate_of", "holder_of", "involved_in", "used"} <= set(link_types)
    assert any("holder_id" in s.body for s in world.by_kind("travel_document"))


def test_working_group_records_are_for_mena_and_asia_pacific_only() -> None:
    world = demo.generate(1000, demo.DEFAULT_SEED)
    group = [s for s in world.specs if s.owner == "ARE" and s.body["restriction"] == demo.WORKING_GROUP]
    assert group
    audience = Audience.from_json("only", {"regions": ["MENA", "ASIA_PACIFIC"]})
    for code, sees in (("IDN", True), ("BHR", True), ("MAR", True), ("SVK", False), ("USA", False)):
        actor = Actor("u", "u", code, OrgKind.MEMBER, Role.ANALYST, all_organisations()[code].regions)
        assert can_see(actor, "ARE", audience) is sees, code


def test_links_join_records_their_owner_can_see() -> None:
    world = demo.generate(600, 3)
    owners = {s.ref: s for s in world.specs}
    for link in world.by_kind("link"):
        target = owners[link.body["target_id"][1:]]
        restriction = dict(target.body.get("restriction") or {"mode": "all_members"})
        mode = restriction.pop("mode")
        actor = Actor("u", "u", link.owner, OrgKind.MEMBER, Role.OFFICER, all_organisations()[link.owner].regions)
        assert can_see(actor, target.owner, Audience.from_json(mode, restriction))


@pytest.mark.skipif(not NAMES_DEV.exists(), reason="the shared evaluation data is not beside the repository")
@pytest.mark.parametrize("seed", [demo.DEFAULT_SEED, 0, 2])
def test_no_demo_person_is_a_real_full_name(seed: int) -> None:
    real: set[str] = set()
    with NAMES_DEV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            real.add(" ".join(row["arabic"].casefold().split()))
            real.add(" ".join(row["latin"].casefold().split()))
    clashes = [name for names in _names(demo.generate(demo.DEFAULT_PERSONS, seed)) for name in names
               if " ".join(name.casefold().split()) in real]
    assert clashes == []


def test_name_parts_are_parts_not_full_names() -> None:
    for slots in demo.name_parts().values():
        for parts in slots.values():
            for part in parts:
                assert part["latin"]
                for text in [part["ar"] or "", *part["latin"]]:
                    assert len(text.split()) <= 3, text  # a compound (Abd al-..., Nour Eddine) at most


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def test_demo_command_loads_once_and_prints_logins(db_url: str, engine: Engine) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["demo", "--db", db_url, "--persons", str(SMALL), "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "demo world loaded" in result.stdout
    for login in ("mar.officer", "svk.analyst", "are.frontline", "bhr.admin", "gs.reviewer", "gs.admin",
                  "un.analyst", "osce.analyst", "aimc.analyst", "isa.analyst"):
        assert login in result.stdout
    assert demo.DEMO_PASSWORD in result.stdout
    with engine.connect() as conn:
        persons = conn.execute(select(func.count()).select_from(records).where(records.c.kind == "person")).scalar()
        total = conn.execute(select(func.count()).select_from(records)).scalar()
        entries = conn.execute(select(audit_log.c.target_id, audit_log.c.detail)
                               .where(audit_log.c.action == "record.create")).all()
        created_ids = set(conn.execute(select(records.c.id)).scalars())
        owners = set(conn.execute(select(records.c.owner).distinct()).scalars())
        modes = set(conn.execute(select(records.c.restriction_mode).distinct()).scalars())
    assert persons == SMALL
    # Every record went through the gate and its audit: each is named by exactly one create entry.
    audited = [rid for target, detail in entries for rid in (detail.get("ids") or [target])]
    assert len(audited) == total and set(audited) == created_ids
    assert owners == set(demo.DEMO_MEMBERS)
    assert modes == {"all_members", "only", "all_except"}

    again = runner.invoke(app, ["demo", "--db", db_url, "--persons", str(SMALL), "--seed", "5"])
    assert again.exit_code == 0
    assert "already loaded" in again.stdout and "mar.officer" in again.stdout
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(records)).scalar() == total

    with TestClient(create_app(engine)) as client:
        login = client.post("/api/v1/auth/token", data={"username": "bhr.analyst", "password": demo.DEMO_PASSWORD})
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        listed = client.get("/api/v1/records", params={"kind": "person", "limit": 20}, headers=headers)
        assert listed.status_code == 200 and listed.json()["items"]
        svk = client.post("/api/v1/auth/token", data={"username": "svk.analyst", "password": demo.DEMO_PASSWORD})
        svk_headers = {"Authorization": f"Bearer {svk.json()['access_token']}"}
        svk_ids = _all_ids(client, svk_headers)
        bhr_ids = _all_ids(client, headers)
        assert svk_ids != bhr_ids  # restrictions make the two members' views differ


def _all_ids(client: TestClient, headers: dict[str, str]) -> set[str]:
    ids: set[str] = set()
    cursor = None
    while True:
        params: dict[str, object] = {"limit": 200}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/records", params=params, headers=headers).json()
        ids.update(item["id"] for item in page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return ids


def test_demo_into_an_empty_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = CliRunner().invoke(app, ["demo", "--db", url, "--persons", "40"])
    assert result.exit_code == 0, result.output
    verify = CliRunner().invoke(app, ["audit", "verify", "--db", url])
    assert verify.exit_code == 0 and "intact" in verify.stdout
