"""Birth-date agreement: the vectorised form the index ranks with must say what `combine` says."""

import itertools

import numpy as np

from taawun.names.attributes import (
    _DATE_EFFECT,
    PartialDate,
    _date_effects_direct,
    date_agreement,
    date_effects,
    lifting_births,
    neutral_births,
    pack_date,
    parse_date,
)

DATES = [None] + [PartialDate(y, m, d) for y in (1979, 1980, 1981) for m in (None, 3, 5) for d in (None, 3, 5)
                  if not (m is None and d is not None)]


def test_date_effects_match_date_agreement_for_every_pair_of_precisions() -> None:
    packed = np.array([pack_date(d) for d in DATES], dtype=np.int32)
    for query in DATES[1:]:
        got = date_effects(query, packed)
        want = [_DATE_EFFECT[date_agreement(query, d)] for d in DATES]
        assert np.allclose(got, want), (query, list(zip(DATES, got.tolist(), want, strict=True)))


def test_date_effects_far_from_the_query_year_and_in_either_integer_width() -> None:
    """Dates two years or more before or after the query's (where a range check could wrap), unknown
    dates, and packed arrays of 32 or 64 bits all agree with `date_agreement`."""
    dates = [None, PartialDate(1900, None, None), PartialDate(1978, 12, 31), PartialDate(1979, 1, 1),
             PartialDate(1980, 6, 1), PartialDate(1981, 12, 31), PartialDate(1982, 1, 1), PartialDate(2030, 5, 3)]
    for query in (PartialDate(1980, None, None), PartialDate(1980, 5, 3), PartialDate(1901, 1, 1)):
        want = [_DATE_EFFECT[date_agreement(query, d)] for d in dates]
        for dtype in (np.int32, np.int64):
            got = date_effects(query, np.array([pack_date(d) for d in dates], dtype=dtype))
            assert np.allclose(got, want), (query, dtype, got.tolist(), want)


def test_swapped_day_and_month_and_partial_dates() -> None:
    assert date_agreement(parse_date("1980-05-03"), parse_date("03/05/1980")) == "exact"  # DD/MM/YYYY
    assert date_agreement(parse_date("1980-05-03"), parse_date("1980-03-05")) == "swapped"
    assert date_agreement(parse_date("1980"), parse_date("1980-03-05")) == "year"
    assert date_agreement(parse_date("1980-03"), parse_date("1980-03-05")) == "year_month"
    assert date_agreement(parse_date("1980"), parse_date("1981-03-05")) == "near_year"
    assert date_agreement(parse_date("1980-03-05"), parse_date("1981-03-05")) == "mismatch"
    assert all(isinstance(x, PartialDate) for x in itertools.islice(DATES[1:], 3))


# every month and day (and a day-first date read as month 13 or more), with or without the day, in one year
EVERY_DAY = [PartialDate(1980)] + [PartialDate(1980, m, d) for m in (*range(1, 14), 31) for d in (None, *range(1, 32))]


def test_date_effects_match_date_agreement_for_every_month_and_day() -> None:
    packed = np.array([0, *(pack_date(d) for d in EVERY_DAY)], dtype=np.int32)
    for query in EVERY_DAY:
        want = [_DATE_EFFECT["unknown"]] + [_DATE_EFFECT[date_agreement(query, d)] for d in EVERY_DAY]
        assert np.array_equal(date_effects(query, packed), np.array(want, dtype=np.float32)), query


def test_date_effects_read_from_runs_equal_the_date_by_date_definition() -> None:
    """`date_effects` reads each query's runs of equal effect (found at a few values only); over every packed
    value of the three years around the query's, impossible ones included, and beyond, it must give what
    the date-by-date definition gives."""
    packed = np.r_[0, 1, 99, np.arange(19780000, 19830000), 20301231, 99999999].astype(np.int32)
    for query in [PartialDate(1980), PartialDate(1980, 5), PartialDate(1980, 12), PartialDate(1981, 2, 29),
                  *EVERY_DAY]:
        assert np.array_equal(date_effects(query, packed), _date_effects_direct(query, packed)), query


def test_lifting_births_are_exactly_the_dates_whose_effect_lifts() -> None:
    """An index reads only these ranges of packed dates for a dated screening: they must hold every date
    that lifts a score (a missed one is a missed hit) and no other, for every precision of the query."""
    packed = np.arange(19790000, 19820000, dtype=np.int32)  # also impossible dates: month 0 with a day, day 99
    for query in EVERY_DAY:
        ranges = lifting_births(query)
        assert all(a < b for a, b in ranges) and all(b < a for (_, b), (a, _) in itertools.pairwise(ranges))
        inside = np.zeros(len(packed), dtype=np.bool_)
        for a, b in ranges:
            inside |= (packed >= a) & (packed < b)
        assert np.array_equal(inside, date_effects(query, packed) > 0), query


def test_neutral_births_are_exactly_the_dates_whose_effect_is_none() -> None:
    """A dated screening reads these (with the lifting ones) instead of every namesake when a disagreeing
    date cannot reach the threshold: they must hold every date that leaves a score as it is (no date, a
    year apart without a month on one side) and no date that lowers it."""
    packed = np.r_[np.zeros(1, dtype=np.int32), np.arange(19780000, 19830000, dtype=np.int32)]
    for query in [PartialDate(1980), PartialDate(1980, 5), *EVERY_DAY]:
        ranges = neutral_births(query)
        assert all(a < b for a, b in ranges) and all(b < a for (_, b), (a, _) in itertools.pairwise(ranges))
        inside = np.zeros(len(packed), dtype=np.bool_)
        for a, b in ranges:
            inside |= (packed >= a) & (packed < b)
        assert np.array_equal(inside, date_effects(query, packed) == 0), query
