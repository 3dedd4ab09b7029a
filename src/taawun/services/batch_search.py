"""The name and document searches of one passenger list, spread over two processes.

Why: a worker serves a list from one thread, so its searches (nearly all of a list's CPU) used one
core while the machine's other core idled; a 10,000-traveller list took four times the target.

How: after the index is brought up to date, the worker forks one child. Copy-on-write gives the
child the very same index without copying it (only the pages the child's searches touch are
copied), so the child answers exactly as the parent would, with every change folded in before the
list. Both take units of the list from one queue (a pipe filled before the fork: a read of a unit
number is atomic, so each unit goes to one process, and the faster process takes more), the child
sends the candidates of each of its units back through a second pipe, and the parent discloses
the list in its order as soon as every unit a chunk needs has arrived.

The child only searches: it never touches the database, the access gate, the audit or a lock
other threads may hold (the index's locks are held across the fork, so no other thread is inside
the index at that moment), and it ends with os._exit. If the fork fails, or the child dies or
sends something unreadable, the parent searches what is missing itself: the answer is the same,
only slower. Without fork (not POSIX) or for a short list, everything is searched in the caller.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, Pipe
from typing import Generic, TypeVar

log = logging.getLogger("taawun.screening")

PARALLEL_MIN = 200  # fewer unique travellers are searched in the caller: a fork costs tens of ms at 1M persons
UNIT = 32  # travellers per queue unit: small enough that both processes finish within a unit of each other
_WORD = 4  # bytes of a unit number in the queue
STALL_S = 60.0  # a helper silent this long while the parent waits for it is taken for hung: killed, its part redone

Q = TypeVar("Q")
R = TypeVar("R")


class Searcher(Generic[Q, R]):
    """The results of ``search`` over ``queries``, made on demand in order, by the caller alone or with
    a forked helper (`start`). ``locks`` are held across the fork (see the module docstring)."""

    def __init__(self, queries: Sequence[Q], search: Callable[[Q], R]) -> None:
        self._queries = queries
        self._search = search
        self._results: list[R | None] = [None] * len(queries)
        self._done = [False] * ((len(queries) + UNIT - 1) // UNIT)
        self._ready = 0  # every unit before this one is done
        self._queue: int | None = None  # read end of the unit queue (None: serial, the caller takes units in order)
        self._next_missing = 0
        self._child: tuple[int, Connection] | None = None
        self.helper_pid: int | None = None
        self.child_units = 0  # units the helper searched (for tests and benchmarks)

    # --- starting the helper -----------------------------------------------------------------
    def start(self, locks: Sequence[contextlib.AbstractContextManager[object]]) -> bool:
        """Fork the helper (POSIX only); False (and the caller searches alone) if it cannot be started."""
        if len(self._queries) < PARALLEL_MIN or len(self._done) < 2 or not hasattr(os, "fork") or not _two_cores():
            return False
        try:
            queue_r, queue_w = os.pipe()
        except OSError:
            return False
        # The whole queue is written before the fork (a few KB: far below a pipe's 64 KB), so that its
        # writer can be closed at once and an empty read means the list is taken.
        try:
            os.write(queue_w, b"".join(u.to_bytes(_WORD, "little") for u in range(len(self._done))))
        finally:
            os.close(queue_w)
        receiver, sender = Pipe(duplex=False)
        try:
            with contextlib.ExitStack() as held:
                for lock in locks:
                    held.enter_context(lock)
                pid = os.fork()
        except OSError:
            log.warning("could not fork a helper for a passenger list; searching it in one process", exc_info=True)
            os.close(queue_r)
            receiver.close()
            sender.close()
            return False
        if pid == 0:  # the helper: from here on nothing but the index and the two pipes
            receiver.close()
            self._serve(queue_r, sender)
        sender.close()
        self.helper_pid = pid
        self._queue = queue_r
        self._child = (pid, receiver)
        return True

    def _serve(self, queue_r: int, sender: Connection) -> None:
        code = 1
        try:
            gc.disable()  # short-lived; a collection would walk (and copy) the parent's heap for nothing
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # the server's handlers belong to the parent
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            while (unit := self._take(queue_r)) is not None:
                sender.send((unit, [self._search(q) for q in self._unit(unit)]))
            code = 0
        except BaseException:  # the helper must end here whatever happened, never return into the server
            code = 1
        finally:
            os._exit(code)

    # --- taking and searching units ---------------------------------------------------------
    def _unit(self, unit: int) -> Sequence[Q]:
        return self._queries[unit * UNIT:(unit + 1) * UNIT]

    @staticmethod
    def _take(queue_r: int) -> int | None:
        word = os.read(queue_r, _WORD)
        return int.from_bytes(word, "little") if len(word) == _WORD else None

    def _store(self, unit: int, results: Sequence[R]) -> None:
        if self._done[unit]:
            return
        start = unit * UNIT
        if len(results) != len(self._unit(unit)):
            raise ValueError(f"unit {unit}: {len(results)} results for {len(self._unit(unit))} travellers")
        self._results[start:start + len(results)] = results
        self._done[unit] = True
        while self._ready < len(self._done) and self._done[self._ready]:
            self._ready += 1

    def _search_unit(self, unit: int) -> None:
        self._store(unit, [self._search(q) for q in self._unit(unit)])

    def _own_unit(self) -> bool:
        """Search one more unit here: the next one in the queue, or, once the queue is empty and no helper
        is left (none started, or it died), the first one still missing. False: the rest is the helper's."""
        if self._queue is not None:
            unit = self._take(self._queue)
            if unit is not None:
                self._search_unit(unit)
                return True
            os.close(self._queue)
            self._queue = None
        if self._child is not None:
            return False
        while self._next_missing < len(self._done) and self._done[self._next_missing]:
            self._next_missing += 1
        if self._next_missing >= len(self._done):
            return False
        self._search_unit(self._next_missing)
        return True

    def _receive(self, block: bool) -> None:
        """Store what the helper has sent (waiting for one message if ``block``); on its end, reap it."""
        if self._child is None:
            return
        pid, receiver = self._child
        try:
            while receiver.poll(STALL_S if block else 0):
                unit, results = receiver.recv()
                self._store(unit, results)
                self.child_units += 1
                block = False
            if block:
                log.warning("a passenger list's helper sent nothing for %.0f s; searching its part here", STALL_S)
                self._end_child(kill=True)
        except EOFError:  # it is done (or died: then its status says so)
            self._end_child()
        except Exception as exc:  # unreadable or inconsistent: its part is searched here instead
            log.warning("a passenger list's helper sent something unreadable (%s); searching its part here", exc)
            self._end_child(kill=True)

    def _end_child(self, kill: bool = False) -> None:
        if self._child is None:
            return
        pid, receiver = self._child
        self._child = None
        receiver.close()
        if kill:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            _, status = os.waitpid(pid, 0)
            if status != 0 and not kill:
                log.warning("a passenger list's helper ended with status %d; its missing part is searched here",
                            status)

    # --- what the caller uses ---------------------------------------------------------------
    def upto(self, n: int) -> Sequence[R]:
        """The results of the first ``n`` queries (searching, or waiting for the helper, as needed); the
        returned sequence is the searcher's own (later calls fill it further): read it, do not keep it."""
        need = (n + UNIT - 1) // UNIT
        while self._ready < need:
            self._receive(block=False)
            if self._ready >= need:
                break
            if not self._own_unit():  # the queue is empty: what is missing is the helper's to send
                self._receive(block=True)
        return self._results  # type: ignore[return-value]  # the first n are filled now

    def close(self) -> None:
        """Stop the helper (if the list was abandoned half way, e.g. the client went) and reap it."""
        if self._queue is not None:
            os.close(self._queue)
            self._queue = None
        self._end_child(kill=True)


def _two_cores() -> bool:
    """Whether this process may run on two cores at once (on one, a helper would only add a fork)."""
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:  # not Linux
        return (os.cpu_count() or 1) > 1


@contextlib.contextmanager
def searching(queries: Sequence[Q], search: Callable[[Q], R],
              locks: Sequence[contextlib.AbstractContextManager[object]] = ()) -> Iterator[Searcher[Q, R]]:
    """A `Searcher` of ``queries``, with a forked helper when the list is long enough; stopped on exit."""
    searcher = Searcher(queries, search)
    searcher.start(locks)
    try:
        yield searcher
    finally:
        searcher.close()
