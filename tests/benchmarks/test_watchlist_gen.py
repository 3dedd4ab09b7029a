"""Tests for the benchmark watchlist generator and smoke runs of the name benchmarks.

Why: other benchmarks (API bulk-create, demo data) reuse ``generate_persons``; if its output drifted
with the run size or stopped being reproducible, figures from different runs would silently stop
being comparable. The data file lives outside the repo, so these tests skip without it.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

import watchlist_gen as wg  # noqa: E402

pytestmark = pytest.mark.skipif(not wg.DEFAULT_DATA.exists(), reason="names-dev.tsv not available")

DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d))?)?$")


def _has_arabic(s: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in s)


def test_persons_are_deterministic_and_independent_of_n() -> None:
    a = list(wg.generate_persons(1500, seed=3))
    b = list(wg.generate_persons(1200, seed=3))
    assert a[:1200] == b
    assert list(wg.generate_persons(50, seed=4)) != a[:50]
    gen = wg.WatchlistGenerator(3)
    assert [p.record for p in gen.persons(1500, start=1100)] == a[1100:]


def test_person_shape() -> None:
    people = list(wg.generate_persons(2000, seed=1))
    assert len({p["id"] for p in people}) == 2000
    for p in people:
        assert set(p) == {"id", "names", "birth_date", "nationalities", "sex"}
        assert len(p["names"]) == 3 and all(isinstance(n, str) and n.strip() for n in p["names"])
        assert _has_arabic(p["names"][0]) and not _has_arabic(p["names"][1])
        assert DATE.match(p["birth_date"]), p["birth_date"]
        assert all(re.fullmatch(r"[A-Z]{3}", c) for c in p["nationalities"])
        assert len(set(p["nationalities"])) == len(p["nationalities"]) <= 2
        assert p["sex"] in ("m", "f")
    kinds = {len(p["birth_date"]) for p in people}
    assert kinds == {4, 7, 10}  # year only, year-month and full dates all occur
    assert any(_has_arabic(p["names"][2]) for p in people) and any(not _has_arabic(p["names"][2]) for p in people)


def test_no_real_full_name_is_produced() -> None:
    parts = wg.load_parts(str(wg.DEFAULT_DATA))
    for p in wg.generate_persons(3000, seed=2):
        assert p["names"][0] not in parts.real_full_names
        assert p["names"][1].casefold() not in parts.real_full_names


def test_queries_are_in_the_other_script() -> None:
    gen = wg.WatchlistGenerator(1)
    rng = random.Random(0)
    for p in itertools.islice(gen.persons(300), 300):
        q, script = gen.listed_query(p, rng)
        assert script in ("latin", "arabic")
        assert _has_arabic(q) == (script == "arabic")


def test_documents() -> None:
    docs = list(wg.generate_documents(5000, seed=1))
    assert docs == list(wg.generate_documents(5000, seed=1))
    assert len({d["id"] for d in docs}) == 5000
    rng = random.Random(0)
    for d in docs:
        assert re.fullmatch(r"[A-Z]{0,3}\d{6,9}", d["number"]), d
        assert re.fullmatch(r"[A-Z]{3}", d["country"])
        typed = wg.display_variant(d["number"], rng)
        assert re.sub(r"[^0-9A-Za-z]", "", typed).upper() == d["number"]
    assert len({d["country"] for d in docs}) > 5


def test_quality_benchmark_smoke(tmp_path: Path) -> None:
    """The quality harness runs end to end on a tiny split (peers only: fast and always installed)."""
    out = subprocess.run(
        [sys.executable, str(BENCH / "names_quality.py"), "--quick", "--matchers", "rapidfuzz-token_sort_ratio",
         "--out", "test_quality_smoke"],
        capture_output=True, text=True, timeout=300, check=True,
    )
    res = json.loads(out.stdout)
    r = res["results"]["rapidfuzz-token_sort_ratio"]["full"]["latin_queries"]
    assert 0.0 <= r["recall_at_1pct_fa"] <= r["top1"] <= 1.0
    assert r["n_listed_queries"] == 60 and r["n_watchlist"] == 300


def test_speed_benchmark_smoke() -> None:
    """names_speed --quick exercises every stage against the engine (skipped until it exists)."""
    pytest.importorskip("taawun.index")
    out = subprocess.run(
        [sys.executable, str(BENCH / "names_speed.py"), "--quick", "--persons", "1", "--documents", "1",
         "--out", "test_speed_smoke"],
        capture_output=True, text=True, timeout=600, check=True,
    )
    res = json.loads(out.stdout)
    assert res["persons"]["build"]["persons"] == 2000
    assert res["persons"]["recall_vs_exhaustive"]["queries"] >= 5
    assert res["documents"]["present_found_rate"] == 1.0
