"""The screening index of one worker process, kept current by following the store's change feed.

Every worker holds its own copy (DESIGN.md: stateless replicas behind a load balancer). Before each
screening the worker asks the store for the newest change number — one indexed lookup — and folds
in whatever changed since, so a record created, restricted or deleted through any worker is
reflected in the next screening everywhere. A snapshot on disk lets a worker start without
re-reading every record.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from taawun.access.screening import index_changes, index_rows
from taawun.index import DocumentIndex, PersonIndex
from taawun.names.fingerprint import engine_fingerprint
from taawun.services.heap import long_lived
from taawun.store.db import READ_ONLY

log = logging.getLogger("taawun.screening")
# A catch-up of at least this many records is applied with the collector paused and then frozen (services.heap):
# a bulk import made through another worker adds index objects by the hundred thousand.
LARGE_CATCH_UP = 2_000
# The snapshot's own layout (beside the name engine's fingerprint and each index's format). 2: the document index
# is keyed by record id (one slot per record, all its documents), so no record -> keys map is kept or saved.
SNAPSHOT_FORMAT = 2


class ScreeningIndex:
    def __init__(self) -> None:
        self.persons = PersonIndex()
        self.documents = DocumentIndex()
        self.seq = 0
        self._lock = threading.Lock()

    # --- keeping current -------------------------------------------------------------------
    def refresh(self, conn: Connection, last: int | None = None) -> int:
        """Fold in changes since the last refresh; returns how many records were updated.

        ``last``: the feed's newest change number when the caller has just read it (the API reads it with the
        token check), so that a screening with nothing new to fold in makes no statement here."""
        last, changed = index_changes(conn, self.seq, last)
        if not changed:
            self.seq = max(self.seq, last)
            return 0
        with self._lock, long_lived() if len(changed) >= LARGE_CATCH_UP else nullcontext():
            if last <= self.seq:
                return 0
            found = {row.id: row for row in index_rows(conn, changed)}
            for record_id in changed:
                self._apply(record_id, found.get(record_id))
            self.seq = last
        return len(changed)

    def build(self, conn: Connection, batch: int = 20_000) -> int:
        """Index every screenable record from scratch (into new, empty indexes: each record is then added once,
        with nothing to remove first)."""
        with self._lock:
            self.persons, self.documents = PersonIndex(), DocumentIndex()
            last, _ = index_changes(conn, 10**18)
            after, count = 0, 0
            while True:
                rows = index_rows(conn, None, after, batch)
                if not rows:
                    break
                for row in rows:
                    self._apply(row.id, row, fresh=True)
                count += len(rows)
                after = rows[-1].seq
            self.seq = last
        return count

    def _apply(self, record_id: str, row: Any | None, fresh: bool = False) -> None:
        """Index the record's current row (None: it is gone). ``fresh``: a build, where no record is indexed
        yet (nothing to remove).

        Documents are keyed by their record's id: the document index keeps one slot per key with any number of
        documents, so one `remove` drops all of a record's documents. (Snapshot format 1 keyed them "id#n" and
        kept a record -> keys map, millions of small objects that took most of a worker's start to unpickle.)"""
        if not fresh:
            self.persons.remove(record_id)
            self.documents.remove(record_id)
        if row is None or row.status != "active" or _as_date(row.review_due) < dt.date.today():
            return
        data = row.data
        documents: list[tuple[str, str | None]] = []
        if row.kind == "person":
            self.persons.add(record_id, names=[n["full"] for n in data.get("names", [])],
                             birth_date=data.get("birth_date"), nationalities=data.get("nationalities") or [],
                             sex=data.get("sex"))
            documents = [(i["number"], i.get("country")) for i in data.get("identifiers") or []
                         if i.get("type") in ("passport", "national_id")]
        elif row.kind == "travel_document":
            documents = [(data["number"], data.get("country"))]
        for number, country in documents:
            self.documents.add(record_id, number=number, country=country)

    def locks(self) -> list[AbstractContextManager[object]]:
        """Every lock the index's users take, outermost first: held together, no other thread is inside the
        index (searching or changing it), e.g. across a fork whose child then searches it (batch_search)."""
        return [self._lock, self.persons.lock, self.documents.lock]

    # --- snapshots -------------------------------------------------------------------------
    def finalize(self) -> None:
        """Prepare the name index's similar-part lists (kept in the snapshot), so that workers started
        from it do not pay for each part's first lookup. Worth it before a snapshot; a live build skips
        it to start serving sooner (about 40 s on two cores at a 40k-part vocabulary). The lists are
        long-lived objects made in bulk: made with the collector paused (services.heap)."""
        with long_lived():
            self.persons.finalize()

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        with self._lock, long_lived():  # pickling makes no garbage worth a collection
            self.persons.save(directory / "persons.idx")
            self.documents.save(directory / "documents.idx")  # the index's own format (it holds a lock)
            meta = {"seq": self.seq, "engine": engine_fingerprint(), "format": SNAPSHOT_FORMAT}
            (directory / "meta.json").write_text(json.dumps(meta))

    @classmethod
    def load(cls, directory: Path) -> ScreeningIndex:
        """A snapshot written by `save` (a trusted file of this deployment: it is unpickled).

        Refused (ValueError) when it was written by another version of the name engine (its analysed names
        would not match what the engine now makes of the same records) or in another snapshot format (an older
        one's documents are keyed differently: later changes would not replace them)."""
        meta = json.loads((directory / "meta.json").read_text())
        if meta.get("engine") != engine_fingerprint():
            raise ValueError(f"the snapshot in {directory} was made by another version of the name engine")
        if meta.get("format", 1) != SNAPSHOT_FORMAT:
            raise ValueError(f"the snapshot in {directory} is of another format ({meta.get('format', 1)}, "
                             f"not {SNAPSHOT_FORMAT})")
        index = cls()
        with long_lived():
            index.persons = PersonIndex.load(directory / "persons.idx")
            index.documents = DocumentIndex.load(directory / "documents.idx")
        index.seq = int(meta["seq"])
        return index


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def build_from(engine: Engine) -> tuple[ScreeningIndex, int]:
    """A fresh index of every screenable record, read without taking SQLite's write lock."""
    index = ScreeningIndex()
    with long_lived(), engine.connect().execution_options(**{READ_ONLY: True}) as conn:
        count = index.build(conn)
    return index, count


def snapshot_dir() -> Path | None:
    value = os.environ.get("TAAWUN_INDEX_DIR")
    return Path(value) if value else None


def load_or_build(engine: Engine) -> ScreeningIndex:
    """The snapshot in $TAAWUN_INDEX_DIR when there is a readable one (changes since are caught up on the
    next refresh), otherwise an index built from the store."""
    directory = snapshot_dir()
    if directory and (directory / "meta.json").exists():
        try:
            index = ScreeningIndex.load(directory)
            log.info("screening index loaded from %s at change %d", directory, index.seq)
            return index
        except ValueError as exc:  # written by another engine version: expected after an upgrade
            log.warning("%s; rebuilding", exc)
        except Exception:  # a damaged snapshot is rebuilt, never fatal
            log.exception("could not load the index snapshot in %s; rebuilding", directory)
    index, count = build_from(engine)
    log.info("screening index built from %d records", count)
    return index
