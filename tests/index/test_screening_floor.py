"""A screening asks only for hits at the threshold (`min_total`): it must get every one of them.

The index skips names that no agreement of birth date and nationality could lift to the threshold;
the inversion of `combine` behind it must be exact, and on a small index (where the general search
scores every candidate) the screening answer must be the general answer cut at the threshold.
"""

import random

from hypothesis import given
from hypothesis import strategies as st

from taawun.index import PersonIndex
from taawun.names import DEFAULT_THRESHOLD
from taawun.names.attributes import PartialDate, combine, lowest_name_score

DATES = [None, PartialDate(1980), PartialDate(1980, 5), PartialDate(1980, 5, 1)]


@given(name=st.floats(0.0, 1.0), total=st.floats(0.5, 1.0), date=st.sampled_from(DATES),
       nats=st.sampled_from([frozenset(), frozenset({"SYR"})]))
def test_lowest_name_score_inverts_combine_at_best_agreement(name: float, total: float, date: PartialDate | None,
                                                              nats: frozenset[str]) -> None:
    """A name at the floor can reach the total with a record that agrees on everything the query gives;
    a name below it cannot reach it with any record."""
    floor = lowest_name_score(total, date, nats)
    best, _ = combine(name, date, date, nats, nats, None, None)
    if name < floor - 1e-6:
        for record_date in DATES:
            for record_nats in (frozenset(), frozenset({"SYR"}), frozenset({"IRQ"})):
                assert combine(name, date, record_date, nats, record_nats, "m", "m")[0] < total
    if name >= floor + 1e-6:
        assert best >= total - 1e-6


FIRST = ["Samir", "Samira", "Khalil", "Mohammed", "Muhammad", "Ali", "Hassan", "Hussein", "Youssef", "Yusuf",
         "سمير", "خليل", "محمد", "علي", "حسن", "حسين", "يوسف"]
LAST = ["Haddad", "Zahrani", "Kassem", "Qasim", "Darwish", "حداد", "الزهراني", "قاسم", "درويش", "Nasser", "ناصر"]


def test_screening_search_is_the_general_search_cut_at_the_threshold() -> None:
    rng = random.Random(5)
    idx = PersonIndex()
    for i in range(60):
        names = [f"{rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 2))]
        idx.add(f"p{i}", names=names, birth_date=rng.choice([None, "1980", "1980-05-01", "1975-02-03"]),
                nationalities=rng.choice([[], ["SYR"], ["IRQ"]]))
    checked = 0
    for _ in range(80):
        q = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        date = rng.choice([None, "1980-05-01", "1980"])
        nats = rng.choice([[], ["SYR"]])
        general = idx.search(names=[q], birth_date=date, nationalities=nats, limit=100)
        screening = idx.search(names=[q], birth_date=date, nationalities=nats, limit=100,
                               min_total=DEFAULT_THRESHOLD)
        want = [(h.record_id, h.score) for h in general if h.score >= DEFAULT_THRESHOLD]
        assert [(h.record_id, h.score) for h in screening] == want, q
        checked += bool(want)
    assert checked >= 10  # the queries did find hits at the threshold
