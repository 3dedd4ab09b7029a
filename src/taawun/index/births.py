"""The person index's entries by (part, birth date), for the dated reads of a screening.

Why: a screening with a birth date lowers its name floor for the records whose date agrees (an
agreeing date lifts a weaker name to the threshold), and those records are found among the
postings of more, and commoner, parts than the undated floor needs. Reading those postings' dates
to keep the few born in the query's year was most of a passenger's search cost (each of the
~70 sources' dates swept, or binary-searched per part). With every (part, entry) pair sorted by
(part, birth date), the entries of one part born within one range of dates are one contiguous run: a
part's short run is read whole, the long runs of all sources are found by one `searchsorted`, and
the read costs about what it returns (the dates a screening reads are a few ranges: those that agree
with the query's, `attributes.lifting_births`, and those that neither agree nor disagree,
`attributes.neutral_births`).

Entries are only ever appended, and never change; those added since the sorted arrays were made are
read from the index's flat part lists (a few dozen thousand pairs at most) until they are many, then
merged in. A compaction renumbers nothing but drops entries from the postings, so the index is then
made afresh from the postings (see `PersonIndex._compact`).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np

MERGE_AFTER = 50_000  # (entry, part) pairs added since the arrays were sorted that a read checks one by one
_MAX_RANGES = 8  # ranges of dates read one by one; more are read as one span per year (`_spans`)
# A part's pairs up to this many are read and sifted rather than binary-searched (at 1M persons 6% less CPU per
# passenger than 512, at 100k 4%: a binary search costs less than reading and sifting a few hundred pairs).
_READ_WHOLE = 256
_LOW = 0xFFFFFFFF
_TABLE_MAX = 40_000  # ranges of dates within this many packed values are sifted by table (`_within`)


class BirthIndex:
    """Every (part, entry) pair of the postings, sorted by part, then packed birth date (then entry)."""

    __slots__ = ("keys", "entries", "upto", "starts", "_marks")

    def __init__(self, keys: np.ndarray, entries: np.ndarray, upto: int) -> None:
        self.keys = keys  # part << 32 | packed birth date (year * 10000 + month * 100 + day, 0 when unknown)
        self.entries = entries  # the pairs' entries, int32
        self.upto = upto  # entries below this are all in the arrays
        n_parts = int(keys[-1] >> 32) + 1 if len(keys) else 0
        self.starts = np.searchsorted(keys, np.arange(n_parts + 1, dtype=np.int64) << 32)  # part -> its first pair
        self._marks = np.zeros(0, dtype=np.int32)  # scratch: per part, its rank among a read's sources + 1

    @classmethod
    def of_postings(cls, postings: Sequence[array], births: array, entries: int) -> BirthIndex:
        """From the postings (part id -> its entries, ascending) and each entry's packed birth date."""
        lens = np.fromiter(map(len, postings), dtype=np.int64, count=len(postings))
        ids = np.frombuffer(b"".join(postings), dtype=np.int32)
        keys = np.repeat(np.arange(len(postings), dtype=np.int64) << 32, lens)
        keys |= np.frombuffer(births, dtype=np.int32).take(ids)
        order = np.argsort(keys, kind="stable")  # (a posting is in entry order: entries stay ascending)
        keys = keys.take(order)  # (one array at a time: at a million persons each is tens of MB)
        ids = ids.take(order)
        del order
        return cls(keys, ids, entries)

    def pending(self, tok_start: array) -> int:
        """How many (entry, part) pairs were added since the arrays were sorted."""
        return int(tok_start[len(tok_start) - 1] - tok_start[self.upto])

    def merged(self, tok_flat: array, tok_start: array, births: array) -> BirthIndex:
        """A copy with the entries added since merged in (one pass over the arrays, no sort of them)."""
        ids, parts = self._recent_pairs(tok_flat, tok_start)
        new_keys = parts << 32 | np.frombuffer(births, dtype=np.int32).take(ids)
        order = np.lexsort((ids, new_keys))
        new_keys, ids = new_keys.take(order), ids.take(order)
        at = np.searchsorted(self.keys, new_keys, side="right")
        return BirthIndex(np.insert(self.keys, at, new_keys), np.insert(self.entries, at, ids), len(tok_start) - 1)

    def _recent_pairs(self, tok_flat: array, tok_start: array) -> tuple[np.ndarray, np.ndarray]:
        """(entry, part) of the entries added since, each pair once (postings list a part once per entry)."""
        starts, parts = self._recent(tok_flat, tok_start)
        ids = np.repeat(np.arange(self.upto, len(starts) - 1 + self.upto, dtype=np.int64), np.diff(starts))
        pairs = np.unique(ids << 32 | parts.astype(np.int64))
        return (pairs >> 32).astype(np.int32), pairs & _LOW

    def _recent(self, tok_flat: array, tok_start: array) -> tuple[np.ndarray, np.ndarray]:
        """The flat part lists' bounds of the entries added since the arrays were sorted (from `upto`, closed by
        the sentinel), and their parts."""
        starts = np.frombuffer(tok_start, dtype=np.int64)[self.upto :]
        return starts, np.frombuffer(tok_flat, dtype=np.int32)[starts[0] : starts[-1]]

    def born_in(self, sources: Sequence[int], ranges: Sequence[tuple[int, int]], tok_flat: array,
                tok_start: array, births: array, n_parts: int) -> tuple[np.ndarray, np.ndarray]:
        """The entries of these parts (of `n_parts`) born within `ranges` (half-open ranges of packed dates,
        ascending, disjoint): (entries, the rank in `sources` of the source each came from), in no particular
        order. An entry comes once per source it has, as in the postings. Many ranges (a year and month
        agree with the year alone of every month) are read as the span of each year that holds some, then
        sifted (not as one span: a screening also reads the dates a year either side and the records without
        one, `neutral_births`, and one span would read every record between)."""
        if not len(sources) or not ranges:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
        bounds = np.array(ranges, dtype=np.int64).ravel()  # a date is within the ranges iff it falls at an odd place
        src = np.asarray(sources, dtype=np.int64)
        last = len(self.starts) - 1  # (parts first seen since the arrays were sorted have no run)
        first = self.starts.take(np.minimum(src, last))
        run = self.starts.take(np.minimum(src + 1, last)) - first
        # A short run is read whole (one contiguous read); a long one is binary-searched for each range, or,
        # when the ranges are many, for each year's span of them. What is read is then sifted by the ranges.
        whole = np.flatnonzero(run <= _READ_WHOLE)
        starts, counts, rank_of = [first.take(whole)], [run.take(whole)], [whole.astype(np.int32)]
        searched = np.flatnonzero(run > _READ_WHOLE)
        if searched.size:
            read = bounds if len(ranges) <= _MAX_RANGES else _spans(ranges)
            by_part = searched[np.argsort(src[searched])]  # needles ascending: each search starts where the last ended
            at = np.searchsorted(self.keys, (src[by_part, None] << 32 | read[None, :]).ravel()).reshape(-1, 2)
            starts.append(at[:, 0])
            counts.append(at[:, 1] - at[:, 0])
            rank_of.append(np.repeat(by_part.astype(np.int32), len(read) // 2))
        begin, size = np.concatenate(starts), np.concatenate(counts)
        pos = np.arange(int(size.sum()), dtype=np.int64) + np.repeat(begin - (np.cumsum(size) - size), size)
        keep = np.flatnonzero(_within(self.keys.take(pos) & _LOW, ranges, bounds))
        ids = self.entries.take(pos.take(keep))
        ranks = np.repeat(np.concatenate(rank_of), size).take(keep)
        if self.upto < len(tok_start) - 1:
            r_ids, r_ranks = self._recent_born_in(src, ranges, bounds, tok_flat, tok_start, births, n_parts)
            ids, ranks = np.concatenate([ids, r_ids]), np.concatenate([ranks, r_ranks])
        return ids, ranks

    def _recent_born_in(self, src: np.ndarray, ranges: Sequence[tuple[int, int]], bounds: np.ndarray, tok_flat: array,
                        tok_start: array, births: array, n_parts: int) -> tuple[np.ndarray, np.ndarray]:
        """`born_in` among the entries added since the arrays were sorted: their parts marked in one pass."""
        if len(self._marks) < n_parts:
            self._marks = np.zeros(max(n_parts, 2 * len(self._marks)), dtype=np.int32)
        marks = self._marks
        marks[src] = np.arange(1, len(src) + 1, dtype=np.int32)
        starts, parts = self._recent(tok_flat, tok_start)
        rank = marks.take(parts)
        marks[src] = 0
        hit = np.flatnonzero(rank)
        ids = np.searchsorted(starts[1:] - starts[0], hit, side="right").astype(np.int64) + self.upto
        born = np.frombuffer(births, dtype=np.int32).take(ids)
        keep = np.flatnonzero(_within(born, ranges, bounds))
        pairs = np.unique((rank[hit[keep]].astype(np.int64) - 1) << 32 | ids[keep])  # a part twice in a name: once
        return (pairs & _LOW).astype(np.int32), (pairs >> 32).astype(np.int32)


def _within(dates: np.ndarray, ranges: Sequence[tuple[int, int]], bounds: np.ndarray) -> np.ndarray:
    """Which of these packed dates (any integer type) fall within the ranges (`bounds` is them flat). A
    screening's ranges lie within three years (besides "no date", 0): a table of those years' values answers
    each date with one read, where a binary search among the bounds cost about half as much again over the
    thousands of dates a screening reads (measured at 1M persons)."""
    first = 1 if ranges[0] == (0, 1) else 0
    span = ranges[-1][1] - ranges[first][0] if first < len(ranges) else 0
    if not 0 < span <= _TABLE_MAX:
        return np.searchsorted(bounds, dates, side="right") & 1
    low = ranges[first][0]
    table = np.zeros(span + 1, dtype=np.bool_)  # the last value stands for every date outside the span
    for a, b in ranges[first:]:
        table[a - low : b - low] = True
    inside = table.take(np.minimum((np.asarray(dates, dtype=np.int64) - low).view(np.uint64), np.uint64(span)))
    if first:
        inside |= dates == 0
    return inside


def _spans(ranges: Sequence[tuple[int, int]]) -> np.ndarray:
    """Ascending disjoint ranges of packed dates merged into one span per year (bounds flat, as `born_in`
    reads them): a few binary searches instead of one per range, and nothing read between the years."""
    spans: list[tuple[int, int]] = []
    for a, b in ranges:
        if spans and spans[-1][0] // 10000 == a // 10000:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    if len(spans) > _MAX_RANGES:
        spans = [(spans[0][0], spans[-1][1])]
    return np.array(spans, dtype=np.int64).ravel()
