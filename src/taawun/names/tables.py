"""Access to the learned tables in `data/` (built by scripts/build_name_tables.py).

Loaded lazily once per process; see data/README.md for provenance.
"""

from __future__ import annotations

import gzip
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

_DATA = Path(__file__).resolve().parent / "data"


def _read(name: str) -> Any:
    with gzip.open(_DATA / name, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@cache
def spellings() -> dict[str, tuple[str, ...]]:
    """Arabic name token -> attested Latin spellings (from word-level transliteration tables)."""
    raw: dict[str, list[str]] = _read("spellings.json.gz")
    return {k: tuple(v) for k, v in raw.items()}


@cache
def spelling_owners() -> dict[str, frozenset[str]]:
    """Latin spelling -> the Arabic name tokens it is an attested spelling of (the reverse of
    `spellings`, without owners whose consonants disagree with the spelling)."""
    raw: dict[str, list[str]] = _read("spelling_owners.json.gz")
    return {k: frozenset(v) for k, v in raw.items()}


@cache
def _df() -> tuple[dict[str, int], int, int]:
    raw = _read("token_df.json.gz")
    return raw["df"], int(raw["persons"]), int(raw["min_df"])


MIN_WEIGHT = 0.12


def key_weight(key: str) -> float:
    """Rarity weight in [MIN_WEIGHT, 1] of a name part with phonetic key `key`.

    An inverse document frequency scaled so that a part used by fewer than `min_df` persons
    (anything absent from the table) weighs 1 and the most common part (Mohammed) little:
    sharing "Mohammed" says almost nothing about identity, sharing "Zahrani" says much.
    """
    df, n, min_df = _df()
    count = df.get(key)
    if count is None:
        return 1.0
    w = 1.0 - math.log(count / min_df) / math.log(n / min_df)
    return max(MIN_WEIGHT, min(1.0, w))
