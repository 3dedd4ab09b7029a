"""The audit log: every access leaves an entry, the chain verifies, and tampering is detected and located."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, delete, select, text, update
from sqlalchemy.exc import DatabaseError

from taawun.access import audit
from taawun.access.actor import SYSTEM
from taawun.store.tables import audit_log, hits, notifications
from tests.conftest import PASSWORD, User, person
from tests.test_screening import WANTED

API = "/api/v1"


def _entries(engine: Engine, after: int = 0) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(audit_log).where(audit_log.c.seq > after)
                                              .order_by(audit_log.c.seq)).mappings()]


def _head(engine: Engine) -> int:
    entries = _entries(engine)
    return entries[-1]["seq"] if entries else 0


def _one_new(engine: Engine, after: int, action: str) -> dict[str, Any]:
    new = [e for e in _entries(engine, after) if e["action"] == action]
    assert len(new) == 1, (action, [e["action"] for e in _entries(engine, after)])
    return new[0]


def test_every_access_is_audited(client: TestClient, engine: Engine, users: dict[str, User]) -> None:
    mar, svk = users["mar_officer"], users["svk_analyst"]

    def step(action: str, user: User, method: str, path: str, **kw: Any) -> tuple[Any, dict[str, Any]]:
        before = _head(engine)
        r = client.request(method, API + path, headers=user.headers, **kw)
        assert r.status_code < 300, (path, r.text)
        entry = _one_new(engine, before, action)
        assert entry["user_id"] == user.actor.user_id and entry["org_code"] == user.org
        assert entry["username"] == user.username and entry["at"] is not None
        return r, entry

    r, entry = step("record.create", mar, "POST", "/records", json=person("Karim Benali"))
    rid = r.json()["id"]
    assert entry["target_id"] == rid and entry["detail"]["kind"] == "person"
    _, entry = step("record.read", svk, "GET", f"/records/{rid}")
    assert entry["target_id"] == rid
    _, entry = step("record.search", svk, "GET", "/records", params={"q": "Benali"})
    assert entry["detail"]["returned"] == [rid] and entry["detail"]["filter"]["terms"] == ["benali"]
    _, entry = step("record.update", mar, "PATCH", f"/records/{rid}", json={"sex": "m"})
    assert entry["target_id"] == rid and entry["detail"]["version"] == 2
    step("record.history", svk, "GET", f"/records/{rid}/history")
    step("record.links", svk, "GET", f"/records/{rid}/links")
    _, entry = step("record.export", svk, "GET", "/export")
    assert entry["detail"]["exported"] == [rid]
    step("audit.read", users["mar_admin"], "GET", "/audit")
    step("record.create", mar, "POST", "/records/bulk", json={"records": [person("Omar Lahlou")]})
    step("auth.token_issued", mar, "POST", "/auth/tokens", json={"label": "script"})
    step("record.delete", mar, "DELETE", f"/records/{rid}")
    # Logging in, and failing to, are audited too (the failure without a user, who is not yet known).
    before = _head(engine)
    assert client.post(f"{API}/auth/token", data={"username": "fra_analyst", "password": PASSWORD}).status_code == 200
    assert _one_new(engine, before, "auth.login")["username"] == "fra_analyst"
    before = _head(engine)
    assert client.post(f"{API}/auth/token", data={"username": "fra_analyst", "password": "nope-nope-nope"}
                       ).status_code == 401
    failed = _one_new(engine, before, "auth.login_failed")
    assert failed["user_id"] is None and failed["detail"]["username"] == "fra_analyst"
    with engine.connect() as conn:
        assert audit.verify(conn).ok


def test_bulk_call_is_one_audit_entry_naming_every_record(client: TestClient, engine: Engine,
                                                          users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    before = _head(engine)
    r = client.post(f"{API}/records/bulk", headers=mar.headers, json={"records": [
        person(f"Omar Lahlou {n}") for n in ("Amine", "Said", "Driss", "Hamid")]})
    assert r.status_code == 201, r.text
    entry = _one_new(engine, before, "record.create")
    assert entry["org_code"] == "MAR" and entry["user_id"] == mar.actor.user_id and entry["target_id"] is None
    assert entry["detail"]["ids"] == r.json()["ids"] and entry["detail"]["count"] == 4
    assert entry["detail"]["kinds"] == {"person": 4}
    with engine.connect() as conn:
        assert audit.verify(conn).ok


def test_refused_bulk_call_leaves_no_audit_entry(client: TestClient, engine: Engine, users: dict[str, User]) -> None:
    before = _head(engine)
    r = client.post(f"{API}/records/bulk", headers=users["mar_officer"].headers, json={"records": [
        person("Omar Lahlou"), person("Karim Benali"), person("Said Tazi", owner="SVK")]})  # not MAR's to write
    assert r.status_code == 403, r.text
    r = client.post(f"{API}/records/bulk", headers=users["mar_officer"].headers, json={"records": [
        person("Omar Lahlou"), person("Karim Benali", birth_date="2023-02-30")]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith("records.1")
    assert [e["action"] for e in _entries(engine, before)] == []


def test_audit_trail_shows_own_organisation_only(client: TestClient, engine: Engine, users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    rid = client.post(f"{API}/records", json=person("Karim Benali"), headers=mar.headers).json()["id"]
    client.get(f"{API}/records/{rid}", headers=users["svk_analyst"].headers)
    for name, org in (("mar_admin", "MAR"), ("svk_officer", "SVK"), ("un_analyst", "UN")):
        items = client.get(f"{API}/audit", params={"limit": 1000}, headers=users[name].headers).json()["items"]
        assert items and {i["org"] for i in items} == {org}, name
    gs = client.get(f"{API}/audit", params={"limit": 1000}, headers=users["gs_admin"].headers).json()["items"]
    assert {"MAR", "SVK", "GS", "UN"} <= {i["org"] for i in gs}
    assert client.get(f"{API}/audit", headers=users["mar_frontline"].headers).status_code == 403


def test_audit_trail_pages_backwards(client: TestClient, users: dict[str, User]) -> None:
    h = users["gs_admin"].headers
    first = client.get(f"{API}/audit", params={"limit": 3}, headers=h).json()
    seqs = [i["seq"] for i in first["items"]]
    assert seqs == sorted(seqs, reverse=True) and first["next_cursor"] == seqs[-1]
    second = client.get(f"{API}/audit", params={"limit": 3, "cursor": first["next_cursor"]}, headers=h).json()
    assert max(i["seq"] for i in second["items"]) < seqs[-1]


def _with_history(client: TestClient, users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    for name in ("Karim Benali", "يوسف الحداد", "Omar Lahlou"):
        rid = client.post(f"{API}/records", json=person(name), headers=mar.headers).json()["id"]
        client.get(f"{API}/records/{rid}", headers=users["svk_analyst"].headers)


def _drop_append_only(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("DROP TRIGGER audit_log_no_change ON audit_log"))
    else:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))


def test_verify_passes_on_a_normal_database(client: TestClient, engine: Engine, users: dict[str, User]) -> None:
    _with_history(client, users)
    with engine.connect() as conn:
        result = audit.verify(conn)
    entries = _entries(engine)
    assert result.ok and result.problem is None
    assert result.entries == len(entries) > 20 and result.head_hash == entries[-1]["hash"]


def test_database_refuses_to_change_or_delete_audit_entries(engine: Engine) -> None:
    target = _entries(engine)[3]["seq"]
    for statement in (update(audit_log).where(audit_log.c.seq == target).values(username="someone_else"),
                      delete(audit_log).where(audit_log.c.seq == target), delete(audit_log)):
        with pytest.raises(DatabaseError), engine.begin() as conn:
            conn.execute(statement)
    with engine.connect() as conn:
        assert audit.verify(conn).ok
    if engine.dialect.name == "postgresql":
        with pytest.raises(DatabaseError), engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_log"))


@pytest.mark.parametrize("tamper", ["change_detail", "change_user", "delete_middle", "delete_last_but_one",
                                    "swap", "reorder_seq"])
def test_verify_detects_tampering_and_names_the_entry(client: TestClient, engine: Engine, users: dict[str, User],
                                                      tamper: str) -> None:
    _with_history(client, users)
    entries = _entries(engine)
    victim = entries[len(entries) // 2]
    seq = victim["seq"]
    with engine.begin() as conn:
        _drop_append_only(conn)
        if tamper == "change_detail":
            conn.execute(update(audit_log).where(audit_log.c.seq == seq).values(detail={"returned": []}))
        elif tamper == "change_user":
            conn.execute(update(audit_log).where(audit_log.c.seq == seq).values(username="nobody"))
        elif tamper.startswith("delete"):
            seq = seq if tamper == "delete_middle" else entries[-2]["seq"]
            conn.execute(delete(audit_log).where(audit_log.c.seq == seq))
        elif tamper == "swap":  # exchange the contents of two neighbours, keeping their sequence numbers
            other = entries[len(entries) // 2 + 1]
            for row, into in ((victim, other["seq"]), (other, seq)):
                values = {k: v for k, v in row.items() if k != "seq"}
                conn.execute(update(audit_log).where(audit_log.c.seq == into).values(**values))
        else:  # move an entry to the end of the chain
            conn.execute(update(audit_log).where(audit_log.c.seq == seq).values(seq=entries[-1]["seq"] + 1))
    with engine.connect() as conn:
        result = audit.verify(conn)
    assert not result.ok
    assert result.seq == seq, (result.problem, seq)
    assert result.problem and str(seq) in result.problem
    # Appending more entries after the break does not hide it.
    with engine.begin() as conn:
        audit.record(conn, SYSTEM, "test.after_tamper")
    with engine.connect() as conn:
        assert audit.verify(conn).seq == seq


def test_verify_detects_recomputed_hash_with_wrong_link(engine: Engine) -> None:
    """Rewriting an entry and its own hash is still caught: the next entry points at the old hash."""
    entries = _entries(engine)
    victim = dict(entries[2])
    victim["username"] = "forger"
    victim["hash"] = audit.entry_hash(victim)
    with engine.begin() as conn:
        _drop_append_only(conn)
        conn.execute(update(audit_log).where(audit_log.c.seq == victim["seq"])
                     .values(username="forger", hash=victim["hash"]))
    with engine.connect() as conn:
        result = audit.verify(conn)
    assert not result.ok and result.seq == victim["seq"] + 1


def test_concurrent_screenings_from_two_processes_leave_a_valid_chain(workers: list[str], db_url: str,
                                                                      engine: Engine,
                                                                      users: dict[str, User]) -> None:
    """Two server processes, each grouping its concurrent screenings into shared transactions, append to one
    chain: every screening has its one entry, every hit its one notification, and `taawun audit verify` passes."""
    mar, svk = users["mar_officer"], users["svk_officer"]
    r = httpx.post(f"{workers[0]}/api/v1/records", json=WANTED, headers=mar.headers, timeout=120)
    assert r.status_code == 201
    bodies = [("person", {"names": ["Youssef El Haddad"], "birth_date": "1984-07-12"}),
              ("person", {"names": ["Camille Fictive"], "birth_date": "1990-01-01"}),
              ("document", {"number": "TK4481203", "country": "MAR"}),
              ("document", {"number": "ZZ0000001", "country": "FRA"})]
    answers: list[dict[str, Any]] = []
    failures: list[str] = []

    def client(i: int) -> None:
        with httpx.Client(timeout=120) as http:
            for j in range(6):
                kind, body = bodies[(i + j) % len(bodies)]
                resp = http.post(f"{workers[(i + j) % 2]}/api/v1/screen/{kind}", json=body, headers=svk.headers)
                if resp.status_code != 200:
                    failures.append(resp.text)
                else:
                    answers.append(resp.json())

    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures and len(answers) == 96
    assert sum(a["result"] == "hit" for a in answers) == 48  # the listed name and passport always hit
    entries = [e for e in _entries(engine) if e["action"].startswith("screen.")]
    assert sorted(e["target_id"] for e in entries) == sorted(a["screening_id"] for a in answers)
    with engine.connect() as conn:
        hit_ids = set(conn.execute(select(hits.c.id)).scalars())
        noted = list(conn.execute(select(notifications.c.hit_id).where(notifications.c.type == "hit")).scalars())
    answered_hits = {h["hit_id"] for a in answers for h in a["hits"]}
    assert answered_hits == hit_ids and sorted(noted) == sorted(hit_ids)  # each hit notified exactly once
    verify = subprocess.run([sys.executable, "-m", "taawun.cli", "audit", "verify"], capture_output=True, text=True,
                            env={**os.environ, "TAAWUN_DB": db_url}, timeout=300)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_a_passenger_lists_many_entries_written_at_once_keep_a_valid_chain(engine: Engine) -> None:
    # Hundreds of entries in one append go as one bulk write (COPY on PostgreSQL): each is stored as
    # hashed, details with characters COPY escapes included, and the chain verifies.
    events = [audit.AuditEvent("screen.person", f"scr-{i}", {"location": "gate\t3\\north\n" if i % 2 else "عمّان",
                                                             "hits": [f"h{i}"], "candidates": i})
              for i in range(300)]
    with engine.begin() as conn:
        last = audit.append(conn, None, events)
    with engine.connect() as conn:
        result = audit.verify(conn)
        stored = conn.execute(select(audit_log.c.detail).where(audit_log.c.target_id == "scr-1")).scalar_one()
    assert result.ok, result.problem
    assert result.entries >= 300 and last >= 300
    assert stored == {"location": "gate\t3\\north\n", "hits": ["h1"], "candidates": 1}
