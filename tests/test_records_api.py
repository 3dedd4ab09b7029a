"""What officers and analysts do with records through the API: create, read, change, search, page, expire."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from taawun.access.actor import SYSTEM
from taawun.access.records import expire_due
from tests.conftest import User, person

API = "/api/v1"


def _post(client: TestClient, user: User, body: dict[str, Any], path: str = "/records") -> dict[str, Any]:
    r = client.post(API + path, json=body, headers=user.headers)
    assert r.status_code == 201, r.text
    return r.json()


def _search(client: TestClient, user: User, **params: Any) -> list[str]:
    r = client.get(f"{API}/records", params={"limit": 500, **params}, headers=user.headers)
    assert r.status_code == 200, r.text
    return [item["id"] for item in r.json()["items"]]


KINDS: dict[str, dict[str, Any]] = {
    "person": person("Karim Benali", birth_date="1979-11", sex="m", nationalities=["MAR", "FRA"],
                     identifiers=[{"type": "passport", "number": "MA1234567", "country": "MAR"}],
                     person_status="wanted", evaluation={"source": "B", "information": 2}),
    "travel_document": {"kind": "travel_document", "number": "ZK 5567-12", "country": "MAR",
                        "document_type": "passport", "document_status": "stolen"},
    "vehicle": {"kind": "vehicle", "vin": "VF1RFB00X56123456", "plate": "12345-A-6", "plate_country": "MAR",
                "make": "Dacia", "model": "Logan", "crime_areas": ["organised_crime"]},
    "firearm": {"kind": "firearm", "serial": "GLK-778812", "make": "Glock", "model": "17", "calibre": "9mm",
                "crime_areas": ["firearms"]},
    "organisation": {"kind": "organisation", "names": [{"full": "شبكة الساحل"}, {"full": "Sahel Network"}],
                     "organisation_type": "criminal_group", "crime_areas": ["drugs"]},
    "case": {"kind": "case", "summary": "Cocaine shipment seized at Tanger Med", "date": "2021-06",
             "place": "Tanger", "crime_areas": ["drugs", "maritime"], "handling": "H3",
             "handling_note": "ask the NCB before any court use"},
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_create_and_get_each_kind(client: TestClient, users: dict[str, User], kind: str) -> None:
    mar = users["mar_officer"]
    created = _post(client, mar, KINDS[kind])
    assert created["kind"] == kind and created["owner"] == "MAR" and created["version"] == 1
    assert created["status"] == "active" and created["created_by"] == mar.actor.user_id
    review_due = dt.date.fromisoformat(created["review_due"])
    assert dt.timedelta(days=4 * 365) < review_due - dt.date.today() <= dt.timedelta(days=5 * 366)
    got = client.get(f"{API}/records/{created['id']}", headers=users["svk_analyst"].headers)
    assert got.status_code == 200 and got.json() == created
    for key, value in KINDS[kind].items():
        if key not in ("names", "crime_areas", "identifiers", "nationalities"):
            assert created[key] == value, key
    assert sorted(created["crime_areas"]) == sorted(KINDS[kind].get("crime_areas", []))
    assert created["id"] in _search(client, users["svk_analyst"], kind=kind)


def test_create_link_and_read_it_from_both_ends(client: TestClient, users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    a = _post(client, mar, person("Karim Benali"))
    org = _post(client, mar, KINDS["organisation"])
    link = _post(client, mar, {"kind": "link", "link_type": "member_of", "source_id": a["id"],
                               "target_id": org["id"], "note": "seen at meetings"}, "/links")
    assert link["kind"] == "link" and link["source_id"] == a["id"] and link["link_type"] == "member_of"
    svk = users["svk_analyst"]
    for end in (a, org):
        r = client.get(f"{API}/records/{end['id']}/links", headers=svk.headers)
        assert [i["id"] for i in r.json()["items"]] == [link["id"]]
    assert client.get(f"{API}/links/{link['id']}", headers=svk.headers).json()["id"] == link["id"]
    assert link["id"] in [i["id"] for i in client.get(f"{API}/links", headers=svk.headers).json()["items"]]
    assert link["id"] not in _search(client, svk)  # links are not in the record list
    # A link joins records, not links (it would name a link whose ends may be hidden).
    r = client.post(f"{API}/links", json={"kind": "link", "link_type": "same_as", "source_id": a["id"],
                                          "target_id": link["id"]}, headers=mar.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "target_id"
    # /links/{id} is only for links
    assert client.get(f"{API}/links/{a['id']}", headers=svk.headers).status_code == 404


def test_links_require_both_ends_visible(client: TestClient, users: dict[str, User]) -> None:
    mar, svk = users["mar_officer"], users["svk_officer"]
    mar_hidden = _post(client, mar, person("Yassine Ouazzani", restriction={"mode": "only", "members": ["MAR"]}))
    svk_rec = _post(client, svk, person("Marek Kovac"))
    mar_shared = _post(client, mar, person("Karim Benali"))
    # Slovakia cannot link to a record it cannot see
    r = client.post(f"{API}/links", json={"kind": "link", "link_type": "associate_of", "source_id": svk_rec["id"],
                                          "target_id": mar_hidden["id"]}, headers=svk.headers)
    assert r.status_code == 422
    # Slovakia may link its record to a shared Moroccan one
    link = _post(client, svk, {"kind": "link", "link_type": "associate_of", "source_id": svk_rec["id"],
                               "target_id": mar_shared["id"]}, "/links")
    # If Morocco later hides its end, the link disappears for those who no longer see that end.
    r = client.patch(f"{API}/records/{mar_shared['id']}", json={"restriction": {"mode": "only", "members": ["MAR"]}},
                     headers=mar.headers)
    assert r.status_code == 200
    fra = users["fra_analyst"]
    assert client.get(f"{API}/links/{link['id']}", headers=fra.headers).status_code == 404
    assert not client.get(f"{API}/records/{svk_rec['id']}/links", headers=fra.headers).json()["items"]
    assert client.get(f"{API}/links/{link['id']}", headers=users["mar_analyst"].headers).status_code == 200
    # ...and its owner may still remove it.
    assert client.delete(f"{API}/links/{link['id']}", headers=svk.headers).status_code == 204


def test_patch_makes_versions_and_history_lists_them(client: TestClient, users: dict[str, User]) -> None:
    mar = other = users["mar_officer"]
    rec = _post(client, mar, person("Karim Benali", birth_date="1979"))
    r = client.patch(f"{API}/records/{rec['id']}", json={"birth_date": "1979-11-02", "version": 1}, headers=mar.headers)
    assert r.status_code == 200, r.text
    v2 = r.json()
    assert v2["version"] == 2 and v2["birth_date"] == "1979-11-02" and v2["names"] == rec["names"]
    assert v2["created_at"] == rec["created_at"] and v2["created_by"] == rec["created_by"]
    r = client.patch(f"{API}/records/{rec['id']}", json={"names": [{"full": "Karim Ben Ali"}, {"full": "كريم بنعلي"}],
                                                         "description": None}, headers=other.headers)
    assert r.json()["version"] == 3
    assert rec["id"] in _search(client, users["svk_analyst"], q="بنعلي")
    history = client.get(f"{API}/records/{rec['id']}/history", headers=users["svk_analyst"].headers).json()["items"]
    assert [(v["version"], v["action"]) for v in history] == [(1, "create"), (2, "update"), (3, "update")]
    assert all(v["by_user"] == mar.actor.user_id and v["at"] for v in history)
    assert [v["record"]["birth_date"] for v in history] == ["1979", "1979-11-02", "1979-11-02"]


def test_bulk_created_records_keep_their_first_version_through_changes(client: TestClient,
                                                                     users: dict[str, User]) -> None:
    """A record's first version is read from the record row until it changes; then it must stay as it was."""
    mar, svk = users["mar_officer"], users["svk_analyst"]
    r = client.post(f"{API}/records/bulk", headers=mar.headers, json={"records": [
        person("Yassine Tahiri", birth_date="1984", sex="m"), person("Nadia Bennani", birth_date="1990-05")]})
    assert r.status_code == 201, r.text
    first, second = r.json()["ids"]
    original = client.get(f"{API}/records/{first}", headers=svk.headers).json()
    history = client.get(f"{API}/records/{first}/history", headers=svk.headers).json()["items"]
    assert [(v["version"], v["action"]) for v in history] == [(1, "create")]
    assert history[0]["record"] == original and history[0]["at"] == original["created_at"]
    assert first in _search(client, svk, q="Tahiri") and second in _search(client, svk, q="Bennani")

    r = client.patch(f"{API}/records/{first}", json={"birth_date": "1984-03-07", "version": 1}, headers=mar.headers)
    assert r.status_code == 200, r.text
    assert client.delete(f"{API}/records/{first}", headers=mar.headers).status_code == 204
    history = client.get(f"{API}/records/{first}/history", headers=users["mar_analyst"].headers).json()["items"]
    assert [(v["version"], v["action"]) for v in history] == [(1, "create"), (2, "update"), (3, "delete")]
    assert history[0]["record"] == original
    assert [v["record"]["birth_date"] for v in history] == ["1984", "1984-03-07", "1984-03-07"]
    # The other record of the call is untouched: still one version, the current one.
    other = client.get(f"{API}/records/{second}/history", headers=svk.headers).json()["items"]
    assert [(v["version"], v["record"]["birth_date"]) for v in other] == [(1, "1990-05")]


def test_stale_version_is_a_conflict(client: TestClient, users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    rec = _post(client, mar, person("Karim Benali"))
    r = client.patch(f"{API}/records/{rec['id']}", json={"sex": "m", "version": 1}, headers=mar.headers)
    assert r.status_code == 200
    r = client.patch(f"{API}/records/{rec['id']}", json={"sex": "f", "version": 1}, headers=mar.headers)
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
    got = client.get(f"{API}/records/{rec['id']}", headers=mar.headers).json()
    assert got["sex"] == "m" and got["version"] == 2


def test_delete_then_404_but_owner_keeps_history(client: TestClient, users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    rec = _post(client, mar, person("Karim Benali"))
    assert client.delete(f"{API}/records/{rec['id']}", headers=mar.headers).status_code == 204
    for user in (mar, users["mar_analyst"], users["svk_analyst"]):
        assert client.get(f"{API}/records/{rec['id']}", headers=user.headers).status_code == 404
        assert rec["id"] not in _search(client, user, q="Benali")
    history = client.get(f"{API}/records/{rec['id']}/history", headers=users["mar_analyst"].headers)
    assert [v["action"] for v in history.json()["items"]] == ["create", "delete"]
    assert client.get(f"{API}/records/{rec['id']}/history", headers=users["gs_reviewer"].headers).status_code == 200
    assert client.get(f"{API}/records/{rec['id']}/history", headers=users["svk_analyst"].headers).status_code == 404
    assert client.delete(f"{API}/records/{rec['id']}", headers=mar.headers).status_code == 404
    assert client.patch(f"{API}/records/{rec['id']}", json={"sex": "m"}, headers=mar.headers).status_code == 404
    r = client.get(f"{API}/records", params={"status": "deleted"}, headers=mar.headers)
    assert r.status_code == 403


def test_only_the_owners_officers_edit(client: TestClient, users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    shared = _post(client, mar, person("Karim Benali"))
    hidden = _post(client, mar, person("Yassine Ouazzani", restriction={"mode": "only", "members": ["MAR"]}))
    svk = users["svk_officer"]
    assert client.patch(f"{API}/records/{shared['id']}", json={"sex": "m"}, headers=svk.headers).status_code == 403
    assert client.delete(f"{API}/records/{shared['id']}", headers=svk.headers).status_code == 403
    assert client.patch(f"{API}/records/{hidden['id']}", json={"sex": "m"}, headers=svk.headers).status_code == 404
    assert client.delete(f"{API}/records/{hidden['id']}", headers=svk.headers).status_code == 404
    for name in ("mar_analyst", "mar_frontline", "mar_admin", "gs_reviewer", "un_analyst"):
        h = users[name].headers
        assert client.patch(f"{API}/records/{shared['id']}", json={"sex": "m"}, headers=h).status_code in (403, 404)
        assert client.post(f"{API}/records", json=person("Omar Lahlou"), headers=h).status_code == 403, name
    assert client.patch(f"{API}/records/{shared['id']}", json={"sex": "m"},
                        headers=users["mar_analyst"].headers).status_code == 403
    # Nobody writes in another member's name.
    r = client.post(f"{API}/records", json=person("Omar Lahlou", owner="SVK"), headers=mar.headers)
    assert r.status_code == 403
    for rec in (shared, hidden):
        assert client.get(f"{API}/records/{rec['id']}", headers=mar.headers).json()["version"] == 1


def test_search_filters(client: TestClient, users: dict[str, User]) -> None:
    mar, are = users["mar_officer"], users["are_officer"]
    karim = _post(client, mar, person("Karim Benali", crime_areas=["terrorism"],
                                      identifiers=[{"type": "passport", "number": "MA 12-34 567"}]))
    yousef = _post(client, mar, person("يوسف الحداد", crime_areas=["drugs"]))
    zayed = _post(client, are, person("Zayed Al Mansouri", crime_areas=["financial_crime"]))
    doc = _post(client, are, {"kind": "travel_document", "number": "ae-7788 99", "country": "ARE",
                              "document_status": "lost"})
    svk = users["svk_analyst"]
    assert set(_search(client, svk)) >= {karim["id"], yousef["id"], zayed["id"], doc["id"]}
    assert set(_search(client, svk, kind="person")) == {karim["id"], yousef["id"], zayed["id"]}
    assert _search(client, svk, kind="travel_document") == [doc["id"]]
    assert _search(client, svk, crime_area="drugs") == [yousef["id"]]
    assert set(_search(client, svk, owner="are")) == {zayed["id"], doc["id"]}
    assert _search(client, svk, owner="SVK") == []
    assert _search(client, svk, q="benali") == [karim["id"]]
    assert _search(client, svk, q="BENA") == [karim["id"]]  # prefix
    assert _search(client, svk, q="karim benali") == [karim["id"]]
    assert _search(client, svk, q="karim zayed") == []  # every word must match
    assert _search(client, svk, q="الحداد") == [yousef["id"]]
    assert _search(client, svk, q="يوسف") == [yousef["id"]]
    assert _search(client, svk, q="Mansouri", kind="person", owner="ARE") == [zayed["id"]]
    assert _search(client, svk, q="Mansouri", crime_area="drugs") == []
    for number in ("MA1234567", "ma 1234567", "MA-12-34-567", "ma12 34 567", "ma123"):
        assert _search(client, svk, q=number) == [karim["id"]], number
    for number in ("AE778899", "ae 7788-99", "AE-778899"):
        assert _search(client, svk, q=number) == [doc["id"]], number
    assert _search(client, svk, status="expired") == []


def test_cursor_pagination_has_no_duplicates_or_gaps(client: TestClient, users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    r = client.post(f"{API}/records/bulk", json={"records": [person(f"Karim Benali {chr(97 + i % 26)}{i}")
                                                               for i in range(23)]}, headers=mar.headers)
    assert r.status_code == 201
    created = set(r.json()["ids"])
    hidden = _post(client, mar, person("Karim Hidden", restriction={"mode": "only", "members": ["MAR"]}))
    for user, expected in ((users["svk_analyst"], created), (users["mar_analyst"], created | {hidden["id"]})):
        seen: list[str] = []
        cursor = None
        pages = 0
        while True:
            params: dict[str, Any] = {"q": "karim", "limit": 5}
            if cursor:
                params["cursor"] = cursor
            page = client.get(f"{API}/records", params=params, headers=user.headers).json()
            seen += [i["id"] for i in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if not cursor:
                break
            assert pages < 20
        assert len(seen) == len(set(seen)) and set(seen) == expected
        assert pages >= len(expected) // 5


def test_expired_records_leave_search_but_keep_history(client: TestClient, engine: Engine,
                                                        users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    old = _post(client, mar, person("Karim Benali", review_due=yesterday))
    fresh = _post(client, mar, person("Karim Bennani"))
    with engine.begin() as conn:
        assert expire_due(conn, SYSTEM, dt.date.today()) == [old["id"]]
    svk = users["svk_analyst"]
    for user in (svk, users["mar_analyst"]):
        assert _search(client, user, q="karim") == [fresh["id"]]
        assert old["id"] not in _search(client, user)
        history = client.get(f"{API}/records/{old['id']}/history", headers=user.headers).json()["items"]
        assert [v["action"] for v in history] == ["create", "expire"]
    assert _search(client, users["mar_analyst"], status="expired") == [old["id"]]
    # Still readable (auditable) by id, marked expired.
    assert client.get(f"{API}/records/{old['id']}", headers=svk.headers).json()["status"] == "expired"
    with engine.begin() as conn:  # running it again changes nothing
        assert expire_due(conn, SYSTEM, dt.date.today()) == []
    # The owner renews it by moving the review date: it is back in search.
    next_year = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    r = client.patch(f"{API}/records/{old['id']}", json={"review_due": next_year}, headers=mar.headers)
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert old["id"] in _search(client, svk, q="karim")


def test_bulk_create_is_searchable(client: TestClient, users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    bodies = [person("Karim Benali"), KINDS["vehicle"], KINDS["firearm"]]
    r = client.post(f"{API}/records/bulk", json={"records": bodies}, headers=mar.headers)
    assert r.status_code == 201 and r.json()["created"] == 3
    assert set(r.json()["ids"]) == set(_search(client, users["svk_analyst"]))
    assert _search(client, users["svk_analyst"], q="glk778812") == [r.json()["ids"][2]]


def test_bulk_body_is_documented_with_resolvable_schemas(client: TestClient) -> None:
    """The bulk body is validated from raw bytes, so its schema is declared by hand: it must still resolve."""
    doc = client.get(f"{API}/openapi.json").json()
    body = doc["paths"][f"{API}/records/bulk"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert body["required"] and schema["required"] == ["records"]
    assert schema["properties"]["records"]["maxItems"] == 10_000
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(schema)))
    assert "PersonData" in refs and refs <= set(doc["components"]["schemas"])


def test_large_bulk_reads_back_like_single_creates(client: TestClient, users: dict[str, User]) -> None:
    """Big batches take the driver's fast path (executemany / COPY): every field must come back as sent."""
    mar, svk = users["mar_officer"], users["svk_analyst"]
    bodies = [person(f"Rachid Ouazzani {i}", birth_date=f"19{50 + i % 40}-0{1 + i % 9}", sex="mf"[i % 2],
                     nationalities=["MAR", "FRA"][: 1 + i % 2], crime_areas=["drugs", "terrorism"][: 1 + i % 2],
                     identifiers=[{"type": "passport", "number": f"MA-{i:05d}", "country": "MAR"}],
                     restriction={"mode": "only", "members": ["SVK", "TUN"]} if i % 3 else {"mode": "all_members"},
                     evaluation={"source": "B", "information": 2}, handling_note="نص عربي" if i % 5 == 0 else None)
              for i in range(60)]
    r = client.post(f"{API}/records/bulk", json={"records": bodies}, headers=mar.headers)
    assert r.status_code == 201, r.text
    ids = r.json()["ids"]
    single = client.post(f"{API}/records", json=bodies[7], headers=mar.headers).json()
    skip = {"id", "created_at", "updated_at"}
    got = client.get(f"{API}/records/{ids[7]}", headers=svk.headers).json()
    assert {k: v for k, v in got.items() if k not in skip} == {k: v for k, v in single.items() if k not in skip}
    for i in (0, 5, 59):
        got = client.get(f"{API}/records/{ids[i]}", headers=svk.headers).json()
        assert got["birth_date"] == bodies[i]["birth_date"] and got["crime_areas"] == sorted(bodies[i]["crime_areas"])
        assert got["restriction"]["mode"] == bodies[i]["restriction"]["mode"] and got["owner"] == "MAR"
        assert got["handling_note"] == bodies[i]["handling_note"]
        assert got["evaluation"] == {"source": "B", "information": 2}
        history = client.get(f"{API}/records/{ids[i]}/history", headers=svk.headers).json()["items"]
        assert [h["record"] for h in history] == [got]
    assert ids[59] in _search(client, svk, q="MA-00059") and ids[59] in _search(client, svk, q="Ouazzani")


def test_search_with_several_name_parts_needs_all_of_them(client: TestClient, users: dict[str, User]) -> None:
    mar, svk = users["mar_officer"], users["svk_analyst"]
    r = client.post(f"{API}/records/bulk", headers=mar.headers, json={"records": [
        person("Hassan Mohamed Tazi"), person("Hassan Idrissi"), person("Mohamed Alaoui"), person("Mohammed Hassani"),
        person("حسن محمد التازي"), person("Hassan Mohamed Tazi", restriction={"mode": "only", "members": ["MAR"]})]})
    tazi, idrissi, alaoui, hassani, arabic, hidden = r.json()["ids"]
    assert set(_search(client, svk, q="hassan mohamed")) == {tazi}  # "mohamed" does not start "mohammed"
    assert set(_search(client, svk, q="Moham Hass")) == {tazi, hassani}  # prefixes of each part
    assert set(_search(client, svk, q="tazi hassan mohamed")) == {tazi}
    assert set(_search(client, svk, q="محمد حسن")) == {arabic}
    assert _search(client, svk, q="idrissi alaoui") == []
    assert set(_search(client, mar, q="hassan tazi")) == {tazi, hidden}  # the owner sees its restricted record


def test_a_write_is_committed_before_the_client_is_answered(engine: Engine, users: dict[str, User]) -> None:
    """If the commit fails, the client must not have been told 201: the answer waits for the commit."""
    from sqlalchemy import event, func, select

    from taawun.api.app import create_app
    from taawun.store.tables import records

    def refuse(conn: Any) -> None:
        raise RuntimeError("disk full (simulated at commit)")

    with TestClient(create_app(engine), raise_server_exceptions=False) as client:
        event.listen(engine, "commit", refuse)
        try:
            r = client.post("/api/v1/records", json=person("Commit Fictive"), headers=users["mar_officer"].headers)
        finally:
            event.remove(engine, "commit", refuse)
    assert r.status_code >= 500, r.text  # not 201 for a record that was never stored
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(records)).scalar_one() == 0
