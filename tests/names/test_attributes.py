"""Birth-date agreement: the vectorised form the index ranks with must say what `combine` says."""

import itertools

import numpy as np

from taawun.names.attributes import _DATE_EFFECT, PartialDate, date_agreement, date_effects, pack_date, parse_date

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
