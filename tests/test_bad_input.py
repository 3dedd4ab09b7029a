"""Bad input: every refusal is a 4xx problem+json with a sentence, and nothing is written."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text

from taawun.access import identity
from taawun.api.app import create_app
from taawun.store import accounts
from taawun.store.db import make_engine
from taawun.store.tables import audit_log, record_versions, records
from tests.conftest import PG_ADMIN_URL, USERS, User, _pg_admin, _pg_url, person

API = "/api/v1"


# Refused input writes nothing, so the tests here share one database (a fresh one per module) to stay fast;
# the tests that do write only compare counts before and after.
@pytest.fixture(scope="module")
def engine(template_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if PG_ADMIN_URL:
        name = f"t_bad_{uuid.uuid4().hex[:12]}"
        with _pg_admin().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"'))
        shared = make_engine(_pg_url(name))
        yield shared
        shared.dispose()
        with _pg_admin().connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        return
    path = tmp_path_factory.mktemp("bad_input") / "taawun.db"
    shutil.copy(template_db, path)
    shared = make_engine(f"sqlite:///{path}")
    yield shared
    shared.dispose()


@pytest.fixture(scope="module")
def users(engine: Engine) -> dict[str, User]:
    out = {}
    with engine.begin() as conn:
        for username, org, role in USERS:
            row = accounts.user_by_username(conn, username)
            assert row is not None
            actor = identity.actor_for(conn, row)
            out[username] = User(username, org, role, identity.issue_token(conn, actor).token, actor)
    return out


@pytest.fixture(scope="module")
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine)) as test_client:
        yield test_client


def _state(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(records)).scalar_one(),
            conn.execute(select(func.count()).select_from(record_versions)).scalar_one(),
            conn.execute(select(func.count()).select_from(audit_log)
                         .where(audit_log.c.action.in_(["record.create", "record.update"]))).scalar_one(),
        )


@pytest.fixture
def unchanged(engine: Engine) -> Iterator[None]:
    """Fails the test if it wrote any record, version or record audit entry."""
    before = _state(engine)
    yield
    assert _state(engine) == before


def _assert_problem(r: Any, statuses: tuple[int, ...] = (422,), *, errors: bool = True) -> dict[str, Any]:
    assert r.status_code in statuses, (r.status_code, r.text[:500])
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == r.status_code and body["type"] and body["title"]
    assert isinstance(body["detail"], str) and body["detail"].strip()
    if errors:
        assert body["errors"], body
        for err in body["errors"]:
            assert set(err) == {"field", "message"} and err["message"]
            assert "function-after" not in err["field"]  # the client's own field names, not pydantic's
    return body  # type: ignore[no-any-return]


def _names(full: str) -> dict[str, object]:
    return person(names=[{"full": full}])


BAD_RECORDS: list[tuple[str, Any, str]] = [
    ("unknown kind", {"kind": "spaceship", "names": [{"full": "Karim Benali"}]}, "kind"),
    ("no kind", {"names": [{"full": "Karim Benali"}]}, "kind"),
    ("link through /records", {"kind": "link", "link_type": "used"}, "kind"),
    ("kind wrong type", {"kind": 7}, "kind"),
    ("names not a list", person(names="Karim Benali"), "names"),
    ("no names", person(names=[]), "names"),
    ("name wrong type", person(names=[{"full": 42}]), "names.0.full"),
    ("unknown field", person(favourite_colour="blue"), "favourite_colour"),
    ("unknown crime area", person(crime_areas=["piracy"]), "crime_areas.0"),
    ("unknown sex", person(sex="x"), "sex"),
    ("unknown handling", person(handling="H9"), "handling"),
    ("H3 without note", person(handling="H3"), "body"),
    ("unknown restriction mode", person(restriction={"mode": "friends"}), "restriction.mode"),
    ("only with nobody", person(restriction={"mode": "only"}), "restriction"),
    ("unknown member", person(restriction={"mode": "only", "members": ["XXX"]}), "restriction.members.0"),
    ("unknown region", person(restriction={"mode": "only", "regions": ["ATLANTIS"]}), "restriction"),
    ("unknown partner", person(restriction={"mode": "only", "partners": ["NATO2"]}), "restriction"),
    ("invalid date", person(birth_date="2023-02-30"), "birth_date"),
    ("month 13", person(birth_date="1990-13"), "birth_date"),
    ("date words", person(birth_date="last tuesday"), "birth_date"),
    ("future birth", person(birth_date="2190-01-01"), "body"),
    ("invalid review date", person(review_due="2023-02-30"), "review_due"),
    ("unknown country", person(nationalities=["XYZ"]), "nationalities.0"),
    ("alpha-2 country", person(nationalities=["MA"]), "nationalities.0"),
    ("unknown owner", person(owner="NOWHERE"), "body"),
    ("evaluation out of range", person(evaluation={"source": "A", "information": 9}), "evaluation.information"),
    ("10 MB name", _names("Benali" * 1_750_000), "names.0.full"),
    ("10 MB description", person(description="x" * 10_000_000), "description"),
    ("NUL in name", _names("Karim\x00Benali"), "names.0.full"),
    ("control character", _names("Karim\x07Benali"), "names.0.full"),
    ("escape sequence", _names("Karim \x1b[31mBenali"), "names.0.full"),
    ("lone combining mark", _names("\u0301"), "names.0.full"),
    ("leading combining mark", _names("\u0651يوسف"), "names.0.full"),
    ("only RTL marks", _names("\u200f\u200e\u202b\u202c"), "names.0.full"),
    ("only zero-width joiners", _names("\u200d\u200c\u200d"), "names.0.full"),
    ("only spaces", _names("   \t "), "names.0.full"),
    ("lone surrogate", _names("Karim \ud800"), "names.0.full"),
    ("private use", _names("Karim \ue000"), "names.0.full"),
    ("NUL in script", person(names=[{"full": "Karim Benali", "script": "La\x00n"}]), "names.0.script"),
    ("NUL in passport", person(identifiers=[{"type": "passport", "number": "AB\x00123"}]), "identifiers.0.number"),
    ("document without status", {"kind": "travel_document", "number": "AB123", "country": "MAR"}, "document_status"),
    ("document bad country", {"kind": "travel_document", "number": "AB123", "country": "ZZZ",
                              "document_status": "stolen"}, "country"),
    ("vehicle without ids", {"kind": "vehicle", "make": "Dacia"}, "body"),
    ("case without summary", {"kind": "case"}, "summary"),
    ("firearm serial too long", {"kind": "firearm", "serial": "9" * 500}, "serial"),
    ("body is a list", [person()], "body"),
    ("body is a string", "Karim Benali", "body"),
]


@pytest.mark.parametrize(("body", "field"), [(b, f) for _, b, f in BAD_RECORDS], ids=[i for i, _, _ in BAD_RECORDS])
def test_bad_record_is_refused_and_nothing_written(client: TestClient, users: dict[str, User], unchanged: None,
                                                    body: Any, field: str) -> None:
    headers = {**users["mar_officer"].headers, "Content-Type": "application/json"}
    r = client.post(f"{API}/records", content=json.dumps(body), headers=headers)  # escapes lone surrogates
    problem = _assert_problem(r)
    fields = [e["field"] for e in problem["errors"]]
    assert any(f == field or f.startswith(field + ".") for f in fields), fields
    assert len(r.content) < 20_000  # the error does not echo a huge input back


@pytest.mark.parametrize("raw", [b"{", b"{'kind': 'person'}", b"\xff\xfe\x00", b"[1,2", b"null", b"",
                                 b'{"kind": "person", "names": [{"full": "Karim"}]} trailing'])
def test_malformed_json(client: TestClient, users: dict[str, User], unchanged: None, raw: bytes) -> None:
    headers = {**users["mar_officer"].headers, "Content-Type": "application/json"}
    r = client.post(f"{API}/records", content=raw, headers=headers)
    _assert_problem(r, (400, 422))


def test_wrong_content_type(client: TestClient, users: dict[str, User], unchanged: None) -> None:
    headers = {**users["mar_officer"].headers, "Content-Type": "text/plain"}
    r = client.post(f"{API}/records", content=b'{"kind": "person"}', headers=headers)
    _assert_problem(r, (400, 415, 422), errors=False)


def test_invisible_characters_are_cleaned_not_stored(client: TestClient, users: dict[str, User]) -> None:
    """Bidi marks and zero-width spaces left by copy-paste vanish, so the name is found as typed."""
    body = _names("\u200fيوسف\u200b الحداد\u200e")
    r = client.post(f"{API}/records", json=body, headers=users["mar_officer"].headers)
    assert r.status_code == 201, r.text
    assert r.json()["names"][0]["full"] == "يوسف الحداد"
    r = client.get(f"{API}/records", params={"q": "الحداد"}, headers=users["svk_analyst"].headers)
    assert len(r.json()["items"]) == 1


@pytest.mark.parametrize(("params", "field"), [
    ({"kind": "spaceship"}, "kind"), ({"crime_area": "piracy"}, "crime_area"), ({"status": "lost"}, "status"),
    ({"limit": 0}, "limit"), ({"limit": 100_000}, "limit"), ({"limit": "ten"}, "limit"),
    ({"cursor": "abc"}, "cursor"), ({"cursor": "-5"}, "cursor"), ({"q": "x" * 400}, "q"), ({"q": "!!! ..."}, "q"),
    ({"owner": "M\x00R"}, "owner"), ({"owner": "'; DROP TABLE records; --"}, "owner"),
])
def test_bad_search_parameters(client: TestClient, users: dict[str, User], params: dict[str, Any],
                               field: str) -> None:
    r = client.get(f"{API}/records", params=params, headers=users["mar_analyst"].headers)
    problem = _assert_problem(r)
    assert problem["errors"][0]["field"] == field


@pytest.mark.parametrize("record_id", ["not-a-uuid", "%00", "1 OR 1=1", "../../etc/passwd", "x" * 300,
                                       "' OR ''='"])
def test_bad_ids_are_not_found(client: TestClient, users: dict[str, User], record_id: str) -> None:
    h = users["mar_officer"].headers
    for method, path in (("GET", f"/records/{record_id}"), ("GET", f"/records/{record_id}/history"),
                         ("GET", f"/records/{record_id}/links"), ("PATCH", f"/records/{record_id}"),
                         ("DELETE", f"/records/{record_id}"), ("GET", f"/links/{record_id}")):
        r = client.request(method, API + path, headers=h, json={"sex": "m"} if method == "PATCH" else None)
        _assert_problem(r, (404,), errors=False)


def test_bad_audit_parameters(client: TestClient, users: dict[str, User]) -> None:
    h = users["mar_admin"].headers
    for params in ({"limit": 0}, {"limit": 5000}, {"cursor": 0}, {"cursor": "x"}, {"action": "a\x00b"},
                   {"action": "x" * 40}):
        _assert_problem(client.get(f"{API}/audit", params=params, headers=h))


def test_bulk_with_one_bad_record_writes_none(client: TestClient, users: dict[str, User], unchanged: None) -> None:
    good = [person(f"Karim Benali {n}") for n in ("Amine", "Said", "Driss")]
    bodies: list[list[Any]] = [
        [*good, person(birth_date="2023-02-30")],   # refused by validation
        [*good, {"kind": "spaceship"}],              # unknown kind
        [*good, person(owner="SVK")],               # refused by the gate: not Morocco's to write
        [*good, {"kind": "travel_document", "number": "ZT1", "country": "MAR", "document_status": "lost",
                 "holder_id": "6c1d7a5e-0000-4000-8000-000000000000"}],  # refers to no record
    ]
    for records_body in bodies:
        r = client.post(f"{API}/records/bulk", json={"records": records_body}, headers=users["mar_officer"].headers)
        body = _assert_problem(r, (403, 422), errors=r.status_code == 422)
        if r.status_code == 422:
            assert any(e["field"].startswith("records.3") for e in body["errors"]) or "reference" in r.text


def test_bulk_limits(client: TestClient, users: dict[str, User], unchanged: None) -> None:
    h = users["mar_officer"].headers
    _assert_problem(client.post(f"{API}/records/bulk", json={"records": []}, headers=h))
    r = client.post(f"{API}/records/bulk", json={"records": [person("Karim Benali")] * 10_001}, headers=h)
    problem = _assert_problem(r, (413, 422))
    assert "10000" in problem["detail"].replace(",", "")


def test_bulk_all_good_is_written(client: TestClient, engine: Engine, users: dict[str, User]) -> None:
    before = _state(engine)
    r = client.post(f"{API}/records/bulk", json={"records": [person(f"Karim Benali {i}") for i in "abc"]},
                    headers=users["mar_officer"].headers)
    assert r.status_code == 201 and r.json()["created"] == 3
    # Three records and versions; one audit entry for the call, naming all three.
    assert _state(engine) == (before[0] + 3, before[1] + 3, before[2] + 1)


BAD_PATCHES: list[tuple[str, Any, tuple[int, ...]]] = [
    ("invalid date", {"birth_date": "2023-02-30"}, (422,)),
    ("unknown enum", {"sex": "robot"}, (422,)),
    ("unknown field", {"shoe_size": 44}, (422,)),
    ("NUL name", {"names": [{"full": "Karim\x00"}]}, (422,)),
    ("empty names", {"names": []}, (422,)),
    ("remove required names", {"names": None}, (422,)),
    ("change kind", {"kind": "vehicle"}, (422,)),
    ("change owner", {"owner": "SVK"}, (422,)),
    ("set status", {"status": "deleted"}, (422,)),
    ("bad restriction", {"restriction": {"mode": "only"}}, (422,)),
    ("restriction wrong type", {"restriction": "everyone"}, (422,)),
    ("version wrong type", {"version": "one", "sex": "m"}, (422,)),
    ("version boolean", {"version": True, "sex": "m"}, (422,)),
    ("empty patch", {}, (422,)),
    ("list body", [{"sex": "m"}], (422,)),
    ("10 MB description", {"description": "y" * 10_000_000}, (422,)),
]


@pytest.mark.parametrize(("patch", "statuses"), [(p, s) for _, p, s in BAD_PATCHES], ids=[i for i, _, _ in BAD_PATCHES])
def test_patch_with_bad_data_leaves_record_unchanged(client: TestClient, engine: Engine, users: dict[str, User],
                                                     patch: Any, statuses: tuple[int, ...]) -> None:
    h = users["mar_officer"].headers
    created = client.post(f"{API}/records", json=person("Karim Benali", birth_date="1980"), headers=h).json()
    before = _state(engine)
    r = client.patch(f"{API}/records/{created['id']}", json=patch, headers=h)
    _assert_problem(r, statuses)
    after = client.get(f"{API}/records/{created['id']}", headers=h).json()
    assert after == created
    assert _state(engine) == before


def test_patch_malformed_json(client: TestClient, users: dict[str, User]) -> None:
    h = users["mar_officer"].headers
    created = client.post(f"{API}/records", json=person("Karim Benali"), headers=h).json()
    r = client.patch(f"{API}/records/{created['id']}", content=b'{"sex": ',
                     headers={**h, "Content-Type": "application/json"})
    _assert_problem(r, (400,))
    assert client.get(f"{API}/records/{created['id']}", headers=h).json()["version"] == 1


@pytest.mark.parametrize("body", [
    {"username": "new_user", "role": "emperor", "password": "long-enough-password"},
    {"username": "bad name!", "role": "analyst", "password": "long-enough-password"},
    {"username": "a\x00b", "role": "analyst", "password": "long-enough-password"},
    {"username": "short_pw", "role": "analyst", "password": "short"},
    {"username": "new_user", "role": "reviewer", "password": "long-enough-password"},
    {"username": "mar_officer", "role": "analyst", "password": "long-enough-password"},
    {"username": "new_user", "role": "analyst", "password": "long-enough-password", "language": "xx"},
])
def test_bad_user_creation(client: TestClient, users: dict[str, User], body: dict[str, Any]) -> None:
    r = client.post(f"{API}/users", json=body, headers=users["mar_admin"].headers)
    _assert_problem(r)


def test_bad_link_bodies(client: TestClient, users: dict[str, User], unchanged: None) -> None:
    h = users["mar_officer"].headers
    same = "6c1d7a5e-0000-4000-8000-000000000001"
    for body in ({"kind": "link", "link_type": "friend_of", "source_id": same, "target_id": same},
                 {"kind": "link", "link_type": "used", "source_id": same, "target_id": same},
                 {"kind": "link", "link_type": "used", "source_id": "nope", "target_id": same},
                 {"kind": "link", "link_type": "used"}):
        _assert_problem(client.post(f"{API}/links", json=body, headers=h))
