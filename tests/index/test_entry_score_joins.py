"""The index's lean entry scoring skips `align`'s join repair only when no join could win.

Joinable parts in both scripts (Abdel Rahman / Abdelrahman, Mohammad Javad / Mohammadjavad,
عبد الرحمن / عبدالرحمن): whatever the index skips must leave the score exactly `compare`'s.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from taawun.index import PersonIndex
from taawun.names import analyse_name, scoring

JOINS = ["Abdel", "Rahman", "Abdelrahman", "Mohammadjavad", "Mohammad", "Javad", "Hassan", "Ali", "Alireza", "Reza",
         "Abu", "Bakr", "Abubakr", "عبد", "الرحمن", "عبدالرحمن", "محمد", "جواد", "محمدجواد"]


@settings(max_examples=200, deadline=None)
@given(q=st.lists(st.sampled_from(JOINS), min_size=1, max_size=4),
       e=st.lists(st.sampled_from(JOINS), min_size=1, max_size=4), floor=st.sampled_from([0.0, 0.6, 0.8, 0.88]))
def test_entry_score_equals_compare_with_joined_parts(q: list[str], e: list[str], floor: float) -> None:
    """Exact at or above the floor; below it, any score below it (a screening drops those)."""
    assert_entry_score_agrees(" ".join(q), " ".join(e), floor)


def assert_entry_score_agrees(query: str, name: str, floor: float) -> None:
    """The index's score of `name` for `query` is `compare`'s at or above the floor, and below the floor
    when `compare`'s is (a screening drops those)."""
    idx = PersonIndex()
    idx.add("p", names=[name])
    qtoks = analyse_name(query)
    sims = [idx._similar(t) for t in qtoks]
    exact = scoring.name_score(query, name)
    got = idx._entry_score(qtoks, sims, idx._entry_tids(0), floor)
    if exact >= floor:
        assert got == exact
    else:
        assert got < floor
