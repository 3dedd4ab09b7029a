"""`taawun import`: files of records loaded as the importing officer, all or nothing, audited once."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from taawun.access import audit
from taawun.cli import app
from taawun.services import record_import
from taawun.services.screening_index import build_from
from taawun.store.tables import audit_log, changes, records

from .conftest import User, person

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def ndjson(path: Path, bodies: list[dict[str, Any]], extra_lines: tuple[str, ...] = ()) -> Path:
    lines = [json.dumps(b, ensure_ascii=False) for b in bodies] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def count(engine: Engine, table: Any = records) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def imports(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(audit_log).where(audit_log.c.action == "record.import")
                                              .order_by(audit_log.c.seq)).mappings()]


def search(client: TestClient, user: User, q: str) -> list[dict[str, Any]]:
    r = client.get("/api/v1/records", params={"q": q}, headers=user.headers)
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


DOC = {"kind": "travel_document", "number": "MA1234567", "country": "MAR", "document_status": "stolen"}


def test_ndjson_round_trip(db_url: str, engine: Engine, client: TestClient, users: dict[str, User],
                           tmp_path: Path) -> None:
    bodies = [person("يوسف الإدريسي", birth_date="1984-03-02", nationalities=["MAR"], person_status="wanted"),
              person("Salma Ouazzani", identifiers=[{"type": "passport", "number": "ZX998877", "country": "MAR"}]),
              DOC, {"kind": "vehicle", "plate": "12345-A-6", "plate_country": "MAR"}]
    path = ndjson(tmp_path / "mar.ndjson", bodies, ("",))  # a trailing blank line is allowed
    code, out, err = run("import", str(path), "--user", "mar_officer", "--org", "mar", "--db", db_url)
    assert code == 0, err
    assert "imported 4 records from mar.ndjson" in out
    assert "2 person, 1 travel_document, 1 vehicle" in out
    found = search(client, users["mar_analyst"], "Ouazzani")
    assert len(found) == 1
    rec = found[0]
    assert rec["owner"] == "MAR" and rec["created_by"] == users["mar_officer"].actor.user_id
    assert rec["identifiers"] == [{"type": "passport", "number": "ZX998877", "country": "MAR"}]
    assert rec["restriction"] == {"mode": "all_members", "members": [], "regions": [], "partners": []}
    arabic = search(client, users["mar_analyst"], "الإدريسي")
    assert arabic and arabic[0]["birth_date"] == "1984-03-02" and arabic[0]["person_status"] == "wanted"


def test_csv_round_trip_with_conventions(db_url: str, client: TestClient, users: dict[str, User],
                                         tmp_path: Path) -> None:
    path = tmp_path / "are.csv"
    path.write_text(
        "kind,names,birth_date,nationalities,restriction.mode,restriction.members,identifiers,hit_disclosure\n"
        'person,Rashid Al Nuaimi;Rashed Nuaimi,1979,ARE;OMN,only,MAR;ARE,'
        '"[{""type"": ""passport"", ""number"": ""P7766554"", ""country"": ""ARE""}]",silent\n'
        "person,Hamdan Al Ketbi,,,,,,\n",
        encoding="utf-8")
    code, out, err = run("import", str(path), "--user", "are_officer", "--db", db_url)
    assert code == 0, err
    assert "imported 2 records" in out
    rec = search(client, users["are_analyst"], "Nuaimi")[0]
    assert [n["full"] for n in rec["names"]] == ["Rashid Al Nuaimi", "Rashed Nuaimi"]
    assert [n["type"] for n in rec["names"]] == ["primary", "alias"]
    assert rec["nationalities"] == ["ARE", "OMN"] and rec["birth_date"] == "1979"
    assert rec["restriction"]["mode"] == "only" and rec["restriction"]["members"] == ["ARE", "MAR"]
    assert rec["hit_disclosure"] == "silent" and rec["identifiers"][0]["number"] == "P7766554"
    assert search(client, users["mar_analyst"], "Nuaimi")  # MAR is listed
    assert not search(client, users["svk_analyst"], "Nuaimi")  # SVK is not
    assert search(client, users["svk_analyst"], "Ketbi")  # the second row gave no restriction


def test_bad_line_names_file_and_line_and_writes_nothing(db_url: str, engine: Engine, tmp_path: Path) -> None:
    before, audit_before = count(engine), count(engine, audit_log)
    cases = {
        "bad_json.ndjson": ("{not json",),
        "bad_field.ndjson": (json.dumps(person("Karim Benali", birth_date="2150-01-01")),),
        "bad_kind.ndjson": (json.dumps({"kind": "spaceship"}),),
        "other_owner.ndjson": (json.dumps(person("Karim Benali", owner="TUN")),),
    }
    expected = {"bad_json.ndjson": "not JSON", "bad_field.ndjson": "birth_date is in the future",
                "bad_kind.ndjson": "unknown record kind", "other_owner.ndjson": "may not write records owned by TUN"}
    for name, bad in cases.items():
        # Two good lines, then the bad one on line 3.
        path = ndjson(tmp_path / name, [person("Nadia Tazi"), DOC], bad)
        code, _, err = run("import", str(path), "--user", "mar_officer", "--db", db_url)
        assert code == 1
        assert f"{name}:3:" in err and expected[name] in err, err
        assert err.strip().splitlines()[-1].startswith(f"{name}:3: ") and "Traceback" not in err
    # With chunks of 2, two chunks are already written inside the transaction when line 6 is read: they go too.
    path = ndjson(tmp_path / "late.ndjson", [person("Nadia Tazi"), DOC, DOC, DOC, DOC], ("{",))
    with engine.connect() as conn:
        actor = users_actor(conn, "mar_officer")
    try:
        record_import.import_file(engine, actor, path, chunk_size=2)
        raise AssertionError("a bad line must stop the import")
    except record_import.BadLine as exc:
        assert exc.line == 6
    bad_utf8 = tmp_path / "latin1.csv"
    bad_utf8.write_bytes("kind,names\nperson,Jos\xe9\n".encode("latin-1"))
    code, _, err = run("import", str(bad_utf8), "--user", "mar_officer", "--db", db_url)
    assert code == 1 and "latin1.csv:2: not UTF-8" in err, err
    wrong_cells = tmp_path / "cells.csv"
    wrong_cells.write_text("kind,names\nperson,Nadia Tazi,extra\n", encoding="utf-8")
    code, _, err = run("import", str(wrong_cells), "--user", "mar_officer", "--db", db_url)
    assert code == 1 and "cells.csv:2: 3 cells, but the header names 2 columns" in err, err
    assert count(engine) == before
    assert count(engine, audit_log) == audit_before
    assert count(engine, changes) == 0


def users_actor(conn: Any, username: str) -> Any:
    from taawun.services.operator import acting_user

    return acting_user(conn, username)


def test_import_is_audited_once_with_digest_and_its_records(db_url: str, engine: Engine, tmp_path: Path) -> None:
    path = ndjson(tmp_path / "mar.ndjson", [person(f"Person Number{i}") for i in range(30)] + [DOC])
    with engine.connect() as conn:
        actor = users_actor(conn, "mar_officer")
    other = ndjson(tmp_path / "other.ndjson", [person("Omar Lahlou")])
    result = record_import.import_file(engine, actor, path, chunk_size=7)
    record_import.import_file(engine, actor, other)  # a later import by the same officer
    entries = imports(engine)
    assert len(entries) == 2
    detail = entries[0]["detail"]
    assert detail["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest() == result.sha256
    assert detail["count"] == 31 and detail["kinds"] == {"person": 30, "travel_document": 1}
    assert detail["file"] == "mar.ndjson" and entries[0]["username"] == "mar_officer"
    # The entry says how to find exactly this import's records.
    with engine.connect() as conn:
        ids = set(conn.execute(select(records.c.id).where(
            records.c.seq.between(detail["seq_first"], detail["seq_last"]),
            records.c.created_by == detail["created_by"])).scalars())
        named = set(conn.execute(select(records.c.id).where(records.c.seq.between(
            detail["seq_first"], detail["seq_last"]))).scalars())
        assert audit.verify(conn).ok
    assert len(ids) == 31 and ids == named
    assert count(engine, changes) == 32  # every record on the change feed, once


def test_imported_records_hidden_from_whom_they_must_be(db_url: str, engine: Engine, client: TestClient,
                                                        users: dict[str, User], tmp_path: Path) -> None:
    index, _ = build_from(engine)  # a worker's index, current before the import
    path = ndjson(tmp_path / "mar.ndjson", [person("Zakaria Boutaleb", birth_date="1990-01-01"),
                                            person("Mehdi Alaoui", restriction={"mode": "all_members"},
                                                   hit_disclosure="contact_owner")])
    code, _, err = run("import", str(path), "--user", "mar_officer", "--db", db_url, "--restriction", "only",
                       "--region", "MENA", "--hit-disclosure", "silent")
    assert code == 0, err
    assert search(client, users["are_analyst"], "Boutaleb")  # ARE is in MENA
    assert not search(client, users["svk_analyst"], "Boutaleb")  # the default restriction applied
    assert not search(client, users["fra_analyst"], "Boutaleb")
    rec = search(client, users["mar_analyst"], "Boutaleb")[0]
    assert client.get(f"/api/v1/records/{rec['id']}", headers=users["svk_analyst"].headers).status_code == 404
    assert search(client, users["svk_analyst"], "Alaoui")  # its own restriction wins over the default
    # The worker's index follows the change feed: the next screening sees the imported person...
    with engine.connect() as conn:
        assert index.refresh(conn) == 2
    r = client.post("/api/v1/screen/person", json={"names": ["Zakaria Boutaleb"], "birth_date": "1990-01-01"},
                    headers=users["are_analyst"].headers)
    assert r.status_code == 200, r.text
    assert r.json()["result"] == "hit"


def test_exit_codes_and_refusals(db_url: str, engine: Engine, tmp_path: Path) -> None:
    path = ndjson(tmp_path / "mar.ndjson", [person("Nadia Tazi")])
    for args, message in [
        (("--user", "nobody"), "no user named 'nobody'"),
        (("--user", "mar_officer", "--org", "TUN"), "belongs to MAR, not TUN"),
        (("--user", "mar_analyst"), "may not write records owned by MAR"),
        (("--user", "mar_officer", "--hit-disclosure", "loud"), "hit disclosure 'loud' is not one of"),
        (("--user", "mar_officer", "--restriction", "only"), "mode only needs at least one"),
        (("--user", "mar_officer", "--format", "xml"), "--format must be ndjson or csv"),
    ]:
        code, _, err = run("import", str(path), *args, "--db", db_url)
        assert code == 1 and message.lower() in err.lower(), (args, err)
        assert "Traceback" not in err
    code, _, err = run("import", str(tmp_path / "missing.ndjson"), "--user", "mar_officer", "--db", db_url)
    assert code == 1 and "missing.ndjson" in err
    empty = ndjson(tmp_path / "empty.ndjson", [])
    code, _, err = run("import", str(empty), "--user", "mar_officer", "--db", db_url)
    assert code == 1 and "holds no records" in err
    assert count(engine) == 0
