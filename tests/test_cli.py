"""The operator's command line, run in-process with Typer's CliRunner on the test database."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text
from typer.testing import CliRunner

from taawun.access import identity
from taawun.access.actor import SYSTEM, Actor
from taawun.api.app import create_app
from taawun.cli import app
from taawun.domain.enums import Role
from taawun.services import records as record_service
from taawun.store import accounts
from taawun.store.db import make_engine
from taawun.store.tables import audit_log, records

from .conftest import PASSWORD, person

runner = CliRunner()


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def assert_one_sentence(stderr: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr


def test_init_twice_is_harmless(db_url: str, tmp_path: Path) -> None:
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    for url in (db_url, fresh, fresh):
        code, out, err = run("init", "--db", url)
        assert code == 0, err
        assert "database ready" in out
    code, out, _ = run("audit", "verify", "--db", fresh)
    assert code == 0 and out.startswith("audit log intact")


def test_database_from_environment(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAAWUN_DB", db_url)
    code, out, _ = run("user", "list", "--org", "MAR")
    assert code == 0
    assert "mar_officer" in out


def test_user_add_then_login_through_the_api(db_url: str) -> None:
    code, out, err = run("user", "add", "--db", db_url, "--org", "mar", "--role", "analyst", "--username", "karima",
                         "--password-stdin", input="a-long-enough-password\n")
    assert code == 0, err
    assert "karima" in out
    code, out, _ = run("user", "list", "--db", db_url, "--org", "MAR")
    assert "karima" in out and "analyst" in out
    engine = make_engine(db_url)
    try:
        with TestClient(create_app(engine)) as client:
            bad = client.post("/api/v1/auth/token", data={"username": "karima", "password": "wrong-password-1"})
            assert bad.status_code == 401
            good = client.post("/api/v1/auth/token", data={"username": "karima", "password": "a-long-enough-password"})
            assert good.status_code == 200, good.text
            me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {good.json()['access_token']}"})
            assert me.json()["org"] == "MAR" and me.json()["role"] == "analyst"
    finally:
        engine.dispose()


def test_user_add_with_prompt(db_url: str) -> None:
    code, _, err = run("user", "add", "--db", db_url, "--org", "SVK", "--role", "officer", "--username", "jana",
                       input="prompted-password-1\nprompted-password-1\n")
    assert code == 0, err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--org", "XYZ", "--role", "officer", "--username", "u1"], "unknown organisation"),
        (["--org", "MAR", "--role", "chief", "--username", "u2"], "unknown role"),
        (["--org", "MAR", "--role", "reviewer", "--username", "u3"], "general secretariat"),
        (["--org", "MAR", "--role", "officer", "--username", "mar_officer"], "taken"),
        (["--org", "MAR", "--role", "officer", "--username", "bad name!"], "username"),
    ],
)
def test_user_add_errors(db_url: str, args: list[str], words: str) -> None:
    code, _, err = run("user", "add", "--db", db_url, *args, "--password-stdin", input="a-long-enough-password\n")
    assert code != 0
    assert_one_sentence(err)
    assert words in err.lower()


def test_short_password_and_empty_stdin(db_url: str) -> None:
    code, _, err = run("user", "add", "--db", db_url, "--org", "MAR", "--role", "officer", "--username", "x1",
                       "--password-stdin", input="short\n")
    assert code != 0 and "at least" in err
    code, _, err = run("user", "add", "--db", db_url, "--org", "MAR", "--role", "officer", "--username", "x1",
                       "--password-stdin", input="")
    assert code != 0
    assert_one_sentence(err)


def test_user_list_unknown_org(db_url: str) -> None:
    code, _, err = run("user", "list", "--db", db_url, "--org", "NOPE")
    assert code != 0
    assert_one_sentence(err)


@pytest.mark.parametrize(
    "url",
    [
        "nonsense",
        "mysqlx://someone@host/db",
        "postgresql://nobody@127.0.0.1:1/nothing",
        "sqlite:////nonexistent-dir/sub/taawun.db",
    ],
)
def test_bad_database_urls(url: str) -> None:
    for args in (["init"], ["audit", "verify"], ["user", "list", "--org", "MAR"]):
        code, _, err = run(*args, "--db", url)
        assert code != 0
        assert_one_sentence(err)


def test_database_without_schema(tmp_path: Path) -> None:
    code, _, err = run("audit", "verify", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert code != 0
    assert "taawun init" in err
    assert_one_sentence(err)


def test_token_create_and_revoke(db_url: str) -> None:
    code, out, err = run("token", "create", "--db", db_url, "--username", "svk_analyst", "--hours", "2",
                         "--label", "nightly import")
    assert code == 0, err
    token = out.strip()
    assert token.startswith("tw_") and "\n" not in token
    token_id = err.split("token id ", 1)[1].split()[0]
    engine = make_engine(db_url)
    try:
        with TestClient(create_app(engine)) as client:
            headers = {"Authorization": f"Bearer {token}"}
            assert client.get("/api/v1/me", headers=headers).json()["username"] == "svk_analyst"
            code, out, err = run("token", "revoke", "--db", db_url, token_id)
            assert code == 0, err
            assert client.get("/api/v1/me", headers=headers).status_code == 401
    finally:
        engine.dispose()
    code, _, err = run("token", "revoke", "--db", db_url, token_id)
    assert code != 0 and "already" in err
    code, _, err = run("token", "revoke", "--db", db_url, "no-such-token")
    assert code != 0
    assert_one_sentence(err)
    code, _, err = run("token", "create", "--db", db_url, "--username", "nobody-here")
    assert code != 0
    assert_one_sentence(err)


# --- audit chain ------------------------------------------------------------------------------------


def _unlock_audit(engine: Engine) -> None:
    """What an attacker with database access does first: remove the append-only triggers."""
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        else:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))


def _entries(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())


def test_audit_verify_on_fresh_database(db_url: str, engine: Engine) -> None:
    code, out, _ = run("audit", "verify", "--db", db_url)
    assert code == 0
    assert out.startswith(f"audit log intact: {_entries(engine)} entries, head ")


def test_audit_verify_detects_a_changed_entry(db_url: str, engine: Engine) -> None:
    assert _entries(engine) > 5
    _unlock_audit(engine)
    with engine.begin() as conn:
        conn.execute(audit_log.update().where(audit_log.c.seq == 3).values(detail={"username": "someone-else"}))
    code, _, err = run("audit", "verify", "--db", db_url)
    assert code == 1
    assert "audit log BROKEN at entry 3" in err and "changed" in err


def test_audit_verify_detects_a_deleted_entry(db_url: str, engine: Engine) -> None:
    _unlock_audit(engine)
    with engine.begin() as conn:
        conn.execute(audit_log.delete().where(audit_log.c.seq == 4))
    code, _, err = run("audit", "verify", "--db", db_url)
    assert code == 1
    assert "audit log BROKEN at entry 4" in err and "missing" in err


def test_audit_verify_detects_a_swapped_pair(db_url: str, engine: Engine) -> None:
    _unlock_audit(engine)
    columns = [c.name for c in audit_log.c if c.name != "seq"]
    with engine.begin() as conn:
        rows = {r["seq"]: dict(r) for r in conn.execute(select(audit_log).where(audit_log.c.seq.in_([5, 6])))
                .mappings()}
        for seq, other in ((5, 6), (6, 5)):
            conn.execute(audit_log.update().where(audit_log.c.seq == seq)
                         .values({c: rows[other][c] for c in columns}))
    code, _, err = run("audit", "verify", "--db", db_url)
    assert code == 1
    assert "audit log BROKEN at entry 5" in err


# --- expiry -------------------------------------------------------------------------------------------


def _officer(engine: Engine, username: str = "mar_officer") -> Actor:
    with engine.begin() as conn:
        user = accounts.user_by_username(conn, username)
        assert user is not None
        return identity.actor_for(conn, user)


def _count_records(engine: Engine, status: str | None = None) -> int:
    query = select(func.count()).select_from(records)
    if status:
        query = query.where(records.c.status == status)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def test_expire(db_url: str, engine: Engine) -> None:
    actor = _officer(engine)
    with engine.begin() as conn:
        record_service.bulk_create(conn, actor, [
            record_service.parse_record(person("Yassine Ouali", review_due="2030-01-01")),
            record_service.parse_record(person("Nadia Rahmani")),
        ])
    code, out, _ = run("expire", "--db", db_url)
    assert code == 0 and out.startswith("0 record(s) expired")
    code, out, _ = run("expire", "--db", db_url, "--today", "2030-06-01")
    assert code == 0 and out.startswith("1 record(s) expired")
    assert _count_records(engine, "expired") == 1
    code, _, err = run("expire", "--db", db_url, "--today", "June")
    assert code != 0
    assert_one_sentence(err)


# --- backup and restore -------------------------------------------------------------------------------


def test_backup_change_restore(db_url: str, engine: Engine, tmp_path: Path) -> None:
    if engine.dialect.name != "sqlite" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed")
    actor = _officer(engine)
    with engine.begin() as conn:
        kept = record_service.create(conn, actor, record_service.parse_record(person("Omar Haddad")))
    before = _count_records(engine)
    file = tmp_path / "taawun.backup"
    code, out, err = run("backup", str(file), "--db", db_url)
    assert code == 0, err
    assert "backup written" in out
    meta = json.loads((tmp_path / "taawun.backup.meta.json").read_text())
    assert meta["counts"]["records"] == before and meta["audit_intact"]

    # Change things after the backup: a new record, a deleted one, a new user.
    with engine.begin() as conn:
        record_service.create(conn, actor, record_service.parse_record(person("Later Record")))
        record_service.delete(conn, actor, kept.id)
        identity.add_user(conn, SYSTEM, username="late_user", org_code="MAR", role=Role.ANALYST, password=PASSWORD)
    assert _count_records(engine) == before + 1

    code, out, err = run("restore", str(file), "--db", db_url)
    assert code == 0, err + out
    assert out.startswith("restore verified:")
    check = make_engine(db_url)
    try:
        assert _count_records(check) == before
        assert _count_records(check, "deleted") == 0
        with check.connect() as conn:
            assert accounts.user_by_username(conn, "late_user") is None
    finally:
        check.dispose()
    code, out, _ = run("audit", "verify", "--db", db_url)
    assert code == 0, out


def test_restore_refuses_damaged_or_missing_files(db_url: str, engine: Engine, tmp_path: Path) -> None:
    code, _, err = run("restore", str(tmp_path / "missing.backup"), "--db", db_url)
    assert code != 0 and "no backup file" in err
    assert_one_sentence(err)
    if engine.dialect.name != "sqlite" and not shutil.which("pg_dump"):
        return
    file = tmp_path / "b.backup"
    assert run("backup", str(file), "--db", db_url)[0] == 0
    data = bytearray(file.read_bytes())
    data[-10] ^= 0xFF
    file.write_bytes(bytes(data))
    code, _, err = run("restore", str(file), "--db", db_url)
    assert code != 0 and "damaged" in err
    (tmp_path / "b.backup.meta.json").unlink()
    code, _, err = run("restore", str(file), "--db", db_url)
    assert code != 0 and "meta.json" in err
    assert_one_sentence(err)


def test_backup_into_missing_folder(db_url: str, tmp_path: Path) -> None:
    code, _, err = run("backup", str(tmp_path / "no" / "such" / "x.backup"), "--db", db_url)
    assert code != 0
    assert_one_sentence(err)


# --- serve ----------------------------------------------------------------------------------------------


def test_serve_initialises_loads_the_demo_and_starts_uvicorn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from taawun.services import demo as demo_service

    calls: list[tuple[tuple[object, ...], dict[str, object]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setattr(demo_service, "DEFAULT_PERSONS", 30)
    monkeypatch.setenv("TAAWUN_DB", "sqlite:///elsewhere.db")  # restored after the test
    url = f"sqlite:///{tmp_path / 'served.db'}"
    code, out, err = run("serve", "--db", url, "--port", "8123", "--workers", "2", "--demo")
    assert code == 0, err
    assert "demo world loaded" in out and "mar.officer" in out
    (target,), options = calls[0]
    assert target == "taawun.api.app:create_app"
    assert options == {"factory": True, "host": "127.0.0.1", "port": 8123, "workers": 2}
    import os

    assert os.environ["TAAWUN_DB"] == url  # what each worker's create_app() reads

    code, out, _ = run("serve", "--db", url, "--demo")  # second start: logins again, nothing loaded
    assert code == 0 and "mar.officer" in out and "demo world loaded" not in out


def test_serve_demo_never_mixes_into_real_data(db_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    monkeypatch.setenv("TAAWUN_DB", db_url)
    actor = _officer(engine)
    with engine.begin() as conn:
        record_service.create(conn, actor, record_service.parse_record(person("Real Record")))
    code, out, err = run("serve", "--db", db_url, "--demo")
    assert code == 0
    assert "not loaded" in err and "mar.officer" not in out
    assert _count_records(engine) == 1


def test_audit_verify_does_not_wait_for_a_writer(db_url: str, engine: Engine) -> None:
    """A running server holds write transactions; a read-only walk of the chain must not queue behind them."""
    with engine.begin() as conn:
        conn.execute(select(func.count()).select_from(audit_log))  # this transaction holds SQLite's write lock
        code, out, _ = run("audit", "verify", "--db", db_url)
    assert code == 0 and "intact" in out
