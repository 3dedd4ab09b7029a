"""Agreement of the non-name identifiers: birth date, nationality, sex.

Records are partial ("1959", "1959-03"), and day/month are often swapped between US-style and
European forms, so birth dates compare at the precision both sides have. Agreement moves a
name score up a little; clear disagreement moves it down. Missing data is neutral.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_DATE = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?\s*$")
_DATE_DMY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")


@dataclass(frozen=True, slots=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None


@lru_cache(maxsize=100_000)
def parse_date(value: str | None) -> PartialDate | None:
    """Parse YYYY, YYYY-MM, YYYY-MM-DD (also DD/MM/YYYY); None when absent or unreadable.
    (Cached: a million records carry some tens of thousands of dates; the result is immutable.)"""
    if not value:
        return None
    m = _DATE.match(value)
    if m:
        y, mo, d = m.groups()
        return PartialDate(int(y), int(mo) if mo else None, int(d) if d else None)
    m = _DATE_DMY.match(value)
    if m:
        d, mo, y = m.groups()
        return PartialDate(int(y), int(mo), int(d))
    return None


def date_agreement(a: PartialDate | None, b: PartialDate | None) -> str:
    """One of: unknown, exact, swapped, year, year_month, near_year, mismatch."""
    if a is None or b is None:
        return "unknown"
    if a.year != b.year:
        return "near_year" if abs(a.year - b.year) == 1 and (a.month is None or b.month is None) else "mismatch"
    if a.month is None or b.month is None:
        return "year"
    if a.day is None or b.day is None:
        if a.month == b.month:
            return "year_month"
        return "year" if a.day is None and b.day is None else "mismatch"
    if a.month == b.month and a.day == b.day:
        return "exact"
    if a.month == b.day and a.day == b.month:
        return "swapped"
    return "mismatch"


# (multiplier on the gap to 1 when positive, multiplier on the score when negative)
_DATE_EFFECT = {
    "unknown": 0.0,
    "exact": 0.35,
    "swapped": 0.25,
    "year_month": 0.2,
    "year": 0.1,
    "near_year": 0.0,
    "mismatch": -0.25,
}


def _nat_agreement(a: frozenset[str], b: frozenset[str]) -> str:
    if not a or not b:
        return "unknown"
    return "shared" if a & b else "different"


def _sex_agreement(a: str | None, b: str | None) -> str:
    if not a or not b:
        return "unknown"
    return "same" if a[0].lower() == b[0].lower() else "different"


def combine(
    name: float,
    date_a: PartialDate | None,
    date_b: PartialDate | None,
    nat_a: frozenset[str],
    nat_b: frozenset[str],
    sex_a: str | None,
    sex_b: str | None,
) -> tuple[float, dict[str, str]]:
    """Adjust a name score by attribute agreement; returns (score, agreements)."""
    d = date_agreement(date_a, date_b)
    n = _nat_agreement(nat_a, nat_b)
    s = _sex_agreement(sex_a, sex_b)
    score = name
    effect = _DATE_EFFECT[d]
    score = score + (1 - score) * effect if effect >= 0 else score * (1 + effect)
    if n == "shared":
        score += (1 - score) * 0.1
    elif n == "different":
        score *= 0.95
    if s == "different":
        score *= 0.8
    return round(min(1.0, max(0.0, score)), 6), {"birth_date": d, "nationality": n, "sex": s}


def normalise_nationalities(values: list[str] | tuple[str, ...] | None) -> frozenset[str]:
    """Upper-cased country codes, empty when absent."""
    return _nationalities(tuple(values or ()))


@lru_cache(maxsize=10_000)
def _nationalities(values: tuple[str, ...]) -> frozenset[str]:
    """(Cached: records repeat a few hundred combinations.)"""
    return frozenset(v.strip().upper() for v in values if v and v.strip())
