"""Agreement of the non-name identifiers: birth date, nationality, sex.

Records are partial ("1959", "1959-03"), and day/month are often swapped between US-style and
European forms, so birth dates compare at the precision both sides have. Agreement moves a
name score up a little; clear disagreement moves it down. Missing data is neutral.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

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


_SHARED_NATIONALITY_EFFECT = 0.1  # multiplier on the gap to 1 when a nationality is shared


def pack_date(date: PartialDate | None) -> int:
    """A date as one int, year * 10000 + month * 100 + day (missing parts 0; no date 0), for arrays."""
    if date is None:
        return 0
    return date.year * 10000 + (date.month or 0) * 100 + (date.day or 0)


def date_effects(query: PartialDate, packed: np.ndarray) -> np.ndarray:
    """`combine`'s birth-date effect of `query` against many packed dates at once (`date_agreement`
    vectorised): an index ranks thousands of namesakes by it before scoring a few exactly, for every
    passenger of a list.

    One binary search per date into the query's few runs of packed values of equal effect (no date, then
    the three years around the query's, as `_effect_runs` finds them), rather than a dozen passes over
    the array. (Years below 2 would put the runs over "no date"; they are worked out directly.)"""
    if query.year < 2:
        return _date_effects_direct(query, packed)
    starts, values = _effect_runs(query.month or 0, query.day or 0)
    bounds = np.concatenate((_NO_DATE, starts + query.year * 10000))
    return values.take(np.searchsorted(bounds, packed, side="right"))


_NO_DATE = np.array([0, 1], dtype=np.int64)  # the packed value of "no date" is alone in its run


@lru_cache(maxsize=1024)
def _effect_runs(month: int, day: int) -> tuple[np.ndarray, np.ndarray]:
    """For a query of this month and day (0: not given): where the effect changes over the three years
    around the query's (packed values relative to the start of its year, ending with the end of the next
    year), and the effect before, at "no date", up to the runs, in each run, and after them: the
    values `date_effects` reads by binary search.

    Read off `_date_effects_direct` itself, for any year (a packed value's month and day do not depend on
    its year), at the only values where one of its tests can change its answer: a year's start, every
    month's start and the value after it (with or without a day), and the query's month-day values (month
    alone, swapped, exact) and the value after each."""
    base = 2000
    within = {m * 100 + e for m in range(100) for e in (0, 1)}
    within |= {v + e for v in (month * 100, day * 100 + month, month * 100 + day) for e in (0, 1)}
    points = np.array(sorted(p for p in within if p < 10000), dtype=np.int64)
    at = np.concatenate([points + (base + k) * 10000 for k in (-1, 0, 1)])
    effect = _date_effects_direct(PartialDate(base, month or None, day or None), at)
    first = np.r_[0, np.flatnonzero(np.diff(effect)) + 1]
    starts = np.r_[at[first], (base + 2) * 10000] - base * 10000
    mismatch = _DATE_EFFECT["mismatch"]
    values = np.r_[mismatch, _DATE_EFFECT["unknown"], mismatch, effect[first], mismatch].astype(np.float32)
    starts.flags.writeable = values.flags.writeable = False  # shared by every call (cached)
    return starts, values


def _date_effects_direct(query: PartialDate, packed: np.ndarray) -> np.ndarray:
    """`date_effects` worked out date by date, the definition its runs are read from.

    Over the whole array only a subtraction and comparisons run (the three years around the query's are
    one range of packed values); month and day are looked at for the few dates in it. With the query's
    precision fixed, `date_agreement`'s cases within its year are a few packed month-day values (the
    month alone, the day, the swapped day) or a test of the month, each one comparison: a dated
    screening calls this on every candidate, and on some hundred dates per new date (`lifting_births`)."""
    e = _DATE_EFFECT
    out = np.full(len(packed), e["mismatch"], dtype=np.float32)
    out[packed == 0] = e["unknown"]
    y0 = query.year * 10000
    qm, qd = query.month or 0, query.day or 0
    rel = packed - (y0 - 10000)  # the year before the query's, its year and the year after: 0 <= rel < 30000
    window = np.flatnonzero((rel >= 0) & (rel < 30000))
    if not window.size:
        return out
    rel = rel[window]
    md = rel % 10000  # month * 100 + day
    got = np.full(len(window), e["mismatch"], dtype=np.float32)
    same = (rel >= 10000) & (rel < 20000)
    # a year apart: no evidence either way when either side lacks the month
    got[~same & (md < 100) if qm else ~same] = e["near_year"]
    if qm == 0:  # the query's month unknown: the year is all either side can tell
        got[same] = e["year"]
    elif qd == 0:  # year and month: the month decides where the record has one, else the year
        got[same & (md // 100 == qm)] = e["year_month"]
        got[same & (md % 100 == 0) & (md // 100 != qm)] = e["year"]  # neither side has the day
    else:
        got[same & (md == qm * 100)] = e["year_month"]  # the record lacks the day
        got[same & (md == qd * 100 + qm)] = e["swapped"]
        got[same & (md == qm * 100 + qd)] = e["exact"]  # (after swapped: day and month alike are exact)
    if qm:
        got[same & (md < 100)] = e["year"]  # the record lacks the month
    out[window] = got
    return out


@lru_cache(maxsize=4096)
def lifting_births(query: PartialDate) -> tuple[tuple[int, int], ...]:
    """The packed birth dates whose agreement with `query` lifts a score (`date_effects` > 0), as half-open
    ranges of packed values, ascending: an index sorted by birth date then reads exactly the agreeing records.

    All are within the query's year (a year apart is no evidence). Without a month, that is the whole
    year; with one, a date without a month ("year"), and then as `date_agreement` says: for a full date the
    month alone ("year_month"), the same day ("exact") and the day and month swapped ("swapped"); for a
    year and month, every date of that month and every month without a day. (A test holds this to
    `date_effects` for every month and day.)"""
    y0 = query.year * 10000
    if query.month is None:
        return ((y0, y0 + 10000),)
    qm = query.month
    if query.day is None:
        values = set(range(0, 10000, 100)) | set(range(qm * 100, qm * 100 + 100))
    else:
        values = {qm * 100, qm * 100 + query.day, query.day * 100 + qm}
    ranges = [(y0, y0 + 100)]  # no month: any day
    for v in sorted(values):
        if v < 100:
            continue
        if ranges[-1][1] == y0 + v:
            ranges[-1] = (ranges[-1][0], y0 + v + 1)
        else:
            ranges.append((y0 + v, y0 + v + 1))
    return tuple(ranges)


def neutral_births(query: PartialDate) -> tuple[tuple[int, int], ...]:
    """The packed birth dates whose agreement with `query` neither lifts nor lowers a score (`date_effects`
    == 0), as half-open ranges of packed values, ascending: no date at all, and a year apart where either
    side lacks the month ("near_year"). With `lifting_births`, these are the only records a dated
    screening can meet when a disagreeing date puts the threshold out of reach (`mismatch_name_score`),
    so its index reads them by birth date instead of every namesake. (A test holds this to `date_effects`
    for every month and day.)"""
    before, after = (query.year - 1) * 10000, (query.year + 1) * 10000
    width = 100 if query.month is not None else 10000  # with a month, only dates without one are near
    return (0, 1), (before, before + width), (after, after + width)


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
        score += (1 - score) * _SHARED_NATIONALITY_EFFECT
    elif n == "different":
        score *= 0.95
    if s == "different":
        score *= 0.8
    return round(min(1.0, max(0.0, score)), 6), {"birth_date": d, "nationality": n, "sex": s}


def _best_date_effect(query: PartialDate | None) -> float:
    """The most a record's birth date can add to a query with this date: agreement can be no
    more precise than the query is."""
    if query is None:
        return 0.0
    if query.month is None:
        return _DATE_EFFECT["year"]
    if query.day is None:
        return _DATE_EFFECT["year_month"]
    return _DATE_EFFECT["exact"]


def lowest_name_score(total: float, date: PartialDate | None, nationalities: frozenset[str]) -> float:
    """The lowest name score that `combine` can raise to `total` for a query with these attributes.

    Why: a screening wants only hits at or above the threshold, and a record whose name scores
    below this cannot get there however well its birth date and nationality agree, so the name
    search may skip it (far fewer candidates than the general floor). Inverts combine's upward
    moves: 1 - score = (1 - name) * (1 - date effect) * (0.9 when a nationality is shared).
    """
    room = (1.0 - _best_date_effect(date)) * (1.0 - _SHARED_NATIONALITY_EFFECT if nationalities else 1.0)
    return max(0.0, 1.0 - (1.0 - total) / room - 1e-6)  # the hair covers combine's rounding


def mismatch_name_score(total: float, nationalities: frozenset[str]) -> float:
    """The lowest name score that `combine` can raise to `total` when the birth dates disagree (the score
    is lowered, and only a shared nationality lifts it back): above 1 when no name can get there, as at the
    screening threshold, which then spares a dated screening every record born on another date."""
    lifted = 1.0 - (1.0 - total) / (1.0 - _SHARED_NATIONALITY_EFFECT if nationalities else 1.0)
    return max(0.0, lifted / (1.0 + _DATE_EFFECT["mismatch"]) - 1e-6)  # the hair covers combine's rounding


def normalise_nationalities(values: list[str] | tuple[str, ...] | None) -> frozenset[str]:
    """Upper-cased country codes, empty when absent."""
    return _nationalities(tuple(values or ()))


@lru_cache(maxsize=10_000)
def _nationalities(values: tuple[str, ...]) -> frozenset[str]:
    """(Cached: records repeat a few hundred combinations.)"""
    return frozenset(v.strip().upper() for v in values if v and v.strip())
