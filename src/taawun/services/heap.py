"""Keeping Python's cyclic garbage collector away from the screening index.

Why: a worker's index is millions of small objects (about 600,000 container objects at 100,000
persons and 200,000 documents, ten times that at a million persons). They live as long as the
process, but the collector does not know that: every full collection walks all of them, about
200 ms of CPU at 100,000 persons and seconds at a million, and the request that happens to
trigger it waits that long (the isolated p99 outliers of several hundred ms at low load). Loading
a snapshot or building the index also makes the collector run again and again while the heap
grows, for nothing: index structures hold no reference cycles that need it.

So the index is made with the collector paused and then moved to the permanent generation
(`gc.freeze`), which collections never walk; later collections only see what requests allocate.
Objects freed by reference counting (a removed record's entries) are still freed when frozen; cyclic
garbage is collected just before, so that none is frozen for good.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Allocations (net of frees) between youngest-generation collections in a server process. Python's
# default, 700, is meant for small programs: a person screening allocates tens of thousands of short-lived
# objects (candidate lists, rows, the response), so with 700 the collector runs dozens of times per request,
# each time also examining whatever the concurrent requests hold at that moment. At 20,000 a collection
# still finds reference cycles within a few requests, and each one walks at most that many young objects
# (about a millisecond).
SERVER_GEN0_THRESHOLD = 20_000

_paused = 0  # users of long_lived() inside it now
_resume = False  # whether the collector was enabled when the first of them came in
_paused_lock = threading.Lock()


@contextmanager
def long_lived() -> Iterator[None]:
    """Make long-lived objects (an index load or build, a large catch-up) without the collector walking
    them while they are made, then freeze everything alive so that later collections skip it.

    Nesting and concurrent use are safe: the collector resumes when the last user leaves."""
    global _paused, _resume
    with _paused_lock:
        if _paused == 0:
            _resume = gc.isenabled()
            # Garbage already waiting would be frozen with the rest, for good; everything frozen earlier is
            # skipped, so this walks only what was made since (cheap in a running server).
            gc.collect()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            gc.freeze()
            if _paused == 0 and _resume:
                gc.enable()


def tune_for_server() -> None:
    """A server process's collector settings (see SERVER_GEN0_THRESHOLD); the older generations keep
    their default ratios."""
    gen0, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(max(SERVER_GEN0_THRESHOLD, gen0), gen1, gen2)
