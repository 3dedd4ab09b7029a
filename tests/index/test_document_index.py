"""DocumentIndex: normalised numbers, with and without country."""

from pathlib import Path

from taawun.index import DocumentIndex, normalise_number


def test_normalise_number() -> None:
    assert normalise_number("P-1234 567") == "P1234567"
    assert normalise_number("p1234567") == "P1234567"
    assert normalise_number("AB.O12") == normalise_number("ab 012")


def test_search_with_and_without_country(tmp_path: Path) -> None:
    docs = DocumentIndex()
    docs.add("rec-9", number="P-1234 567", country="MAR")
    docs.add("rec-8", number="P1234567", country="DZA")
    assert [h.record_id for h in docs.search(number="p1234567", country="MAR")] == ["rec-9"]
    assert {h.record_id for h in docs.search(number="p1234567")} == {"rec-8", "rec-9"}
    assert docs.search(number="p1234568") == []
    docs.remove("rec-9")
    assert docs.search(number="p1234567", country="mar") == []
    path = tmp_path / "docs.snap"
    docs.save(path)
    loaded = DocumentIndex.load(path)
    assert [h.record_id for h in loaded.search(number="P 1234567")] == ["rec-8"]


def test_many_documents_across_merges(tmp_path: Path, monkeypatch) -> None:
    """Lookups agree with a plain dict model through batched merges, removals, re-adds and a snapshot."""
    import random

    from taawun.index import documents

    monkeypatch.setattr(documents, "_MIN_BATCH", 50)  # merge often
    rng = random.Random(3)
    docs = DocumentIndex()
    model: dict[tuple[str, str], list[str]] = {}
    owned: dict[str, list[tuple[str, str]]] = {}
    countries = ["MAR", "DZA", "FRA", ""]

    def add(rid: str, number: str, country: str) -> None:
        docs.add(rid, number=number, country=country)
        key = (normalise_number(number), country)
        if rid not in model.setdefault(key, []):
            model[key].append(rid)
            owned.setdefault(rid, []).append(key)

    def remove(rid: str) -> None:
        assert docs.remove(rid) == (rid in owned)
        for key in owned.pop(rid, []):
            model[key].remove(rid)

    for i in range(2000):
        rid = f"rec-{rng.randrange(600)}"
        add(rid, f"{rng.choice('ABO')}{rng.randrange(400):06d}", rng.choice(countries))
        if i % 7 == 0:
            remove(f"rec-{rng.randrange(600)}")
    add("rec-1", "a 000001", "MAR")
    add("rec-1", "A-000001", "MAR")  # the same document twice: one hit

    def check(index: DocumentIndex) -> None:
        assert len(index) == len(owned)
        for (num, ctry), rids in model.items():
            assert [h.record_id for h in index.search(number=num.lower(), country=ctry or None)
                    if ctry or h.country == ""] == rids, (num, ctry)
        assert index.search(number="Z999999") == []

    check(docs)
    path = tmp_path / "docs.snap"
    docs.save(path)
    check(DocumentIndex.load(path))
