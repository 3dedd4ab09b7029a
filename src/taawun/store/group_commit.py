"""Group commit: concurrent requests of one process share one write transaction.

Why: every screening writes (its audit entry, and on a hit the hit and the owner's notification), and
writes to the audit chain are serialised — SQLite has one write lock per database, PostgreSQL takes the
chain's advisory lock. With one transaction per request, 25 concurrent screenings in a worker queue up
for that lock one commit at a time (on SQLite the losers sleep in the busy handler, tens of ms per try,
while the other worker process holds the lock). Here the first request to arrive becomes the leader: it
opens one transaction, runs its own work and that of every request queued meanwhile (each in a
savepoint, so one failure does not undo the others), commits once and wakes them. A request still
returns only after the transaction holding its writes has committed; nothing is acknowledged before it
is stored. With no concurrency the caller simply runs its own transaction (no hand-off, no thread).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine

T = TypeVar("T")
MAX_GROUP = 64  # units per transaction: bounds how long one commit holds the lock and delays its first unit


class _Unit(Generic[T]):
    __slots__ = ("work", "result", "error", "done")

    def __init__(self, work: Callable[[Connection], T]) -> None:
        self.work = work
        self.result: T | None = None
        self.error: BaseException | None = None
        self.done = False


class GroupCommitter:
    """Runs units of work (functions of a connection) in shared transactions; see the module docstring."""

    def __init__(self, engine: Engine, max_group: int = MAX_GROUP) -> None:
        self._engine = engine
        self._max_group = max_group
        self._cond = threading.Condition()
        self._pending: list[_Unit[Any]] = []
        self._leading = False
        self.transactions = 0  # counters for tests and benchmarks: how well requests are grouped
        self.units = 0

    def run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in a committed transaction (possibly shared) and return its result or raise its error."""
        unit: _Unit[T] = _Unit(work)
        with self._cond:
            self._pending.append(unit)
            while not unit.done:
                if self._leading:
                    self._cond.wait()
                    continue
                self._leading = True
                group, self._pending = self._pending[:self._max_group], self._pending[self._max_group:]
                self._cond.release()
                try:
                    self._commit(group)
                finally:
                    self._cond.acquire()
                    self._leading = False
                    self._cond.notify_all()
        if unit.error is not None:
            raise unit.error
        return unit.result  # type: ignore[return-value]

    def _commit(self, group: list[_Unit[Any]]) -> None:
        try:
            with self._engine.begin() as conn:
                if len(group) == 1:  # the transaction itself is the unit's boundary
                    self._run_unit(group[0], conn, nested=False)
                else:
                    for unit in group:
                        self._run_unit(unit, conn, nested=True)
        except BaseException as exc:  # the commit failed: nothing of the group is stored
            for unit in group:
                if unit.error is None:
                    unit.error, unit.result = exc, None
        finally:
            self.transactions += 1
            self.units += len(group)
            for unit in group:
                unit.done = True

    @staticmethod
    def _run_unit(unit: _Unit[Any], conn: Connection, *, nested: bool) -> None:
        if not nested:
            unit.result = unit.work(conn)  # an error propagates and rolls the transaction back
            return
        try:
            with conn.begin_nested():
                unit.result = unit.work(conn)
        except Exception as exc:
            unit.error = exc


_committers: weakref.WeakKeyDictionary[Engine, GroupCommitter] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def committer_for(engine: Engine) -> GroupCommitter:
    """The one group committer of this process for ``engine``."""
    with _registry_lock:
        committer = _committers.get(engine)
        if committer is None:
            committer = _committers[engine] = GroupCommitter(engine)
        return committer


def run_grouped(engine: Engine, work: Callable[[Connection], T]) -> T:
    return committer_for(engine).run(work)
