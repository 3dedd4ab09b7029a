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

import hashlib
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
from taawun.domain.models import AnyRecordData, Restriction
from taawun.services import import_files
from taawun.services.import_files import BadLine, Line
from taawun.services.records import MAX_BULK, prepare_rows
from taawun.store import records as store

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


def _chunks(lines: Iterator[Line], size: int) -> Iterator[list[Line]]:
    chunk: list[Line] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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
    import time

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
        for chunk in _chunks(lines, chunk_size):
            payloads = []
            for line in chunk:
                defaults.apply(line.record)
                owner = line.record.owner or actor.org_code
                if not can_write_for(actor, owner):
                    raise BadLine(name, line.number, f"{actor.username} ({actor.role.value}, {actor.org_code}) "
                                                     f"may not write records owned by {owner}")
                payloads.append(line.record)
            try:
                rows = prepare_rows(conn, actor, payloads, created_at)
            except BadLine:
                raise
            except InvalidInput as exc:
                raise _line_of_reference(name, chunk, exc) from None
            gate.import_rows(rows)
            lo, hi = store.seq_range(conn, [rows[0].id, rows[-1].id])
            first_seq = lo if first_seq is None else first_seq
            last_seq = hi
            kinds.update(r.kind for r in rows)
            result.count += len(rows)
            if progress:
                progress(chunk[-1].position)
        if not result.count or first_seq is None:
            raise InvalidInput(f"{name} holds no records", [{"field": "file", "message": "empty"}])
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
            raise InvalidInput(f"{first['field']}: {first['message']}", [first]) from None
    disclosure = None
    if hit_disclosure:
        try:
            disclosure = HitDisclosure(hit_disclosure)
        except ValueError:
            raise InvalidInput(f"hit disclosure {hit_disclosure!r} is not one of "
                               f"{', '.join(h.value for h in HitDisclosure)}",
                               [{"field": "hit_disclosure", "message": "unknown"}]) from None
    return Defaults(restriction, disclosure)


__all__ = ["BadLine", "Defaults", "ImportResult", "defaults_from", "import_file"]
