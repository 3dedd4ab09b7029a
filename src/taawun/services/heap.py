"""Keeping Python's cyclic garbage collector away from the screening index.

Why: a worker's index is millions of small objects (about 600,000 container objects at 100,000
persons and 200,000 documents, ten times that at a million persons). They live as long as the
process, but the collector does not know that: every full collection walks all of them, about
200-340 ms of CPU at 100,000 persons (measured; proportionally more at a million), and the request that
happens to trigger it waits that long (the isolated p99 outliers of several hundred ms at low load). Loading
a snapshot or building the index also makes the collector run again and again while the heap
grows, for nothing: index structures hold no reference cycles that need it.

So the index is made with the collector paused and then moved to the permanent generation
(`gc.freeze`), which collections never walk; later collections only see what requests allocate.
Objects freed by reference counting (a removed record's entries) are still freed when frozen; cyclic
garbage is collected just before, so that none is frozen for good.

What requests leave behind for good (the index's caches of each query part's similar parts, which grow
with every new name screened) builds up again outside the frozen set: at 100k, full collections of
50-135 ms CPU came back within two minutes of serving. So a server also freezes whatever survives a full
collection (`freeze_survivors`): each full collection then walks only what survived since the last one.
The price: an object alive at that moment that later becomes cyclic garbage is never freed. Requests'
own objects are freed by reference counting, and full collections are minutes apart, so that is small.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# The youngest generation's threshold is left at Python's default (700) on purpose: raised to 20,000 for the
# server (fewer, larger young collections) the collector's total CPU fell by a third but its longest pause
# under 50 concurrent screenings grew from 7 to 58 ms of CPU (SQLite 100k run, gc.callbacks timing), which is
# what a p99 feels.

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


def _freeze_after_full(phase: str, info: dict[str, int]) -> None:
    # Right after a full collection every tracked object is a survivor in the oldest generation (the
    # younger ones were merged into it): freezing now moves no garbage and no half-made collection state.
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


def freeze_survivors() -> None:
    """From now on, freeze what survives each full collection (see the module docstring). Idempotent."""
    if _freeze_after_full not in gc.callbacks:
        gc.callbacks.append(_freeze_after_full)
