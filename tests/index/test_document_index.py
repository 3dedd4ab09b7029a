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
