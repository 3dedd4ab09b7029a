"""A screening asks only for hits at the threshold (`min_total`): it must get every one of them.

The index skips names that no agreement of birth date and nationality could lift to the threshold;
the inversion of `combine` behind it must be exact, and on a small index (where the general search
scores every candidate) the screening answer must be the general answer cut at the threshold.
"""

import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taawun.index import PersonIndex
from taawun.names import DEFAULT_THRESHOLD
from taawun.names.attributes import PartialDate, combine, lowest_name_score, mismatch_name_score

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


@given(name=st.floats(0.0, 1.0), total=st.floats(0.5, 1.0), nats=st.sampled_from([frozenset(), frozenset({"SYR"})]))
def test_mismatch_name_score_inverts_combine_when_the_dates_disagree(name: float, total: float,
                                                                     nats: frozenset[str]) -> None:
    """Below it, a record born on another day cannot reach the total whatever else agrees; from it on, one
    that agrees on the rest can. At the screening threshold it is out of reach: a dated screening then
    skips every record born on another date."""
    floor = mismatch_name_score(total, nats)
    query, other = PartialDate(1980, 5, 1), PartialDate(1975, 2, 3)
    if name < floor - 1e-6:
        for record_nats in (frozenset(), frozenset({"SYR"})):
            assert combine(name, query, other, nats, record_nats, "m", "m")[0] < total
    if name >= floor + 1e-6:
        assert combine(name, query, other, nats, nats, None, None)[0] >= total - 1e-6
    assert mismatch_name_score(DEFAULT_THRESHOLD, frozenset({"SYR"})) > 1.0


FIRST = ["Samir", "Samira", "Khalil", "Mohammed", "Muhammad", "Ali", "Hassan", "Hussein", "Youssef", "Yusuf",
         "سمير", "خليل", "محمد", "علي", "حسن", "حسين", "يوسف"]
LAST = ["Haddad", "Zahrani", "Kassem", "Qasim", "Darwish", "حداد", "الزهراني", "قاسم", "درويش", "Nasser", "ناصر"]


@pytest.mark.parametrize("reloaded", [False, True])
def test_screening_search_is_the_general_search_cut_at_the_threshold(reloaded: bool, tmp_path: Path) -> None:
    """With and without birth dates (a dated query's weaker names come only from agreeing dates),
    also after a snapshot round trip (which rebuilds the per-entry dates)."""
    rng = random.Random(5)
    idx = PersonIndex()
    for i in range(300):
        names = [f"{rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 2))]
        idx.add(f"p{i}", names=names, birth_date=rng.choice([None, "1980", "1980-05-01", "1975-02-03", "1980-01-05"]),
                nationalities=rng.choice([[], ["SYR"], ["IRQ"]]))
    if reloaded:
        idx.save(tmp_path / "idx")
        idx = PersonIndex.load(tmp_path / "idx")
    checked = 0
    for _ in range(80):
        q = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        date = rng.choice([None, "1980-05-01", "1980", "1980-01-05", "1975-02-03"])
        nats = rng.choice([[], ["SYR"]])
        general = idx.search(names=[q], birth_date=date, nationalities=nats, limit=100)
        screening = idx.search(names=[q], birth_date=date, nationalities=nats, limit=100,
                               min_total=DEFAULT_THRESHOLD)
        want = [(h.record_id, h.score) for h in general if h.score >= DEFAULT_THRESHOLD]
        assert [(h.record_id, h.score) for h in screening] == want, q
        checked += bool(want)
    assert checked >= 10  # the queries did find hits at the threshold


def test_a_weaker_name_with_the_same_birth_date_is_still_a_hit_among_many_namesakes() -> None:
    """Samir Haddou ~ Samir Haddad scores 0.82 by name (Haddou is too far from Haddad to be listed
    as alike); an exact birth date lifts it to the threshold. The undated sources of the query are
    the rare Haddad's postings, which do not hold it: it must come through the date's own sources."""
    from taawun.names import compare

    assert 0.8 < compare("Samir Haddou", "Samir Haddad").score < DEFAULT_THRESHOLD
    rng = random.Random(9)
    idx = PersonIndex()
    for i in range(400):  # Samir is common, Haddad rare
        idx.add(f"s{i}", names=[f"Samir {rng.choice(LAST[:5])} {rng.choice(FIRST)}"],
                birth_date=rng.choice(["1970-01-01", "1985-07-09"]))
    idx.add("haddad", names=["Samir Haddad"], birth_date="1990-02-02")
    idx.add("same-day", names=["Samir Haddou"], birth_date="1980-05-01")
    idx.add("other-day", names=["Samir Haddou"], birth_date="1981-09-09")
    hits = {h.record_id: h.score for h in idx.search(names=["Samir Haddad"], birth_date="1980-05-01", limit=10,
                                                       min_total=DEFAULT_THRESHOLD)}
    assert "same-day" in hits and hits["same-day"] >= DEFAULT_THRESHOLD
    assert "other-day" not in hits


def test_long_names_among_many_namesakes_are_found() -> None:
    """Names of more parts than the index's part matrix holds (chains of seven or eight names, as Arabic
    names often are) are ranked and bounded with all their parts, also among hundreds of namesakes that
    differ only in the last ones."""
    rng = random.Random(9)
    idx = PersonIndex()
    chain = "Khalil Omar Hassan Saleh Ahmed Youssef"
    others = [x for x in LAST if x not in ("Haddad", "حداد")] + ["Mansour", "Bakri", "Jaber", "Saadi"]
    for i in range(400):
        idx.add(f"n{i}", names=[f"{chain} {rng.choice(['Karim', 'Nabil', 'Fadi'])} {rng.choice(others)}"])
    idx.add("long", names=[f"{chain} Karim Haddad"])
    for query in (f"{chain} Karim Haddad", "Khalil Omar Hasan Salih Ahmad Yusuf Karim Haddad"):
        hits = idx.search(names=[query], limit=5, min_total=DEFAULT_THRESHOLD)
        assert hits and hits[0].record_id == "long", query
        assert hits[0].score == idx.search(names=[query], limit=500)[0].score


@pytest.mark.parametrize("merge_after", [10**9, 40])
def test_dated_screening_follows_adds_removals_and_compaction(monkeypatch: pytest.MonkeyPatch,
                                                              merge_after: int) -> None:
    """The dated reads' (part, birth date) index is made at a search and must then follow the index: records
    added since (read one by one, or merged in once many), removed ones, and a compaction. Samir Haddou is
    reached only through the date's own sources (see the test above), so only that index can find him."""
    import taawun.index.person as person_module

    monkeypatch.setattr(person_module, "MERGE_AFTER", merge_after)
    rng = random.Random(9)
    live: dict[str, dict[str, object]] = {}
    grown = PersonIndex()

    def add(rid: str, name: str, born: str) -> None:
        live[rid] = {"names": [name], "birth_date": born}
        grown.add(rid, names=[name], birth_date=born)

    def filler(i: int) -> None:  # Samir is common, Haddad rare
        add(f"s{i}", f"Samir {rng.choice(LAST[:5])} {rng.choice(FIRST)}", rng.choice(["1970-01-01", "1985-07-09"]))

    def screen(idx: PersonIndex) -> set[str]:
        return {h.record_id for h in idx.search(names=["Samir Haddad"], birth_date="1980-05-01", limit=50,
                                                 min_total=DEFAULT_THRESHOLD)}

    for i in range(1600):
        filler(i)
    add("haddad", "Samir Haddad", "1990-02-02")
    assert screen(grown) == set()  # the index of birth dates is made now
    for k in range(4):
        add(f"same-day-{k}", "Samir Haddou", "1980-05-01")
        add(f"other-day-{k}", "Samir Haddou", "1981-09-09")
    want = {f"same-day-{k}" for k in range(4)}
    assert screen(grown) == want  # added since: read one by one (or merged in)
    for i in range(1600, 1700):
        filler(i)
    assert screen(grown) == want
    for rid in ["same-day-0", "same-day-1"] + [f"s{i}" for i in rng.sample(range(1700), 1100)]:
        grown.remove(rid)  # more than a third: the postings are compacted
        del live[rid]
    assert screen(grown) == {"same-day-2", "same-day-3"}
    add("same-day-4", "Samir Haddou", "1980-05-01")
    assert screen(grown) == {"same-day-2", "same-day-3", "same-day-4"}
    fresh = PersonIndex()
    for rid, rec in live.items():
        fresh.add(rid, **rec)  # type: ignore[arg-type]
    assert screen(fresh) == screen(grown)


@pytest.mark.parametrize("min_total", [DEFAULT_THRESHOLD, 0.6])
def test_dated_screening_finds_namesakes_without_a_date_or_a_year_apart(min_total: float) -> None:
    """Among hundreds of namesakes born on other days, which a dated screening at the threshold no longer
    reads, the records whose date neither agrees nor disagrees (none, or a year apart given without a month)
    must still be found, and at a lower threshold, which a disagreeing date can reach, so must those."""
    rng = random.Random(3)
    idx = PersonIndex()
    for i in range(600):
        idx.add(f"o{i}", names=[f"Khalil {rng.choice(FIRST)} Darwish"],
                birth_date=f"{rng.randint(1950, 1999)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    idx.add("no-date", names=["Khalil Youssef Darwish"])
    idx.add("year-apart", names=["Khalil Youssef Darwish"], birth_date="1979")
    idx.add("same-day", names=["Khalil Yusuf Darwish"], birth_date="1980-05-01")
    idx.add("other-day", names=["Khalil Youssef Darwish"], birth_date="1980-05-02")
    query = {"names": ["Khalil Youssef Darwish"], "birth_date": "1980-05-01"}
    screening = {h.record_id: h.score for h in idx.search(**query, limit=1000, min_total=min_total)}
    general = {h.record_id: h.score for h in idx.search(**query, limit=1000) if h.score >= min_total}
    assert screening == general
    assert {"no-date", "year-apart", "same-day"} <= set(screening)
    assert ("other-day" in screening) == (min_total < DEFAULT_THRESHOLD)
