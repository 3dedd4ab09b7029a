"""The kept candidates of common query parts never hide a change: a record added, updated or removed
after a query is seen by the next query with the same parts."""

import random

import pytest

from taawun.index import PersonIndex, gathered
from taawun.names import DEFAULT_THRESHOLD

GIVEN = ["Khalid", "Khaled", "Kaled", "خالد"]
OTHER = ["Haddad", "Nasser", "Darwish", "Qasim", "Salim", "Karim", "Zahrani", "Yusuf", "Hassan", "Saleh"]


@pytest.fixture()
def index(monkeypatch: pytest.MonkeyPatch) -> PersonIndex:
    monkeypatch.setattr(gathered, "_MIN_CANDIDATES", 20)  # keep even this small index's source sets
    rng = random.Random(2)
    idx = PersonIndex()
    for i in range(300):
        idx.add(f"p{i}", names=[f"{rng.choice(GIVEN)} {rng.choice(OTHER)} {rng.choice(OTHER)}"])
    return idx


def _ids(idx: PersonIndex, name: str) -> set[str]:
    return {h.record_id for h in idx.search(names=[name], limit=50, min_total=DEFAULT_THRESHOLD)}


def test_added_updated_and_removed_records_are_seen_through_kept_candidates(index: PersonIndex) -> None:
    query = "Khaled Darwish Qasim"
    assert "new" not in _ids(index, query)
    assert index._gathered._items  # the query's source set was kept
    index.add("new", names=["Khalid Darwish Qasim"])  # parts the index knows: the same source set
    assert "new" in _ids(index, query)
    index.add("new", names=["Khalid Zahrani Yusuf"])  # updated: its old name no longer hits
    assert "new" not in _ids(index, query)
    assert "new" in _ids(index, "Khalid Zahrani Yusuf")
    index.remove("new")
    assert "new" not in _ids(index, "Khalid Zahrani Yusuf")


def test_compaction_drops_kept_candidates(index: PersonIndex) -> None:
    before = _ids(index, "Khaled Haddad Nasser")
    assert before
    for rid in sorted(before):
        index.remove(rid)
    for i in range(300, 1700):  # enough removals and additions to compact the postings
        index.add(f"p{i}", names=["Khalid Saleh Karim"])
        if i % 2:
            index.remove(f"p{i}")
    assert not _ids(index, "Khaled Haddad Nasser") & before
