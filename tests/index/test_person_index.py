"""PersonIndex behaviour: add/remove/update, search ordering, snapshots, threads."""

import json
import random
import threading
from pathlib import Path
from typing import Any

import pytest

from taawun.index import PersonIndex
from taawun.names import DEFAULT_THRESHOLD
from taawun.names.attributes import lifting_births, parse_date


def make() -> PersonIndex:
    idx = PersonIndex()
    idx.add("rec-1", names=["يورغن شتوك", "Jurgen Stock"], birth_date="1959", nationalities=["DEU"], sex="m")
    idx.add("rec-2", names=["سمير خليل حداد"], birth_date="1981-04-12", nationalities=["LBN"], sex="m")
    idx.add("rec-3", names=["Samira Haddad"], birth_date="1990", sex="f")
    idx.add("rec-4", names=["محمد عبد الرحمن الزهراني"], nationalities=["SAU"])
    return idx


def test_search_finds_across_scripts() -> None:
    hits = make().search(names=["Juergen Stock"], birth_date="1959-03-04", nationalities=[], limit=10)
    assert hits[0].record_id == "rec-1"
    assert hits[0].score >= DEFAULT_THRESHOLD
    assert 0.0 <= hits[0].score <= 1.0


def test_hits_sorted_and_explained() -> None:
    hits = make().search(names=["Samir Khalil Haddad"], limit=10)
    assert [h.record_id for h in hits][:1] == ["rec-2"]
    assert hits == sorted(hits, key=lambda h: -h.score)
    d = hits[0].to_dict()
    json.dumps(d)
    assert d["explanation"]["name"]["pairs"]
    assert "birth_date" in d["explanation"]


def test_birth_date_and_sex_agreement() -> None:
    idx = make()
    exact = idx.search(names=["Samir Haddad"], birth_date="1981-04-12")[0]
    swapped = idx.search(names=["Samir Haddad"], birth_date="1981-12-04")[0]
    wrong = idx.search(names=["Samir Haddad"], birth_date="1960-01-01")[0]
    assert exact.score >= swapped.score > wrong.score
    assert exact.explanation["birth_date"]["agreement"] == "exact"
    assert swapped.explanation["birth_date"]["agreement"] == "swapped"
    male = idx.search(names=["Samira Haddad"], sex="m")
    female = idx.search(names=["Samira Haddad"], sex="f")
    score_m = next(h.score for h in male if h.record_id == "rec-3")
    score_f = next(h.score for h in female if h.record_id == "rec-3")
    assert score_f > score_m


def test_remove_and_update() -> None:
    idx = make()
    assert idx.remove("rec-1")
    assert not idx.remove("rec-1")
    assert all(h.record_id != "rec-1" for h in idx.search(names=["Jurgen Stock"]))
    idx.add("rec-4", names=["Jurgen Stock"])  # re-add replaces the old names
    hits = idx.search(names=["Jurgen Stock"])
    assert hits[0].record_id == "rec-4"
    assert all(h.record_id != "rec-4" for h in idx.search(names=["Mohammed Zahrani"]))
    assert len(idx) == 3


def test_removed_records_never_returned_after_many_removals() -> None:
    idx = PersonIndex()
    for i in range(3000):
        idx.add(f"r{i}", names=[f"Samir Haddad{'x' * (i % 5)}", "سمير حداد"])
    for i in range(0, 3000, 2):
        idx.remove(f"r{i}")
    hits = idx.search(names=["Samir Haddad"], limit=3000)
    assert hits
    assert all(int(h.record_id[1:]) % 2 == 1 for h in hits)


def test_posting_counts_read_by_the_source_choice_follow_adds_compaction_and_snapshots(tmp_path: Path) -> None:
    """The source choice prices each part by its postings' length, counted from the entries added since it
    last looked, and splits the sources by it into long and short postings: if the count drifted, screenings
    would read far more candidates than the bound needs, or skip a posting counted empty."""
    idx = PersonIndex()

    def counts_agree(index: PersonIndex) -> bool:
        return index._posting_lengths().tolist() == [len(p) for p in index._postings]

    for i in range(3000):
        idx.add(f"r{i}", names=[f"Samir Haddad{'x' * (i % 5)}", "سمير حداد"])
    assert counts_agree(idx)
    for i in range(0, 3000, 2):
        idx.remove(f"r{i}")  # enough removals to compact the postings
    assert idx._compactions > 0 and counts_agree(idx)
    idx.add("r1", names=["Karim Mansour Haddad"])  # an update: removed, then added with new parts
    idx.add("r2", names=["Haddad Samir Haddad", "حداد حداد"])  # a part twice in one name: one posting each
    assert counts_agree(idx)  # counted from the few entries added since the last look
    path = tmp_path / "persons.snap"
    idx.save(path)
    loaded = PersonIndex.load(path)
    assert counts_agree(idx) and counts_agree(loaded)


def test_save_load_round_trip(tmp_path: Path) -> None:
    idx = make()
    idx.remove("rec-3")
    path = tmp_path / "persons.snap"
    idx.save(path)
    loaded = PersonIndex.load(path)
    assert len(loaded) == len(idx)
    for q in (["Jurgen Stock"], ["Samir Haddad"], ["Mohamed Zahrani"]):
        assert [(h.record_id, h.score) for h in loaded.search(names=q)] == [
            (h.record_id, h.score) for h in idx.search(names=q)
        ]
    loaded.add("rec-5", names=["Karim Mansour"])
    assert loaded.search(names=["Karim Mansour"])[0].record_id == "rec-5"


def test_concurrent_add_remove_search() -> None:
    idx = make()
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(200):
                idx.add(f"t{k}-{i}", names=[f"Samir Haddad {i}"])
                if i % 3 == 0:
                    idx.remove(f"t{k}-{i}")
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    def reader() -> None:
        try:
            for _ in range(100):
                idx.search(names=["Samir Haddad"], limit=5)
        except BaseException as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(2)] + [
        threading.Thread(target=reader) for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_empty_queries() -> None:
    idx = make()
    assert idx.search(names=[]) == []
    assert idx.search(names=["", "  "]) == []
    assert PersonIndex().search(names=["Samir"]) == []


def test_explanation_is_made_when_read_and_matches_compare(monkeypatch: pytest.MonkeyPatch) -> None:
    import taawun.index.person as person

    calls: list[tuple[str, str]] = []
    real = person.compare

    def counting(a: str, b: str) -> Any:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(person, "compare", counting)
    hits = make().search(names=["Samir Khalil Haddad"], limit=10)
    assert len(hits) >= 2 and not calls  # searching explains nothing yet
    first = hits[0].explanation
    assert calls == [("Samir Khalil Haddad", "سمير خليل حداد")]
    assert hits[0].explanation is first and len(calls) == 1  # made once
    assert first["name_score"] == real("Samir Khalil Haddad", "سمير خليل حداد").score
    assert hits[0].to_dict()["explanation"] == first
    plain = make().search(names=["Samir Khalil Haddad"], limit=10, explain=False)
    assert [(h.record_id, h.score) for h in plain] == [(h.record_id, h.score) for h in hits]
    assert plain[0].explanation == {} and len(calls) == 1


def test_parts_added_after_a_search_are_found_by_the_same_query() -> None:
    """A query's similar-part lists are kept between searches; a record whose parts are new to the
    index must still be found by a screening that was asked before it was added."""
    idx = PersonIndex()
    for i in range(300):  # enough namesakes that candidates are ranked, not all scored
        idx.add(f"ns-{i}", names=[f"Youssef Khoury {['Adel', 'Samir', 'Nabil'][i % 3]}"], birth_date="1970")
    query = {"names": ["Yousuf Khouri"], "birth_date": "1984-02-03", "limit": 5, "min_total": DEFAULT_THRESHOLD}
    assert idx.search(**query) == []  # a screening: the namesakes are not close enough
    idx.add("new", names=["Yousuf Khouri"], birth_date="1984-02-03")
    hits = idx.search(**query)
    assert hits and hits[0].record_id == "new"
    assert hits[0].score == pytest.approx(1.0)


def test_namesake_added_after_a_search_ranks_by_its_birth_date() -> None:
    """Among hundreds of namesakes the one born on the queried day comes first, also when it was
    added after the common name's entries had been read (the index keeps those in bulk and must
    extend them)."""
    idx = PersonIndex()
    for i in range(400):
        idx.add(f"ns-{i}", names=["Youssef Khoury", "يوسف خوري"], birth_date=f"{1940 + i % 40}-0{1 + i % 9}-1{i % 10}")
    query = {"names": ["Yousef Khouri"], "birth_date": "1984-02-03", "limit": 3, "min_total": DEFAULT_THRESHOLD}
    assert all(h.record_id.startswith("ns-") for h in idx.search(**query))
    idx.add("born-that-day", names=["يوسف خوري"], birth_date="1984-02-03")
    for i in range(400, 420):
        idx.add(f"ns-{i}", names=["Youssef Khoury"], birth_date="1950")
    hits = idx.search(**query)
    assert hits[0].record_id == "born-that-day"
    assert hits[0].explanation["birth_date"]["agreement"] == "exact"


def test_dated_candidates_of_a_grown_index_include_every_namesake_born_that_year() -> None:
    """A dated screening reads a common part's entries born in the query's year from their birth
    dates kept sorted; entries added after the sort must be among them too (else a person added
    during the day and screened on an exact birth date could be missed)."""
    rng = random.Random(5)
    firsts = ["Samir", "Sameer", "سمير"]  # common parts: thousands of entries each
    lasts = ["Haddad", "Hadad", "حداد", "Khoury", "خوري", "Nasser", "Saleh", "Salih"]
    idx = PersonIndex()

    def add(i: int) -> str:
        name = f"{rng.choice(firsts)} {rng.choice(firsts)} {rng.choice(lasts)}"
        day = f"{rng.randint(1960, 1965)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        idx.add(f"p{i}", names=[name], birth_date=day)
        return day

    for i in range(6000):
        add(i)
    idx.finalize()
    days_added_later = [add(i) for i in range(6000, 6400)]
    born = {rid: idx._records[idx._rid[rid]].birth for rid in idx._rid}  # type: ignore[union-attr]
    common = [tid for tid, plist in enumerate(idx._postings) if len(plist) > 3000]  # the first names
    assert len(common) == 3
    for day in days_added_later[::40]:
        qdate = parse_date(day)
        assert qdate is not None
        found = {idx._records[idx._entry_rec[e]].record_id for e in idx._dated(common, lifting_births(qdate))}  # type: ignore[union-attr]
        expected = {rid for rid, b in born.items() if b == qdate}
        assert expected and expected <= found
