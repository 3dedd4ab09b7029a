"""The operator's command line: set up, demo, serve, users, tokens, audit, backup, restore, expiry.

Every command takes the database from ``--db URL`` or the TAAWUN_DB environment variable (default: the
SQLite file taawun.db in the current directory). A user's mistake (an unreachable database, an unknown
organisation, a missing file) ends with one sentence on stderr and a non-zero exit status, never a
traceback: operators script these commands, and a sentence is what they can act on.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import Engine, create_engine, inspect
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from taawun import compiled
from taawun.access import audit
from taawun.access.actor import SYSTEM
from taawun.access.records import expire_due
from taawun.domain.errors import TaawunError
from taawun.services import backup as backups
from taawun.services import demo as demo_service
from taawun.services import operator
from taawun.services.accounts import init_database
from taawun.store.db import database_url, make_engine

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Taawun: shared criminal information under each owner's control.")
user_app = typer.Typer(no_args_is_help=True, help="Manage user accounts.")
token_app = typer.Typer(no_args_is_help=True, help="Issue and revoke API tokens.")
audit_app = typer.Typer(no_args_is_help=True, help="Check the audit log.")
index_app = typer.Typer(no_args_is_help=True, help="The screening index that every server worker holds.")
notices_app = typer.Typer(no_args_is_help=True, help="Notice jobs.")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(notices_app, name="notices")
app.add_typer(index_app, name="index")

Db = Annotated[str | None, typer.Option("--db", help="Database URL (default: $TAAWUN_DB, else sqlite:///taawun.db).")]


def fail(message: str) -> None:
    """One sentence on stderr, exit status 1."""
    message = " ".join(message.split())
    if not message.endswith((".", "!", "?")):
        message += "."
    typer.echo(message[0].upper() + message[1:], err=True)
    raise typer.Exit(1)


def _safe_url(url: str) -> str:
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _db_error(exc: DBAPIError) -> str:
    original = str(exc.orig or exc).strip().splitlines()
    return original[0] if original else type(exc).__name__


@contextmanager
def _errors(url: str) -> Iterator[None]:
    """Turn what a user can cause into a sentence; anything else is a bug and keeps its traceback."""
    try:
        yield
    except TaawunError as exc:
        fail(exc.detail)
    except (ArgumentError, NoSuchModuleError):
        fail(f"{_safe_url(url)!r} is not a database URL Taawun understands; use sqlite:///FILE or "
             "postgresql://USER@HOST:PORT/DATABASE")
    except DBAPIError as exc:
        if exc.connection_invalidated or "connect" in str(exc.orig).lower() or "unable to open" in str(exc.orig):
            fail(f"cannot reach the database at {_safe_url(url)}: {_db_error(exc)}")
        fail(f"the database at {_safe_url(url)} refused the operation: {_db_error(exc)}")
    except SQLAlchemyError as exc:
        fail(f"database error at {_safe_url(url)}: {str(exc).splitlines()[0]}")
    except BrokenPipeError:  # the reader went away (e.g. `| head`): nothing left to say
        raise typer.Exit(1) from None
    except OSError as exc:
        fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))


@contextmanager
def _engine(db: str | None, *, need_schema: bool = True) -> Iterator[Engine]:
    url = database_url(db)
    with _errors(url):
        engine = make_engine(url)
        try:
            if need_schema and not _has_schema(engine):
                fail(f"the database at {_safe_url(url)} has no Taawun schema yet; run `taawun init` first")
            yield engine
        finally:
            engine.dispose()


@contextmanager
def _reader(engine: Engine) -> Iterator[Engine]:
    """An engine for long reads. Taawun's SQLite engine starts every transaction with BEGIN IMMEDIATE
    (the write lock, which requests need); a read-only walk over a long audit log must not hold it and
    stall a running server, so on SQLite it reads through a plain engine instead (WAL lets it)."""
    if engine.dialect.name != "sqlite":
        yield engine
        return
    reader = create_engine(engine.url, connect_args={"timeout": 30})
    try:
        yield reader
    finally:
        reader.dispose()


def _has_schema(engine: Engine) -> bool:
    with _reader(engine) as reader:
        return inspect(reader).has_table("audit_log")


def _table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        typer.echo("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _print_logins(logins: Sequence[demo_service.DemoLogin]) -> None:
    typer.echo(f"Demo logins (password for all: {demo_service.DEMO_PASSWORD} -- demo only, never in production):")
    _table([(x.username, x.password, x.org, x.role) for x in logins], ("username", "password", "org", "role"))


# --- set-up ---------------------------------------------------------------------------------------


@app.command()
def init(db: Db = None) -> None:
    """Create or upgrade the schema and load the reference data (harmless to run again)."""
    with _engine(db, need_schema=False) as engine:
        init_database(engine)
        typer.echo(f"database ready: {engine.url.render_as_string(hide_password=True)}")


def _load_demo(engine: Engine, persons: int, seed: int) -> None:
    result = demo_service.load(engine, persons, seed)
    if result.loaded:
        counts = ", ".join(f"{n} {kind}" for kind, n in result.counts.items())
        typer.echo(f"demo world loaded (seed {seed}): {counts}")
    else:
        typer.echo("demo world already loaded; nothing changed")
    _print_logins(result.logins)


@app.command()
def demo(db: Db = None,
         persons: Annotated[int, typer.Option(min=1, max=200_000, help="How many fictitious persons.")] = 3000,
         seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same world.")] =
         demo_service.DEFAULT_SEED) -> None:
    """Load the fictitious demo world (once) and print its logins."""
    with _engine(db, need_schema=False) as engine:
        _load_demo(engine, persons, seed)


@app.command()
def serve(db: Db = None,
          host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
          workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
          demo: Annotated[bool, typer.Option("--demo", help="Load the demo world first if it is not there.")] = False,
          ) -> None:
    """Run the web server (REST API) on the database, initialising it if needed."""
    import uvicorn

    url = database_url(db)
    with _engine(url, need_schema=False) as engine:
        init_database(engine)
        if demo:
            with engine.connect() as conn:
                loaded, holds_data = demo_service.demo_loaded(conn), demo_service.has_records(conn)
            if loaded:
                _print_logins(demo_service.demo_logins())
            elif holds_data:  # a real database: never mix invented people into it
                typer.echo("the database already holds records, so the demo world is not loaded into it", err=True)
            else:
                _load_demo(engine, demo_service.DEFAULT_PERSONS, demo_service.DEFAULT_SEED)
    os.environ["TAAWUN_DB"] = url  # each worker builds its own app and engine from it
    typer.echo(f"serving {_safe_url(url)} on http://{host}:{port} with {workers} worker(s), "
               f"name engine {compiled.engine()}", err=True)
    uvicorn.run("taawun.api.app:create_app", factory=True, host=host, port=port, workers=workers)


# --- users and tokens -----------------------------------------------------------------------------


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            fail("no password was given on standard input")
        return line
    typed: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return typed


@user_app.command("add")
def user_add(username: Annotated[str, typer.Option(help="Login name: letters, digits, '.', '-', '_'.")],
             org: Annotated[str, typer.Option(help="Organisation code: MAR, GS, UN, ...")],
             role: Annotated[str, typer.Option(help="frontline, analyst, officer, reviewer or admin.")],
             password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                          help="Read the password from standard input.")] = False,
             db: Db = None) -> None:
    """Create a user; the password is asked twice, or read from standard input."""
    with _engine(db) as engine:
        with engine.begin() as conn:  # check what can be checked before asking for the password
            operator.parse_org(conn, org)
            operator.parse_role(role)
        password = _read_password(password_stdin)
        with engine.begin() as conn:
            operator.add_user(conn, org=org, role=role, username=username, password=password)
    typer.echo(f"user {username} created ({org.upper()}, {role.lower()})")


@user_app.command("list")
def user_list(org: Annotated[str, typer.Option(help="Organisation code: MAR, GS, UN, ...")], db: Db = None) -> None:
    """List an organisation's users."""
    with _engine(db) as engine, engine.begin() as conn:
        rows = operator.list_users(conn, org)
    if not rows:
        typer.echo(f"no users in {org.upper()}")
        return
    _table([(u["username"], u["role"], "active" if u["active"] else "disabled", str(u["created_at"])[:19])
            for u in rows], ("username", "role", "status", "created"))


@token_app.command("create")
def token_create(username: Annotated[str, typer.Option(help="Whose token.")],
                 hours: Annotated[float, typer.Option(min=0.01, max=366 * 24, help="Lifetime in hours.")] = 12,
                 label: Annotated[str | None, typer.Option(help="What the token is for.")] = None,
                 db: Db = None) -> None:
    """Issue a bearer token for a user and print it once (only its hash is kept)."""
    with _engine(db) as engine, engine.begin() as conn:
        issued = operator.issue_token_for(conn, username, hours, label)
    typer.echo(issued.token)
    typer.echo(f"token id {issued.token_id} for {username}, expires {issued.expires_at.isoformat()}; "
               "it is shown only this once", err=True)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[str, typer.Argument(help="The token's id (not the token itself).")],
                 db: Db = None) -> None:
    """Revoke a token by its id."""
    with _engine(db) as engine, engine.begin() as conn:
        operator.revoke_token(conn, token_id)
    typer.echo(f"token {token_id} revoked")


# --- importing records -----------------------------------------------------------------------------


@app.command("import")
def import_records(
    file: Annotated[Path, typer.Argument(help="NDJSON (one record per line) or CSV (header row) file, UTF-8.")],
    user: Annotated[str, typer.Option("--user", help="The importing officer: the records are created as this user "
                                                     "and owned by their organisation.")],
    org: Annotated[str | None, typer.Option("--org", help="The officer's organisation, as a check.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="ndjson or csv (default: from the file name).")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="CSV: the kind of rows without a kind column.")] = None,
    restriction: Annotated[str | None, typer.Option(
        help="Default restriction mode for records that give none: all_members, only or all_except.")] = None,
    member: Annotated[list[str] | None, typer.Option("--member", help="Default restriction member (repeat).")] = None,
    region: Annotated[list[str] | None, typer.Option("--region", help="Default restriction region (repeat).")] = None,
    partner: Annotated[list[str] | None, typer.Option("--partner", help="Default restriction partner; repeatable.")
                       ] = None,
    hit_disclosure: Annotated[str | None, typer.Option(
        help="Default hit disclosure for records that give none: contact_owner or silent.")] = None,
    db: Db = None,
) -> None:
    """Import a file of records, checked like the bulk API, as one transaction.

    Each line (NDJSON) or row (CSV) is one record shaped like an element of POST /records/bulk's
    "records". If any line is refused, the command stops with FILE:LINE and the reason and nothing
    of the file is written (earlier lines included): fix the file and run it again. On SQLite the
    database is locked for other writers while the import runs. The import is audited once (file
    digest, count, how to find its records), and screening workers index its records on their
    next refresh after it commits."""
    from taawun.services import record_import

    if fmt is not None and fmt not in ("ndjson", "csv"):
        fail(f"--format must be ndjson or csv, not {fmt!r}")
    with _engine(db) as engine:
        url = str(engine.url)
        with _errors(url):
            defaults = record_import.defaults_from(restriction, member or [], region or [], partner or [],
                                                   hit_disclosure)
            with engine.begin() as conn:
                actor = operator.acting_user(conn, user, org)
            size = file.stat().st_size
            with typer.progressbar(length=size, label=f"importing {file.name}", file=sys.stderr) as bar:
                done = 0

                def progress(position: int) -> None:
                    nonlocal done
                    bar.update(position - done)
                    done = position

                try:
                    result = record_import.import_file(engine, actor, file, fmt=fmt, kind=kind, defaults=defaults,
                                                       progress=progress)
                except record_import.BadLine as exc:  # FILE:LINE: reason, as compilers say it (not capitalised)
                    bar.render_finish()
                    typer.echo(exc.detail, err=True)
                    raise typer.Exit(1) from None
    kinds = ", ".join(f"{n} {k}" for k, n in result.kinds.items())
    typer.echo(f"imported {result.count} records from {result.file} ({kinds}) as {actor.username} "
               f"({actor.org_code}) in {result.seconds:.1f} s ({result.count / max(result.seconds, 1e-9):,.0f}/s); "
               f"sha256 {result.sha256}")


# --- screening index ------------------------------------------------------------------------------


@index_app.command("snapshot")
def index_snapshot(directory: Annotated[Path, typer.Option("--dir", help="Directory to write the snapshot to.")],
                   db: Db = None) -> None:
    """Build the screening index from the database and save it, so that workers started with
    TAAWUN_INDEX_DIR=DIR load it instead of reading every record (changes made since are caught up)."""
    import time

    from taawun.services.screening_index import build_from

    with _engine(db) as engine:
        started = time.perf_counter()
        index, count = build_from(engine)
        built = time.perf_counter() - started
        index.finalize()
        index.save(directory)
    total = time.perf_counter() - started
    typer.echo(f"index snapshot written to {directory}: {count} records read, {len(index.persons)} persons, "
               f"{len(index.documents)} document holders, up to change {index.seq}; "
               f"built in {built:.1f} s, prepared and saved in {total - built:.1f} s")


# --- screening -----------------------------------------------------------------------------------


def _verdict(result: dict[str, Any]) -> str:
    words = {"hit": "HIT", "possible_hit": "POSSIBLE HIT", "no_hit": "NO HIT"}
    lines = [words[result["result"]]]
    for hit in result["hits"]:
        if hit["disclosure"] == "full":
            names = " / ".join(n["full"] for n in hit.get("names", [])) or hit.get("number", "")
            lines.append(f"  {hit['score']:.2f}  {names}  owner {hit['owner']}  action {hit['action']}  "
                         f"record {hit['record_id']}  hit {hit['hit_id']}")
        else:
            lines.append(f"  possible hit: contact NCB {hit['owner']} (hit {hit['hit_id']})")
    return "\n".join(lines)


@app.command()
def screen(
    token: Annotated[str, typer.Option(envvar="TAAWUN_TOKEN", help="Your API token (or $TAAWUN_TOKEN).")],
    name: Annotated[list[str] | None, typer.Option("--name", help="A name, any script; repeatable.")] = None,
    birth_date: Annotated[str | None, typer.Option(help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    nationality: Annotated[list[str] | None, typer.Option("--nationality", help="ISO alpha-3; repeatable.")] = None,
    sex: Annotated[str | None, typer.Option(help="m, f or u.")] = None,
    document: Annotated[str | None, typer.Option(help="Document number.")] = None,
    country: Annotated[str | None, typer.Option(help="Document's issuing country (alpha-3).")] = None,
    location: Annotated[str | None, typer.Option(help="Where you are (terminal, border post).")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="A passenger list (CSV, UTF-8) to screen.")] = None,
    output: Annotated[Path | None, typer.Option(help="Write the list's results here as JSON lines.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full JSON answer.")] = False,
    db: Db = None,
) -> None:
    """Screen one traveller, or a passenger list with --file, as the user whose token you give."""
    import json

    from pydantic import ValidationError

    from taawun.access.identity import authenticate
    from taawun.domain.models import TravellerQuery
    from taawun.services import screening as screening_service
    from taawun.services.passenger_list import decode, parse_csv
    from taawun.services.records import validation_errors
    from taawun.services.screening_index import load_or_build

    with _engine(db) as engine:
        with engine.begin() as conn:
            actor, _ = authenticate(conn, token)
        if file is None:
            body: dict[str, Any] = {"names": name or [], "nationalities": nationality or []}
            for key, value in (("birth_date", birth_date), ("sex", sex), ("location", location)):
                if value:
                    body[key] = value
            if document:
                body["documents"] = [{"number": document, "country": country}]
            try:
                traveller = TravellerQuery.model_validate(body)
            except ValidationError as exc:
                first = validation_errors(exc)[0]
                fail(f"{first['field']}: {first['message']}")
                return
            index = load_or_build(engine)
            result = screening_service.screen_traveller(engine, actor, index, traveller)
            typer.echo(json.dumps(result, ensure_ascii=False, default=str, indent=1) if as_json else _verdict(result))
            return
        try:
            raw = file.read_bytes()
        except OSError as exc:
            fail(f"cannot read {file}: {exc.strerror}")
            return
        travellers = parse_csv(decode(raw))
        index = load_or_build(engine)
        out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        counts = {"hit": 0, "possible_hit": 0, "no_hit": 0}
        try:
            with typer.progressbar(length=len(travellers), label="screening", file=sys.stderr) as bar:
                for start in range(0, len(travellers), 50):
                    chunk = travellers[start:start + 50]
                    for result in screening_service.screen_batch(engine, actor, index, chunk):
                        counts[result["result"]] += 1
                        out.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")
                    bar.update(len(chunk))
        finally:
            if output:
                out.close()
    typer.echo(f"{len(travellers)} travellers: {counts['hit']} hit, {counts['possible_hit']} possible hit, "
               f"{counts['no_hit']} no hit", err=True)


# --- audit, expiry, backup ------------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify(db: Db = None) -> None:
    """Walk the hash chain of the audit log; exit 1 at the first entry changed, removed or moved."""
    with _engine(db) as engine, _reader(engine) as reader, reader.connect() as conn:
        result = audit.verify(conn)
    if result.ok:
        typer.echo(f"audit log intact: {result.entries} entries, head {result.head_hash}")
        return
    typer.echo(f"audit log BROKEN at entry {result.seq}: {result.problem}", err=True)
    raise typer.Exit(1)


def _day(today: str | None) -> dt.date:
    """The day a daily job runs for: today, or the one given for testing."""
    if not today:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(today)
    except ValueError:
        fail(f"{today!r} is not a date of the form YYYY-MM-DD")
        raise  # fail() exits; this line is never reached


@app.command()
def expire(db: Db = None,
           today: Annotated[str | None, typer.Option(help="Pretend today is YYYY-MM-DD (for testing).")] = None,
           ) -> None:
    """The daily job: records past their review date leave search (they stay in history)."""
    day = _day(today)
    with _engine(db) as engine, engine.begin() as conn:
        expired = expire_due(conn, SYSTEM, day)
    typer.echo(f"{len(expired)} record(s) expired (review date before {day.isoformat()})")


@notices_app.command("expire")
def notices_expire(db: Db = None,
                   today: Annotated[str | None, typer.Option(help="Pretend today is YYYY-MM-DD (for testing).")] = None,
                   ) -> None:
    """The daily job: published notices past their date expire; owners are warned 30 days ahead, once."""
    from taawun.services.notices import expire_due as expire_notices

    day = _day(today)
    with _engine(db) as engine, engine.begin() as conn:
        expired, warned = expire_notices(conn, day)
    typer.echo(f"{len(expired)} notice(s) expired, {len(warned)} owner warning(s) sent ({day.isoformat()})")


@app.command()
def backup(file: Annotated[Path, typer.Argument(help="Backup file to write (a sidecar FILE.meta.json goes beside).")],
           db: Db = None) -> None:
    """Write a consistent backup, safe while the server runs."""
    with _engine(db) as engine:
        meta = backups.backup(engine, file)
    counts = meta["counts"]
    typer.echo(f"backup written to {file}: {counts['records']} records, {counts['users']} users, "
               f"audit log {meta['audit_entries']} entries, head {meta['audit_head']}")
    if not meta["audit_intact"]:
        typer.echo(f"warning: the audit log in this backup is broken: {meta['audit_problem']}", err=True)


@app.command()
def restore(file: Annotated[Path, typer.Argument(help="Backup file written by `taawun backup`.")],
            db: Db = None) -> None:
    """Replace the database with a backup, then verify it (audit chain, counts, head hash)."""
    with _engine(db, need_schema=False) as engine:
        report = backups.restore(engine, file)
    found = report.found
    if report.ok:
        typer.echo(f"restore verified: {found['counts']['records']} records, {found['counts']['users']} users, "
                   f"audit log intact: {found['audit_entries']} entries, head {found['audit_head']}")
        return
    typer.echo(f"restore NOT verified: {'; '.join(report.problems)}", err=True)
    raise typer.Exit(1)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
