"""The (part, birth date) index a dated screening reads: exactly the entries of the asked parts born within the
asked dates, however the dates are sifted (by table within a few years, by binary search beyond), for the entries
in its sorted arrays and for those added since."""

from __future__ import annotations

from array import array

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from taawun.index.births import BirthIndex

DATES = st.sampled_from([0, 19790000, 19790315, 19800000, 19800500, 19800503, 19800305, 19810000, 19810101,
                         19811231, 19900101, 20300101])


@st.composite
def _case(draw: st.DrawFn) -> tuple[list[array], array, list[int], list[tuple[int, int]], int]:
    n_entries = draw(st.integers(1, 40))
    births = array("i", [draw(DATES) for _ in range(n_entries)])
    postings = [array("i", sorted(draw(st.sets(st.integers(0, n_entries - 1), max_size=n_entries))))
                for _ in range(draw(st.integers(1, 6)))]
    sources = draw(st.lists(st.integers(0, len(postings) - 1), unique=True, min_size=1))
    cuts = sorted(draw(st.sets(st.sampled_from([0, 1, 19790000, 19800000, 19800100, 19800503, 19800504,
                                                19800600, 19810000, 19810100, 19820000, 20400000]),
                               min_size=2, max_size=8)))
    ranges = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
    upto = draw(st.integers(0, n_entries))  # entries from here on were added after the index was sorted
    return postings, births, sources, ranges, upto


@given(_case())
@settings(max_examples=300, deadline=None)
def test_born_in_reads_exactly_the_entries_born_within_the_ranges(
        case: tuple[list[array], array, list[int], list[tuple[int, int]], int]) -> None:
    postings, births, sources, ranges, upto = case
    sorted_part = [array("i", [e for e in plist if e < upto]) for plist in postings]
    index = BirthIndex.of_postings(sorted_part, births, upto)
    parts_of = [[tid for tid, plist in enumerate(postings) if e in plist] for e in range(len(births))]
    flat = array("i", [tid for parts in parts_of for tid in parts])  # each entry's parts, as the index keeps them
    starts = array("q", [0])
    for parts in parts_of:
        starts.append(starts[-1] + len(parts))
    ids, ranks = index.born_in(sources, ranges, flat, starts, births, len(postings))
    got = sorted(zip(ranks.tolist(), ids.tolist(), strict=True))
    want = sorted((rank, e) for rank, tid in enumerate(sources) for e in postings[tid]
                  if any(a <= births[e] < b for a, b in ranges))
    assert got == want
    assert np.asarray(ids).dtype == np.int32
