"""The parts of the candidates of common query parts, kept for the next query that names them.

Why: a screening query's candidates are the postings of its source parts (`PersonIndex._sources`),
and ranking them means reading every candidate's own parts: tens of thousands of scattered reads
when a source is a common name (Khalid, Shadi and everything spelled like them). Travellers' names
are new, but their parts are the same few thousand all day, so the same source sets come back.
The gathered parts of a source set depend only on its postings, which only grow: an entry is
valid while every posting list is the same object with the same length (removals leave postings
alone; the index masks removed entries on every read, and compaction replaces the lists).
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_MIN_CANDIDATES = 5_000  # below this, gathering is cheaper than keeping
_BUDGET_BYTES = 64 * 1024 * 1024  # per index (per server worker)


@dataclass(frozen=True, slots=True)
class Gathered:
    """Candidates (entry ids, once per source list that holds them), their parts laid end to end,
    where each candidate's parts start, and each candidate's total part weight."""

    cand: np.ndarray
    parts: np.ndarray
    starts: np.ndarray
    weights: np.ndarray

    @property
    def nbytes(self) -> int:
        return self.cand.nbytes + self.parts.nbytes + self.starts.nbytes + self.weights.nbytes


def gather(lists: Sequence[array], tok_start: array, tok_flat: array, entry_w: array) -> Gathered:
    """Read the candidates of these posting lists and their parts (numpy views are dropped on return)."""
    cand = np.concatenate([np.frombuffer(p, dtype=np.int32) for p in lists if p])
    starts_all = np.frombuffer(tok_start, dtype=np.int64)
    flat = np.frombuffer(tok_flat, dtype=np.int32)
    first = starts_all[cand]
    lens = starts_all[cand + 1] - first
    ends = np.cumsum(lens)
    starts = ends - lens
    pos = np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(first - starts, lens)
    out = Gathered(cand, flat[pos], starts, np.frombuffer(entry_w, dtype=np.float32)[cand])
    del starts_all, flat
    return out


class GatheredCache:
    """Least recently used `Gathered` per source set, within a byte budget."""

    def __init__(self, budget_bytes: int = _BUDGET_BYTES) -> None:
        self._budget = budget_bytes
        self._used = 0
        self._items: OrderedDict[tuple[int, ...], tuple[tuple[tuple[int, int], ...], Gathered]] = OrderedDict()

    def get(self, sources: Sequence[int], lists: Sequence[array], tok_start: array, tok_flat: array,
            entry_w: array) -> Gathered:
        total = sum(len(p) for p in lists)
        if total < _MIN_CANDIDATES:
            return gather(lists, tok_start, tok_flat, entry_w)
        key = tuple(sources)
        stamp = tuple((id(p), len(p)) for p in lists)
        hit = self._items.get(key)
        if hit is not None:
            if hit[0] == stamp:
                self._items.move_to_end(key)
                return hit[1]
            self._drop(key)
        made = gather(lists, tok_start, tok_flat, entry_w)
        if made.nbytes <= self._budget // 4:
            self._items[key] = (stamp, made)
            self._used += made.nbytes
            while self._used > self._budget:
                self._drop(next(iter(self._items)))
        return made

    def _drop(self, key: tuple[int, ...]) -> None:
        _, old = self._items.pop(key)
        self._used -= old.nbytes

    def clear(self) -> None:
        self._items.clear()
        self._used = 0
