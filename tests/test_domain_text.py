"""Script detection and id generation, which bulk imports run once per name and per record."""

from __future__ import annotations

import uuid
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from taawun.domain.text import _script_of_char, detect_script
from taawun.services.records import new_ids


def _by_counting_letters(text: str) -> str:
    """The definition: the script with most letters, the first seen on a tie; Zyyy without letters."""
    counts = Counter(s for s in map(_script_of_char, text) if s is not None)
    return max(counts.items(), key=lambda item: item[1])[0] if counts else "Zyyy"


def test_detect_script_on_names() -> None:
    assert detect_script("Karim Benali") == "Latn"
    assert detect_script("كريم بن علي") == "Arab"
    assert detect_script("Карим Беналі") == "Cyrl"
    assert detect_script("كريم Karim") == "Latn"  # 5 Latin letters against 4 Arabic
    assert detect_script("كريم Kari") == "Arab"  # a tie goes to the script seen first
    assert detect_script("12-34 !") == "Zyyy"


@given(st.lists(st.sampled_from(["Karim", "كريم", "Ali", "علي", "Карим", "ΚΑΡ", "李", " ", "-", "7", "\u200d"]),
                max_size=8).map("".join))
def test_detect_script_counts_letters(text: str) -> None:
    assert detect_script(text) == _by_counting_letters(text)


def test_new_ids_are_distinct_random_uuids() -> None:
    ids = new_ids(5000)
    assert len(set(ids)) == 5000
    for value in ids:
        parsed = uuid.UUID(value)
        assert str(parsed) == value and parsed.version == 4 and parsed.variant == uuid.RFC_4122
    assert new_ids(0) == []
