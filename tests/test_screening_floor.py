"""The name floor a screening gives the index: no person below it can reach the threshold, so none of
the hits a screening shows is lost by the index skipping them."""

from __future__ import annotations

import itertools
import random

from taawun.names import DEFAULT_THRESHOLD
from taawun.names.attributes import combine, normalise_nationalities, parse_date
from taawun.services.screening import lowest_name_score

DATES = [None, "1980", "1980-05", "1980-05-06", "1980-06-05", "1981", "1979-05-06", "1980-05-07", "2001-12-31",
         "1980-06", "1981-05-06"]
NATIONALITIES = [[], ["MAR"], ["FRA"], ["MAR", "FRA"], ["DZA", "TUN"]]
SEXES = [None, "m", "f"]


def test_no_name_score_below_the_floor_reaches_the_threshold_whatever_the_attributes() -> None:
    floor = lowest_name_score(DEFAULT_THRESHOLD)
    rng = random.Random(3)
    scores = [floor - 1e-9, floor - 1e-4, floor - rng.random() * 0.01, floor * 0.9, 0.6]
    for qd, sd, qn, sn, qs, ss in itertools.product(DATES, DATES, NATIONALITIES, NATIONALITIES, SEXES, SEXES):
        args = (parse_date(qd), parse_date(sd), normalise_nationalities(qn), normalise_nationalities(sn), qs, ss)
        for s in (floor, *scores):
            assert combine(s, *args)[0] < DEFAULT_THRESHOLD, (s, qd, sd, qn, sn, qs, ss)


def test_the_floor_is_tight_a_name_just_above_it_can_reach_the_threshold() -> None:
    floor = lowest_name_score(DEFAULT_THRESHOLD)
    same, shared = parse_date("1975-03-09"), normalise_nationalities(["JOR"])
    assert combine(floor + 1e-6, same, same, shared, shared, "m", "m")[0] >= DEFAULT_THRESHOLD
    assert 0.6 < floor < DEFAULT_THRESHOLD  # attributes can lift a name, so the floor sits below the threshold
