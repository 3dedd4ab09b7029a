"""The index's entry scoring settles an entry before scoring its unlisted pairs (below CAND_MIN_SIM)
only when no such pair, and no join, could lift it to the floor: whatever it settles must stay below
the floor, and every score at or above it must be exactly `compare`'s.

Parts chosen to be alike at every level around the cut-offs (Samira / Samina / Amina, Qasim / Asim /
Wasim, Hassan / Hussein / Hasan, Arabic and Latin forms), with joinable ones, in names of different
lengths, so that unlisted pairs between MIN_PAIR_SIM and CAND_MIN_SIM decide some scores.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from taawun.names import analyse_name
from taawun.names.scoring import MIN_PAIR_SIM
from taawun.names.similarity import token_similarity
from tests.index.test_entry_score_joins import assert_entry_score_agrees

PARTS = ["Samira", "Samina", "Amina", "Qasim", "Asim", "Wasim", "Hassan", "Hussein", "Hasan", "Khalil", "Khalid",
         "Karim", "Kamal", "Salim", "Salma", "Abdel", "Rahman", "Abdelrahman", "Nour", "Eddine", "Noureddine", "J.",
         "سميرة", "قاسم", "عاصم", "حسن", "حسين", "خليل", "كريم", "سليم", "عبد", "الرحمن"]
FLOORS = [0.0, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.95]


@settings(max_examples=400, deadline=None)
@given(q=st.lists(st.sampled_from(PARTS), min_size=1, max_size=5),
       e=st.lists(st.sampled_from(PARTS), min_size=1, max_size=5), floor=st.sampled_from(FLOORS))
def test_entry_score_equals_compare_at_or_above_the_floor(q: list[str], e: list[str], floor: float) -> None:
    assert_entry_score_agrees(" ".join(q), " ".join(e), floor)


def test_the_parts_include_unlisted_pairs_that_align() -> None:
    """The parts above do pair below CAND_MIN_SIM (else the test would not reach the bound)."""
    toks = [analyse_name(p)[0] for p in PARTS]
    weak = [(a.text, b.text) for a in toks for b in toks
            if MIN_PAIR_SIM <= token_similarity(a, b, MIN_PAIR_SIM)[0] < 0.75]
    assert len(weak) >= 4, weak
