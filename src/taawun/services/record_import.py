"""Importing a file of records (`taawun import`): what an NCB runs to load its existing records.

The whole file is one transaction: if any line is refused, nothing of the file is written, and
the error names the file and line. Records are checked exactly as the bulk API checks them (same
models, same references check, the gate's write checks) and written the same way (PostgreSQL COPY,
SQLite executemany), 10,000 at a time. When the file is done its records go on the change feed at
once (screening workers index them on their next refresh) and the import is audited once: file
name, SHA-256 digest, count per kind, and how to find the records (creator, creation time, range
of insertion numbers).

Why one transaction: a half-imported file is the hardest state to recover from (which lines went
in?); re-running a fixed file is easy. Its cost: on SQLite the database is locked for other
writers until the import ends; on PostgreSQL other writers go on, and only the final publish
(seconds for millions of records) waits for them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from taawun.access.actor import Actor
from taawun.access.audit import utcnow
from taawun.access.policy import can_write_for
from taawun.access.records import RecordAccess
from taawun.domain.enums import HitDisclosure
from taawun.domain.errors import InvalidInput
from taawun.domain.messages import Message
from taawun.domain.models import AnyRecordData, Restriction
from taawun.services import import_files
from taawun.services.import_files import BadLine, Line
from taawun.services.records import MAX_BULK, build_rows, check_references
from taawun.store.records import NewRecords, RecordRow, encode_new

CHUNK = MAX_BULK


@dataclass(frozen=True)
class Defaults:
    """Sharing settings for records that do not give their own."""

    restriction: Restriction | None = None
    hit_disclosure: HitDisclosure | None = None

    def apply(self, record: AnyRecordData) -> None:
        given = record.model_fields_set
        if self.restriction is not None and "restriction" not in given:
            record.restriction = self.restriction.model_copy(deep=True)
        if self.hit_disclosure is not None and "hit_disclosure" not in given:
            record.hit_disclosure = self.hit_disclosure


@dataclass
class ImportResult:
    file: str
    sha256: str
    count: int
    kinds: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def file_digest(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@dataclass
class _Chunk:
    lines: list[Line]
    rows: list[RecordRow]
    encoded: NewRecords | None = None


def _prepared(lines: Iterator[Line], size: int, actor: Actor, name: str, defaults: Defaults,
              created_at: dt.datetime, dialect: Any = None) -> Iterator[_Chunk]:
    """The file's records, validated, checked for ownership and built into rows, ``size`` at a time;
    with a ``dialect``, also encoded for the database (see `store.records.encode_new`)."""
    def build(chunk: list[Line]) -> _Chunk:
        for line in chunk:
            defaults.apply(line.record)
            owner = line.record.owner or actor.org_code
            if not can_write_for(actor, owner):
                raise BadLine(name, line.number, f"{actor.username} ({actor.role.value}, {actor.org_code}) "
                                                 f"may not write records owned by {owner}")
        rows = build_rows(actor, [line.record for line in chunk], created_at)
        return _Chunk(chunk, rows, encode_new(rows, dialect) if dialect is not None else None)

    chunk: list[Line] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield build(chunk)
            chunk = []
    if chunk:
        yield build(chunk)


_END = object()


def _ahead(items: Iterator[Any], depth: int = 2) -> Iterator[Any]:
    """``items``, produced by a thread up to ``depth`` ahead of the consumer.

    Why: while a chunk is written, this process mostly waits for the database (COPY, index
    upkeep), with the GIL released; reading, validating and encoding the next chunk meanwhile
    takes the import from the sum of the two to about the larger. An error in the producer is raised to the
    consumer at the point it occurred; a consumer that stops early stops the producer."""
    out: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        out.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            out.put(_END)
        except BaseException as exc:  # handed to the consumer, which raises it
            out.put(exc)

    thread = threading.Thread(target=produce, name="import-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = out.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # let a blocked producer see the stop
            with contextlib.suppress(queue.Empty):
                out.get(timeout=0.1)
        thread.join()


def _line_of_reference(name: str, chunk: list[Line], exc: InvalidInput) -> BadLine:
    """The first line of the chunk whose references the refused one names (else the chunk's first line)."""
    for line in chunk:
        values = [str(getattr(line.record, f, "")) for f in ("holder_id", "source_id", "target_id")]
        if any(v and v != "None" and v in exc.detail for v in values):
            return BadLine(name, line.number, exc.detail)
    return BadLine(name, chunk[0].number, f"in lines {chunk[0].number}-{chunk[-1].number}: {exc.detail}")


def import_file(engine: Engine, actor: Actor, path: Path, *, fmt: str | None = None, kind: str | None = None,
                defaults: Defaults = Defaults(), progress: Callable[[int], None] | None = None,
                chunk_size: int = CHUNK) -> ImportResult:
    """Validate and write every record of ``path`` as ``actor``, all or nothing (see the module docstring).

    ``progress`` is called with the number of the file's bytes read so far, after each chunk."""
    started = time.perf_counter()
    fmt = import_files.file_format(path, fmt)
    name = path.name
    result = ImportResult(file=name, sha256=file_digest(path), count=0)
    kinds: Counter[str] = Counter()
    created_at = utcnow()  # one creation time for the whole file: it tells this import's records apart
    first_seq: int | None = None
    last_seq = 0
    with open(path, "rb") as fh, engine.begin() as conn:
        lines = import_files.ndjson_lines(fh, name) if fmt == "ndjson" else import_files.csv_lines(fh, name, kind)
        gate = RecordAccess(conn, actor)
        chunks = _prepared(lines, chunk_size, actor, name, defaults, created_at, conn.dialect)
        for chunk in _ahead(chunks):
            rows = chunk.rows
            try:
                check_references(conn, actor, [line.record for line in chunk.lines], rows)
            except InvalidInput as exc:
                raise _line_of_reference(name, chunk.lines, exc) from None
            lo, hi = gate.import_rows(rows, chunk.encoded)
            first_seq = lo if first_seq is None else first_seq
            last_seq = hi
            kinds.update(r.kind for r in rows)
            result.count += len(rows)
            if progress:
                progress(chunk.lines[-1].position)
        if not result.count or first_seq is None:
            raise InvalidInput("%(file)s holds no records", [{"field": "file", "message": Message("empty")}],
                               file=name)
        result.kinds = dict(sorted(kinds.items()))
        gate.finish_import(created_at, (first_seq, last_seq), {
            "file": name, "sha256": result.sha256, "format": fmt, "count": result.count, "kinds": result.kinds})
    result.seconds = time.perf_counter() - started
    return result


def defaults_from(restriction_mode: str | None, members: list[str], regions: list[str], partners: list[str],
                  hit_disclosure: str | None) -> Defaults:
    """The command line's sharing defaults, checked like a record's own."""
    from pydantic import ValidationError

    from taawun.services.records import validation_errors

    restriction = None
    if restriction_mode or members or regions or partners:
        body: dict[str, Any] = {"mode": restriction_mode or "only", "members": [m.upper() for m in members],
                                "regions": regions, "partners": partners}
        try:
            restriction = Restriction.model_validate(body)
        except ValidationError as exc:
            first = validation_errors(exc, "restriction.")[0]
            raise InvalidInput("%(field)s: %(message)s", [first], field=first["field"],
                               message=first["message"]) from None
    disclosure = None
    if hit_disclosure:
        try:
            disclosure = HitDisclosure(hit_disclosure)
        except ValueError:
            raise InvalidInput("hit disclosure '%(given)s' is not one of %(known)s",
                               [{"field": "hit_disclosure", "message": Message("unknown")}], given=hit_disclosure,
                               known=", ".join(h.value for h in HitDisclosure)) from None
    return Defaults(restriction, disclosure)


__all__ = ["BadLine", "Defaults", "ImportResult", "defaults_from", "import_file"]
