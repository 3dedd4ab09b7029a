"""Consistent backups and verified restores, for the embedded SQLite database and for PostgreSQL.

A backup is only as good as the proof that it comes back whole, so every backup FILE gets a sidecar
FILE.meta.json with the file's SHA-256, the row counts and the audit chain's length and head hash,
all taken from the same consistent snapshot as the backup itself. A restore checks the file against
its sidecar first, restores, then walks the audit chain of the restored database and compares.

* SQLite: the sqlite3 online backup API, which copies a consistent snapshot while the server runs.
* PostgreSQL: pg_dump -Fc / pg_restore --clean --if-exists. The counts are read in a REPEATABLE READ
  transaction whose snapshot pg_dump shares (--snapshot), so they describe exactly what is dumped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, func, select, text
from sqlalchemy.engine import URL

from taawun.access import audit
from taawun.access.actor import SYSTEM
from taawun.domain.errors import InvalidInput
from taawun.store.tables import audit_log, record_versions, records, tokens, users

FORMAT = 1
COUNTED = {"records": records, "record_versions": record_versions, "users": users, "tokens": tokens,
           "audit_log": audit_log}


@dataclass(frozen=True)
class RestoreReport:
    ok: bool
    problems: list[str]
    expected: dict[str, Any]
    found: dict[str, Any]


def meta_path(file: Path) -> Path:
    return file.with_name(file.name + ".meta.json")


def sha256_of(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def summary(conn: Connection) -> dict[str, Any]:
    """What a backup must bring back: row counts and the audit chain's state."""
    counts = {name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
              for name, table in COUNTED.items()}
    chain = audit.verify(conn)
    return {"counts": counts, "audit_intact": chain.ok, "audit_entries": chain.entries, "audit_head": chain.head_hash,
            "audit_problem": chain.problem}


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise InvalidInput("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def libpq_url(url: URL) -> tuple[str, dict[str, str]]:
    """The SQLAlchemy URL as libpq wants it (no '+psycopg'), with the password in the environment
    rather than on a command line that every local user can read."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise InvalidInput("%(tool)s is not installed; install the PostgreSQL client tools to back up or restore "
                           "a PostgreSQL database", tool=name)
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).strip().splitlines() if line.strip()]
        detail = lines[-1] if lines else f"exit status {done.returncode}"
        raise InvalidInput("%(tool)s failed: %(reason)s", tool=Path(command[0]).name, reason=detail)


@contextmanager
def _partial(file: Path) -> Iterator[Path]:
    """Write to FILE.partial and move it into place only once complete, so a failed backup leaves no
    file that looks like a good one."""
    tmp = file.with_name(file.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        tmp.replace(file)
    finally:
        tmp.unlink(missing_ok=True)


def backup(engine: Engine, file: Path) -> dict[str, Any]:
    """Write a consistent backup to ``file`` and its sidecar; returns the sidecar's content."""
    if file.is_dir():
        raise InvalidInput("%(file)s is a directory; give the backup a file name", file=file)
    if not file.parent.exists():
        raise InvalidInput("the folder %(folder)s does not exist", folder=file.parent)
    with _partial(file) as tmp:
        if engine.dialect.name == "sqlite":
            source = _sqlite_path(engine)
            if not source.exists():
                raise InvalidInput("there is no database file at %(file)s", file=source)
            with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(tmp)) as dst:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            reader = create_engine(f"sqlite:///{tmp}")
            try:
                with reader.connect() as conn:
                    state = summary(conn)
            finally:
                reader.dispose()
        else:
            pg_dump = _tool("pg_dump")
            url, env = libpq_url(engine.url)
            with engine.connect() as conn:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                    state = summary(conn)
                    _run([pg_dump, "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(tmp), "-d", url], env)
    meta = {"format": FORMAT, "dialect": engine.dialect.name, "created_at": audit.utcnow().isoformat(),
            "file": file.name, "sha256": sha256_of(file), **state}
    meta_path(file).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    with engine.begin() as conn:
        audit.record(conn, SYSTEM, "db.backup", None, file=file.name, sha256=meta["sha256"],
                     audit_entries=meta["audit_entries"])
    return meta


def read_meta(file: Path) -> dict[str, Any]:
    if not file.is_file():
        raise InvalidInput("there is no backup file at %(file)s", file=file)
    sidecar = meta_path(file)
    if not sidecar.is_file():
        raise InvalidInput("%(file)s is missing beside the backup, so a restore could not be verified",
                           file=sidecar.name)
    try:
        meta: dict[str, Any] = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InvalidInput("%(file)s is not a readable backup description", file=sidecar.name) from None
    if meta.get("format") != FORMAT or "counts" not in meta:
        raise InvalidInput("%(file)s is not a backup description this version understands", file=sidecar.name)
    return meta


def restore(engine: Engine, file: Path) -> RestoreReport:
    """Replace the database's content with the backup, then verify it against the sidecar."""
    meta = read_meta(file)
    if meta.get("dialect") != engine.dialect.name:
        raise InvalidInput("%(file)s is a %(dialect)s backup and cannot be restored into a %(target)s database",
                           file=file.name, dialect=meta.get("dialect"), target=engine.dialect.name)
    if sha256_of(file) != meta.get("sha256"):
        raise InvalidInput("%(file)s does not match the checksum recorded at backup time; it is damaged",
                           file=file.name)
    if engine.dialect.name == "sqlite":
        target = _sqlite_path(engine)
        engine.dispose()
        with closing(sqlite3.connect(file)) as src, closing(sqlite3.connect(target, timeout=30)) as dst:
            src.backup(dst)
    else:
        pg_restore = _tool("pg_restore")
        url, env = libpq_url(engine.url)
        engine.dispose()
        _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
              "-d", url, str(file)], env)
    with engine.connect() as conn:
        found = summary(conn)
    problems = []
    if not found["audit_intact"]:
        problems.append(f"the restored audit log is broken: {found['audit_problem']}")
    for key in ("audit_entries", "audit_head"):
        if found[key] != meta[key]:
            problems.append(f"{key.replace('_', ' ')} is {found[key]}, the backup recorded {meta[key]}")
    for name, count in meta["counts"].items():
        if found["counts"].get(name) != count:
            problems.append(f"{name} has {found['counts'].get(name)} rows, the backup recorded {count}")
    report = RestoreReport(not problems, problems, meta, found)
    with engine.begin() as conn:
        audit.record(conn, SYSTEM, "db.restore", None, file=file.name, sha256=meta["sha256"], verified=report.ok,
                     backup_created_at=meta.get("created_at"))
    return report

