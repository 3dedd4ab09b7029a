"""Shared fixtures: a fresh database per test (SQLite file copy, or a PostgreSQL database cloned from a
template when TAAWUN_TEST_PG is set), an API client, and ready users of several organisations."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from taawun.access import identity
from taawun.access.actor import SYSTEM, Actor
from taawun.api.app import create_app
from taawun.domain.enums import Role
from taawun.services.accounts import init_database
from taawun.store import accounts
from taawun.store.db import make_engine

PG_ADMIN_URL = os.environ.get("TAAWUN_TEST_PG")  # e.g. postgresql+psycopg://taawun@127.0.0.1:5433/postgres
PASSWORD = "correct-horse-battery"

# (username, org, role)
USERS = [
    ("mar_officer", "MAR", Role.OFFICER),
    ("mar_analyst", "MAR", Role.ANALYST),
    ("mar_frontline", "MAR", Role.FRONTLINE),
    ("mar_admin", "MAR", Role.ADMIN),
    ("svk_officer", "SVK", Role.OFFICER),
    ("svk_analyst", "SVK", Role.ANALYST),
    ("are_officer", "ARE", Role.OFFICER),
    ("are_analyst", "ARE", Role.ANALYST),
    ("bhr_analyst", "BHR", Role.ANALYST),
    ("fra_analyst", "FRA", Role.ANALYST),
    ("gs_reviewer", "GS", Role.REVIEWER),
    ("gs_admin", "GS", Role.ADMIN),
    ("un_analyst", "UN", Role.ANALYST),
    ("osce_analyst", "OSCE", Role.ANALYST),
]


def _pg_url(database: str) -> str:
    assert PG_ADMIN_URL
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database


def _pg_admin() -> Engine:
    return create_engine(PG_ADMIN_URL or "", isolation_level="AUTOCOMMIT")


def _populate(engine: Engine) -> None:
    init_database(engine)
    with engine.begin() as conn:
        for username, org, role in USERS:
            identity.add_user(conn, SYSTEM, username=username, org_code=org, role=role, password=PASSWORD)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    if PG_ADMIN_URL:
        name = f"taawun_tpl_{os.getpid()}"
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = make_engine(_pg_url(name))
        _populate(engine)
        engine.dispose()
        return name
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    _populate(engine)
    engine.dispose()
    with sqlite3.connect(path) as raw:  # fold the WAL into the main file so a plain copy is complete
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return str(path)


@pytest.fixture
def db_url(template_db: str, tmp_path: Path) -> Iterator[str]:
    if PG_ADMIN_URL:
        name = f"t_{uuid.uuid4().hex[:12]}"
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"'))
        yield _pg_url(name)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        return
    path = tmp_path / "taawun.db"
    shutil.copy(template_db, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@dataclass
class User:
    username: str
    org: str
    role: Role
    token: str
    actor: Actor

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def users(engine: Engine) -> dict[str, User]:
    """Every test user with a fresh token (issued directly: logging in is tested on its own)."""
    out = {}
    with engine.begin() as conn:
        for username, org, role in USERS:
            user = accounts.user_by_username(conn, username)
            assert user is not None
            actor = identity.actor_for(conn, user)
            out[username] = User(username, org, role, identity.issue_token(conn, actor).token, actor)
    return out


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine)) as test_client:
        yield test_client


def person(name: str = "Karim Benali", **extra: object) -> dict[str, object]:
    """A fictitious person record body."""
    body: dict[str, object] = {"kind": "person", "names": [{"full": name}], "crime_areas": ["terrorism"]}
    body.update(extra)
    return body


# --- real server processes on the test database (screening workers, group commit, browser tests) ---
REPO_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn_server(factory: str, db_url: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start uvicorn on ``factory`` (module:function) against the test database; returns it and its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"], env={**os.environ, "TAAWUN_DB": db_url}, cwd=REPO_ROOT)
    return proc, f"http://127.0.0.1:{port}"


def wait_until_serving(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180  # a loaded 2-core CI machine can take a minute to import the app
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            raise RuntimeError(f"server at {url} did not start")
        time.sleep(0.2)


@pytest.fixture
def workers(db_url: str, users: dict[str, User]) -> Iterator[list[str]]:
    started = [spawn_server("taawun.api.app:create_app", db_url) for _ in range(2)]
    try:
        for proc, url in started:
            wait_until_serving(url, proc)
        yield [url for _, url in started]
    finally:
        for proc, _ in started:
            proc.terminate()
        for proc, _ in started:
            proc.wait(timeout=20)
