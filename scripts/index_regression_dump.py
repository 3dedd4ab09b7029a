"""Results of a fixed set of searches on a generated watchlist, to check that a speed change to the index
changes no result.

A change to `PersonIndex`'s candidate path (sources, gathers, shortlists, scoring shortcuts) should leave
every hit and score as it was. This builds a 100k-person watchlist (benchmarks/watchlist_gen.py, seed 1),
saves and reloads it (the snapshot path workers take), runs 1,000 screening and 1,000 general searches
(half with a nationality), and writes their hits as JSON; `--against OLD.json` then says whether the two
runs agree: identical, different only in the order of hits with equal scores (ties have no order), or
different (the searches are listed).

    .venv/bin/python scripts/index_regression_dump.py /tmp/before.json              # on the old commit
    .venv/bin/python scripts/index_regression_dump.py /tmp/after.json --against /tmp/before.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from names_speed import make_queries  # noqa: E402
from taawun.index import PersonIndex  # noqa: E402
from watchlist_gen import WatchlistGenerator  # noqa: E402

Results = list[list[list[Any]]]


def run(persons: int) -> Results:
    gen = WatchlistGenerator(1)
    keep_at = set(random.Random("1:pick").sample(range(min(persons, 20_000)), 1000))
    keep = {}
    idx = PersonIndex()
    for i, p in enumerate(gen.persons(persons)):
        if i in keep_at:
            keep[i] = p
        r = p.record
        idx.add(r["id"], r["names"], r["birth_date"], r["nationalities"], r["sex"])
    idx.finalize()
    with tempfile.TemporaryDirectory() as tmp:
        idx.save(Path(tmp) / "persons.idx")
        idx = PersonIndex.load(Path(tmp) / "persons.idx")
    out: Results = []
    for q in make_queries(gen, keep, 500, 1)[:1000]:
        nationalities = ["MAR"] if len(q["name"]) % 3 == 0 else []
        for min_total in (0.88, None):
            hits = idx.search(names=[q["name"]], birth_date=q["birth_date"], nationalities=nationalities,
                              limit=10, min_total=min_total, explain=False)
            out.append([[h.record_id, h.score] for h in hits])
    return out


def differences(new: Results, old: Results) -> tuple[int, list[int]]:
    """(searches whose hits differ only among records of equal score, searches that really differ).

    Equal scores have no order, and when more records tie than the list or the index's shortlist holds
    (namesakes of a common name), which of them come back is arbitrary too; the scores rank by rank are
    what a change must keep."""
    ties, real = 0, []
    for k, (a, b) in enumerate(zip(new, old, strict=True)):
        if a == b:
            continue
        if [round(s, 6) for _, s in a] == [round(s, 6) for _, s in b]:
            ties += 1
        else:
            real.append(k)
    return ties, real


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="where to write this run's results (JSON)")
    parser.add_argument("--against", type=Path, help="an earlier run's results to compare with")
    parser.add_argument("--persons", type=int, default=100_000)
    args = parser.parse_args()
    results = run(args.persons)
    args.out.write_text(json.dumps(results))
    if args.against is None:
        print(f"{len(results)} searches written to {args.out}")
        return
    ties, real = differences(results, json.loads(args.against.read_text()))
    print(json.dumps({"searches": len(results), "identical": len(results) - ties - len(real),
                      "tie_order_only": ties, "different": len(real), "different_searches": real[:50]}))
    sys.exit(1 if real else 0)


if __name__ == "__main__":
    main()
