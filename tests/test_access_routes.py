"""The sharing rules through every route that returns data, on a small fixed world.

A record Morocco restricts to `only [MAR]` must not exist, as far as Slovakia or a partner can tell:
no route returns it, names it or confirms it (404, never 403).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from taawun.store.tables import audit_log
from tests.conftest import User, person

API = "/api/v1"
ONLY_MAR = {"mode": "only", "members": ["MAR"]}


def _create(client: TestClient, user: User, body: dict[str, Any], path: str = "/records") -> dict[str, Any]:
    r = client.post(API + path, json=body, headers=user.headers)
    assert r.status_code == 201, r.text
    return r.json()


def _link(client: TestClient, user: User, source: str, target: str, **extra: Any) -> dict[str, Any]:
    return _create(client, user, {"kind": "link", "link_type": "associate_of", "source_id": source,
                                  "target_id": target, **extra}, "/links")


def _ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def _export_ids(client: TestClient, user: User, **params: Any) -> set[str]:
    r = client.get(f"{API}/export", params=params, headers=user.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/x-ndjson")
    return {json.loads(line)["id"] for line in r.text.splitlines() if line}


@pytest.fixture
def world(client: TestClient, users: dict[str, User]) -> dict[str, dict[str, Any]]:
    """Morocco's hidden suspect with a passport, a shared associate, and links between them."""
    mar = users["mar_officer"]
    hidden = _create(client, mar, person(
        "Yassine Ouazzani", restriction=ONLY_MAR, birth_date="1984-03-12",
        identifiers=[{"type": "passport", "number": "QX 441-7782", "country": "MAR"}],
        names=[{"full": "Yassine Ouazzani"}, {"full": "ياسين الوزاني"}]))
    shared = _create(client, mar, person("Karim Benali"))
    doc = _create(client, mar, {"kind": "travel_document", "number": "ZT-99120", "country": "MAR",
                                "document_status": "stolen", "holder_id": hidden["id"], "restriction": ONLY_MAR})
    to_hidden = _link(client, mar, shared["id"], hidden["id"])  # the link itself is shared with all members
    for_un = _create(client, mar, person("Rachid Belkadi", restriction={"mode": "only", "partners": ["UN"]}))
    all_and_un = _create(client, mar, person("Nabil Chraibi", restriction={"mode": "all_members", "partners": ["UN"]}))
    return {"hidden": hidden, "shared": shared, "doc": doc, "to_hidden": to_hidden, "for_un": for_un,
            "all_and_un": all_and_un}


def _assert_invisible(client: TestClient, engine: Engine, user: User, world: dict[str, dict[str, Any]]) -> None:
    hidden_ids = {world["hidden"]["id"], world["doc"]["id"], world["to_hidden"]["id"]}
    h = user.headers
    for rid in hidden_ids:
        for path in (f"/records/{rid}", f"/records/{rid}/history", f"/records/{rid}/links", f"/links/{rid}"):
            r = client.get(API + path, headers=h)
            assert r.status_code == 404, (path, r.status_code, r.text)
            assert r.headers["content-type"] == "application/problem+json"
        # The answer for a hidden record is the answer for one that does not exist.
        ghost = str(uuid.uuid4())
        hidden_body = client.get(f"{API}/records/{rid}", headers=h).json()
        ghost_body = client.get(f"{API}/records/{ghost}", headers=h).json()
        assert hidden_body["detail"].replace(rid, "ID") == ghost_body["detail"].replace(ghost, "ID")
    listed = set()
    for params in ({}, {"kind": "person"}, {"kind": "travel_document"}, {"kind": "link"}, {"owner": "MAR"},
                   {"q": "Ouazzani"}, {"q": "Yassine"}, {"q": "الوزاني"}, {"q": "QX4417782"}, {"q": "qx 441-7782"},
                   {"q": "ZT99120"}, {"crime_area": "terrorism"}):
        listed |= _ids(client.get(f"{API}/records", params={**params, "limit": 500}, headers=h))
    listed |= _ids(client.get(f"{API}/links", params={"limit": 500}, headers=h))
    r = client.get(f"{API}/records/{world['shared']['id']}/links", headers=h)
    listed |= _ids(r) if r.status_code != 404 else set()  # partners do not see the shared end either
    assert not listed & hidden_ids
    assert not _export_ids(client, user) & hidden_ids
    r = client.get(f"{API}/audit", params={"limit": 1000}, headers=h)
    if r.status_code == 200:  # the caller's own trail must not name the hidden records either
        assert not any(rid in r.text for rid in hidden_ids)
    with engine.connect() as conn:  # nor may any entry of its organisation
        details = conn.execute(select(audit_log.c.target_id, audit_log.c.detail)
                               .where(audit_log.c.org_code == user.org)).all()
    assert not any(rid in json.dumps([t, d]) for t, d in details for rid in hidden_ids)


def test_only_mar_is_invisible_to_slovakia_through_every_route(
        client: TestClient, engine: Engine, users: dict[str, User], world: dict[str, dict[str, Any]]) -> None:
    svk = users["svk_analyst"]
    # Slovakia does see what is shared with all members (so the checks below can fail).
    assert client.get(f"{API}/records/{world['shared']['id']}", headers=svk.headers).status_code == 200
    assert world["shared"]["id"] in _ids(client.get(f"{API}/records", params={"q": "Benali"}, headers=svk.headers))
    assert world["shared"]["id"] in _export_ids(client, svk)
    _assert_invisible(client, engine, svk, world)
    _assert_invisible(client, engine, users["svk_officer"], world)


def test_morocco_sees_its_own_restricted_record_through_every_route(
        client: TestClient, users: dict[str, User], world: dict[str, dict[str, Any]]) -> None:
    mar = users["mar_analyst"]
    hidden = world["hidden"]["id"]
    assert client.get(f"{API}/records/{hidden}", headers=mar.headers).status_code == 200
    assert client.get(f"{API}/records/{hidden}/history", headers=mar.headers).status_code == 200
    for q in ("Ouazzani", "الوزاني", "QX4417782", "qx 441-7782", "qx-4417"):
        assert hidden in _ids(client.get(f"{API}/records", params={"q": q}, headers=mar.headers)), q
    assert world["doc"]["id"] in _ids(client.get(f"{API}/records", params={"q": "zt 99120"}, headers=mar.headers))
    assert world["to_hidden"]["id"] in _ids(client.get(f"{API}/records/{hidden}/links", headers=mar.headers))
    assert world["to_hidden"]["id"] in _ids(client.get(f"{API}/links", headers=mar.headers))
    assert {hidden, world["doc"]["id"]} <= _export_ids(client, mar)


def test_slovak_officer_cannot_change_or_delete_hidden_record(
        client: TestClient, users: dict[str, User], world: dict[str, dict[str, Any]]) -> None:
    svk = users["svk_officer"]
    hidden = world["hidden"]
    r = client.patch(f"{API}/records/{hidden['id']}", json={"sex": "m"}, headers=svk.headers)
    assert r.status_code == 404
    assert client.delete(f"{API}/records/{hidden['id']}", headers=svk.headers).status_code == 404
    assert client.delete(f"{API}/links/{world['to_hidden']['id']}", headers=svk.headers).status_code == 404
    # Nor link to it: the reference is refused as unknown, without confirming the record exists.
    own = _create(client, svk, person("Marek Kovac"))
    r = client.post(f"{API}/links", json={"kind": "link", "link_type": "associate_of", "source_id": own["id"],
                                          "target_id": hidden["id"]}, headers=svk.headers)
    assert r.status_code == 422 and "not visible" in r.json()["detail"]
    after = client.get(f"{API}/records/{hidden['id']}", headers=users["mar_analyst"].headers).json()
    assert after["version"] == 1 and after["status"] == "active"


@pytest.mark.parametrize("partner", ["un_analyst", "osce_analyst"])
def test_partners_see_only_records_naming_them(
        client: TestClient, engine: Engine, users: dict[str, User], world: dict[str, dict[str, Any]],
        partner: str) -> None:
    user = users[partner]
    _assert_invisible(client, engine, user, world)
    named = {world["for_un"]["id"], world["all_and_un"]["id"]} if partner == "un_analyst" else set()
    listed = _ids(client.get(f"{API}/records", params={"limit": 500}, headers=user.headers))
    assert listed == named
    assert _export_ids(client, user) == named
    # A record shared with all members is still not shared with partners.
    assert client.get(f"{API}/records/{world['shared']['id']}", headers=user.headers).status_code == 404
    for rid in named:
        assert client.get(f"{API}/records/{rid}", headers=user.headers).status_code == 200
    # Members not named in `only [UN]` do not see it.
    r = client.get(f"{API}/records/{world['for_un']['id']}", headers=users["svk_analyst"].headers)
    assert r.status_code == 404


def test_gs_sees_everything_and_its_reads_are_audited(
        client: TestClient, engine: Engine, users: dict[str, User], world: dict[str, dict[str, Any]]) -> None:
    gs = users["gs_reviewer"]
    hidden = world["hidden"]["id"]
    assert client.get(f"{API}/records/{hidden}", headers=gs.headers).status_code == 200
    assert hidden in _ids(client.get(f"{API}/records", params={"q": "Ouazzani"}, headers=gs.headers))
    assert client.get(f"{API}/records/{hidden}/history", headers=gs.headers).status_code == 200
    every = {r["id"] for r in world.values() if r["kind"] != "link"}
    assert every <= _ids(client.get(f"{API}/records", params={"limit": 500}, headers=gs.headers))
    with engine.connect() as conn:
        reads = conn.execute(select(audit_log.c.username, audit_log.c.org_code).where(
            audit_log.c.action == "record.read", audit_log.c.target_id == hidden)).all()
    assert ("gs_reviewer", "GS") in {tuple(r) for r in reads}


@pytest.mark.parametrize(("restriction", "sees", "blind"), [
    ({"mode": "all_except", "members": ["SVK"]}, ["fra_analyst", "are_analyst"], ["svk_analyst", "un_analyst"]),
    ({"mode": "only", "regions": ["MENA"]}, ["are_analyst", "bhr_analyst"], ["svk_analyst", "fra_analyst"]),
    ({"mode": "all_except", "regions": ["EUROPE"]}, ["are_analyst"], ["svk_analyst", "fra_analyst"]),
    ({"mode": "only", "members": ["FRA"], "partners": ["OSCE"]}, ["fra_analyst", "osce_analyst"],
     ["svk_analyst", "are_analyst", "un_analyst"]),
])
def test_restriction_modes(client: TestClient, users: dict[str, User], restriction: dict[str, Any],
                           sees: list[str], blind: list[str]) -> None:
    rec = _create(client, users["mar_officer"], person("Samir Tazi", restriction=restriction))
    for name in [*sees, "mar_analyst", "gs_reviewer"]:
        assert client.get(f"{API}/records/{rec['id']}", headers=users[name].headers).status_code == 200, name
        assert rec["id"] in _ids(client.get(f"{API}/records", params={"q": "Tazi"}, headers=users[name].headers))
    for name in blind:
        assert client.get(f"{API}/records/{rec['id']}", headers=users[name].headers).status_code == 404, name
        assert not _ids(client.get(f"{API}/records", params={"q": "Tazi"}, headers=users[name].headers))


def test_frontline_may_not_read_or_list(client: TestClient, users: dict[str, User],
                                         world: dict[str, dict[str, Any]]) -> None:
    fl = users["mar_frontline"]
    rid = world["shared"]["id"]
    for path in (f"/records/{rid}", "/records", f"/records/{rid}/history", f"/records/{rid}/links", "/links",
                 "/export", "/audit"):
        r = client.get(API + path, headers=fl.headers)
        assert r.status_code == 403, (path, r.status_code)
        assert r.headers["content-type"] == "application/problem+json" and r.json()["detail"]


def test_h2_records_are_exported_only_by_their_owner(client: TestClient, users: dict[str, User]) -> None:
    h2 = _create(client, users["mar_officer"], person("Omar Lahlou", handling="H2"))
    h0 = _create(client, users["mar_officer"], person("Hamza Lahlou", handling="H0"))
    assert {h2["id"], h0["id"]} <= _export_ids(client, users["mar_analyst"])
    for name in ("svk_analyst", "gs_reviewer"):
        got = _export_ids(client, users[name])
        assert h0["id"] in got and h2["id"] not in got, name
        # H2 limits passing on, not reading.
        assert client.get(f"{API}/records/{h2['id']}", headers=users[name].headers).status_code == 200


def test_narrowed_restriction_hides_earlier_versions(client: TestClient, users: dict[str, User]) -> None:
    rec = _create(client, users["mar_officer"], person("Adil Bennani"))
    r = client.patch(f"{API}/records/{rec['id']}", json={"restriction": ONLY_MAR}, headers=users["mar_officer"].headers)
    assert r.status_code == 200, r.text
    for path in (f"/records/{rec['id']}", f"/records/{rec['id']}/history"):
        assert client.get(API + path, headers=users["svk_analyst"].headers).status_code == 404
    history = client.get(f"{API}/records/{rec['id']}/history", headers=users["mar_analyst"].headers).json()
    assert [v["version"] for v in history["items"]] == [1, 2]
