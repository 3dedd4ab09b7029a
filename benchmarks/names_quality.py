"""Cross-script name-matching quality: taawun against peer matchers on names-dev.tsv.

Why: the name engine (issue 3) must find an Arabic-script watchlist entry from a Latin spelling
typed at a border post, and the other way round, without drowning officers in false alarms. The
only honest way to know whether it is good enough is to run it, under one protocol, beside the
matchers people would otherwise use: rapidfuzz on an anyascii transliteration, OpenSanctions'
nomenklatura (``logic-v2``, yente's default, and ``name-based``) and arabnamer.

Protocol (all seeded, see ``--seed``):

* Rows of ``names-dev.tsv`` are grouped into persons by the ``arabic`` column; only persons whose
  Arabic name has >= 2 whitespace-separated parts are used. Persons are shuffled and taken
  greedily so that no two chosen persons share a normalised Arabic name or a normalised Latin
  spelling (the data holds near-duplicates such as ``محمد علي``/``محمد على``; without this an
  "unlisted" query could legitimately match a distractor and a "wrong" top-1 could be right).
* Each person gets one Latin spelling, drawn at random (seeded) among its rows (any kind,
  aliases included — the data is noisy on purpose).
* ``latin_queries`` direction: the watchlist holds the Arabic names of ``--listed`` listed persons
  and ``--distractors`` distractor persons; queries are the Latin names of the listed persons (must
  hit) and of ``--unlisted`` other persons (must not hit).
  ``arabic_queries`` direction: the same with the scripts swapped.
* For each query, every watchlist entry is scored (exhaustive) — except ``taawun-index``, which
  uses ``PersonIndex.search(limit=10)``, the production path; entries it does not return score 0.
* top1: share of listed queries whose best-scoring entry is the right one. A tie at the top
  between the right entry and k-1 others gets credit 1/k (the expectation of a random tie-break).
* threshold (for 1% false alarms): the smallest score t such that at most 1% of the unlisted
  queries have a best score > t (i.e. their 99th percentile, nearest rank from above).
* recall_at_1pct_fa: share of listed queries whose right entry is top-1 (tie credit as above) AND
  scores > t. So a query counts only if the right person is alerted first with an alert bar that
  lets through at most 1% of innocent queries.
* For taawun, also at ``taawun.names.DEFAULT_THRESHOLD``: false-alarm rate = share of unlisted
  queries with any entry scoring >= the threshold; recall_top1 = right entry top-1 and >= threshold;
  recall_any_rank = right entry among the entries >= threshold at any rank.

Two run sizes: ``full`` (--listed/--distractors/--unlisted) and ``small`` (the first
--small-* persons of each group, so small is a subset of full). Fast matchers run on both; slow
ones (nomenklatura) on small only unless --slow-full — the sizes are recorded per result.
Exhaustive taawun ``compare`` runs on small only.

Run: ``.venv/bin/python benchmarks/names_quality.py`` (prints JSON, writes benchmarks/out/names_quality.json).
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import multiprocessing as mp
import os
import random
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_util import REPO_ROOT, emit, environment, log  # noqa: E402

DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "names-dev.tsv"
ALL_MATCHERS = (
    "taawun", "rapidfuzz", "nomenklatura-logic-v2", "nomenklatura-name-based", "arabnamer",
)
SLOW = {"nomenklatura-logic-v2", "nomenklatura-name-based"}
WORKERS = min(2, os.cpu_count() or 1)


# ------------------------------------------------------------------------------------------
# Data
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    arabic: str
    latin: str  # the one Latin spelling used for this person in this run


@dataclass
class Split:
    listed: list[Person]
    distractors: list[Person]
    unlisted: list[Person]

    def head(self, listed: int, distractors: int, unlisted: int) -> Split:
        return Split(self.listed[:listed], self.distractors[:distractors], self.unlisted[:unlisted])

    def sizes(self) -> dict[str, int]:
        return {"listed": len(self.listed), "distractors": len(self.distractors),
                "unlisted": len(self.unlisted)}


_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و",
                          "ئ": "ي", "ـ": None})


def _ar_key(s: str) -> str:
    return " ".join(s.translate(_AR_FOLD).split())


def _lat_key(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(ch for ch in s if ch.isalnum())


def load_split(data: Path, seed: int, n_listed: int, n_distractors: int, n_unlisted: int) -> Split:
    """Group rows by the Arabic column, keep >= 2-part names, draw disjoint groups (see module doc)."""
    latins: dict[str, list[str]] = defaultdict(list)
    with open(data, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            ar, lat = row["arabic"].strip(), row["latin"].strip()
            if ar and lat and lat not in latins[ar]:
                latins[ar].append(lat)
    names = sorted(a for a in latins if len(a.split()) >= 2)
    rng = random.Random(seed)
    rng.shuffle(names)
    used: set[str] = set()
    chosen: list[Person] = []
    need = n_listed + n_distractors + n_unlisted
    for ar in names:
        keys = {"a:" + _ar_key(ar)} | {"l:" + _lat_key(x) for x in latins[ar]}
        if keys & used:
            continue
        used |= keys
        # per-person RNG: the spelling chosen for a person does not depend on the run sizes
        prng = random.Random(hashlib.sha1(f"{seed}:{ar}".encode()).hexdigest())
        chosen.append(Person(ar, prng.choice(latins[ar])))
        if len(chosen) == need:
            break
    if len(chosen) < need:
        raise SystemExit(f"only {len(chosen)} usable persons in {data}, {need} requested")
    return Split(chosen[:n_listed], chosen[n_listed:n_listed + n_distractors],
                 chosen[n_listed + n_distractors:])


@dataclass
class Task:
    """One direction of one run: queries (listed first), watchlist, expected column per listed query."""

    direction: str
    queries: list[str]
    n_listed: int
    entries: list[str]
    expected: list[int]


def make_tasks(split: Split) -> list[Task]:
    wl = split.listed + split.distractors
    exp = list(range(len(split.listed)))
    return [
        Task("latin_queries", [p.latin for p in split.listed + split.unlisted], len(split.listed),
             [p.arabic for p in wl], exp),
        Task("arabic_queries", [p.arabic for p in split.listed + split.unlisted], len(split.listed),
             [p.latin for p in wl], exp),
    ]


# ------------------------------------------------------------------------------------------
# Metrics
# ------------------------------------------------------------------------------------------
def fa_threshold(unlisted_best: np.ndarray, rate: float = 0.01) -> float:
    """Smallest t such that at most `rate` of unlisted best scores are > t."""
    s = np.sort(unlisted_best)
    k = int(np.floor(rate * len(s)))
    return float(s[len(s) - 1 - k])


def metrics_from_rows(rows: Sequence[dict[int, float]], task: Task) -> dict[str, Any]:
    """Metrics from sparse per-query scores {entry index: score} (missing entries score 0)."""
    L = task.n_listed
    unl_best = np.array([max(r.values(), default=0.0) for r in rows[L:]], dtype=float)
    t = fa_threshold(unl_best)
    top1 = rec = optimistic = 0.0
    credits = []
    for i in range(L):
        r = rows[i]
        right = r.get(task.expected[i], 0.0)
        best = max(r.values(), default=0.0)
        credit = 0.0
        if right > 0 and right >= best:
            credit = 1.0 / sum(1 for v in r.values() if v == best)
        credits.append(credit)
        top1 += credit
        optimistic += credit > 0
        if right > t:
            rec += credit
    return {
        "top1": round(top1 / L, 4),
        # right entry among those tied at the top (ties broken in its favour): shows how much of a
        # matcher's top-1 loss is coarse scores rather than wrong rankings
        "top1_ties_favourable": round(optimistic / L, 4),
        "recall_at_1pct_fa": round(rec / L, 4),
        "threshold": round(t, 4),
        "false_alarm_rate_at_threshold": round(float((unl_best > t).mean()), 4),
        # if >1% of innocent queries already score the maximum, no threshold reaches 1% FA: recall 0
        "unlisted_share_at_max_score": round(float((unl_best >= 1.0 - 1e-9).mean()), 4),
        "n_listed_queries": L,
        "n_unlisted_queries": len(rows) - L,
        "n_watchlist": len(task.entries),
        "_credits": credits,
        "_unlisted_best": unl_best,
    }


def rows_from_matrix(m: np.ndarray, task: Task) -> list[dict[int, float]]:
    """Keep, per query, the entries tied at the top plus the right one (enough for the metrics)."""
    out = []
    for i in range(m.shape[0]):
        row = m[i]
        best = row.max()
        d = {int(j): float(row[j]) for j in np.flatnonzero(row == best)}
        if i < task.n_listed:
            j = task.expected[i]
            d.setdefault(j, float(row[j]))
        out.append(d)
    return out


# ------------------------------------------------------------------------------------------
# Exhaustive scoring with 2 worker processes (fork: the prepared state is inherited)
# ------------------------------------------------------------------------------------------
_ROW_FN: Callable[[int], np.ndarray] | None = None


def _row_worker(idx: list[int]) -> list[np.ndarray]:
    assert _ROW_FN is not None
    return [_ROW_FN(i) for i in idx]


def parallel_rows(row_fn: Callable[[int], np.ndarray], n: int, workers: int = WORKERS) -> np.ndarray:
    """Score rows 0..n-1 with row_fn in `workers` forked processes; returns the (n, E) matrix."""
    global _ROW_FN
    _ROW_FN = row_fn
    chunks = [list(range(i, min(n, i + 25))) for i in range(0, n, 25)]
    if workers <= 1:
        parts = [_row_worker(c) for c in chunks]
    else:
        with mp.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_row_worker, chunks, chunksize=1)
    _ROW_FN = None
    return np.vstack([r for p in parts for r in p])


# ------------------------------------------------------------------------------------------
# Matchers. Each maps (queries, entries) -> score matrix in [0, 1], plus a raw per-pair function
# (strings in, nothing prepared) used to measure single-thread pairs/s.
# ------------------------------------------------------------------------------------------
class Matcher:
    name = "base"
    parallel = WORKERS
    notes = ""

    def matrix(self, queries: list[str], entries: list[str]) -> np.ndarray:
        raise NotImplementedError

    def pair(self, a: str, b: str) -> float:
        raise NotImplementedError


class RapidfuzzMatcher(Matcher):
    """rapidfuzz on anyascii(both sides), lower-cased and stripped of punctuation."""

    def __init__(self, scorer_name: str) -> None:
        from anyascii import anyascii
        from rapidfuzz import fuzz, utils

        self.name = f"rapidfuzz-{scorer_name}"
        self.scorer = {"token_sort_ratio": fuzz.token_sort_ratio, "WRatio": fuzz.WRatio,
                       "token_set_ratio": fuzz.token_set_ratio}[scorer_name]
        self.prep = lambda s: utils.default_process(anyascii(s))
        self.notes = f"rapidfuzz.fuzz.{scorer_name} on utils.default_process(anyascii(name)); score/100"

    def matrix(self, queries: list[str], entries: list[str]) -> np.ndarray:
        from rapidfuzz import process

        q = [self.prep(s) for s in queries]
        e = [self.prep(s) for s in entries]
        return process.cdist(q, e, scorer=self.scorer, dtype=np.float32, workers=self.parallel) / 100.0

    def pair(self, a: str, b: str) -> float:
        return float(self.scorer(self.prep(a), self.prep(b))) / 100.0


def _is_arabic(s: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff"
               for ch in s)


class ArabnamerMatcher(Matcher):
    """arabnamer: Latin names -> Arabic with its own translit (XGBoost), then its similarity().

    similarity(a, b) = fuzzy_match(a, b, threshold=85): normalise Arabic; 100 if equal; else
    fuzz.ratio if >= 85; else partial_ratio if >= 85; else max(ratio, partial_ratio). The matrix
    reproduces exactly that with rapidfuzz.process.cdist (checked against similarity() on a sample
    at start-up). Transliteration is cached per token (the model is deterministic per token).
    """

    name = "arabnamer"
    notes = ("translit(engine='model') for Latin names, then similarity(a, b) (default threshold 85), "
             "vectorised with cdist; score/100. Quirk: the score returned depends on the threshold "
             "(ratio is returned as soon as it passes, even if partial_ratio is higher).")

    def __init__(self) -> None:
        os.environ.setdefault("ARABNAMER_OFFLINE", "1")
        import arabnamer
        from arabnamer import Transliterator

        self.arabnamer = arabnamer
        self.tr = Transliterator(engine="model")
        self.tr._translit_token = functools.lru_cache(maxsize=None)(self.tr._translit_token)  # type: ignore[method-assign]
        self._cache: dict[str, str] = {}

    def to_arabic(self, s: str) -> str:
        if _is_arabic(s):
            return s
        if s not in self._cache:
            self._cache[s] = self.tr.translit(s).arabic
        return self._cache[s]

    def translit_many(self, names: list[str]) -> None:
        """Fill the cache for many Latin names with ONE XGBoost predict call.

        arabnamer's own translit() builds a DMatrix and calls predict per token (~0.1 s each);
        for thousands of names that is the whole run. This replays translit(engine='model') —
        split_name + merge_articles, then predict_token per token — batched; the result is checked
        against translit() on a sample below.
        """
        import xgboost as xgb
        from arabnamer.prediction.featurize import PAD_LEN, featurize_word
        from arabnamer.utils import merge_articles, split_name

        model = self.tr._model
        assert model is not None
        todo = [n for n in dict.fromkeys(names) if not _is_arabic(n) and n not in self._cache]
        toks = {n: merge_articles(split_name(n)) for n in todo if n.strip()}
        uniq = sorted({t for ts in toks.values() for t in ts if 0 < len(t) <= PAD_LEN})
        out: dict[str, str] = {}
        if uniq:
            rows: list[list[int]] = []
            spans = []
            for t in uniq:
                f = featurize_word(t)
                spans.append((len(rows), len(rows) + len(f)))
                rows.extend(f)
            ids = model._booster.predict(xgb.DMatrix(np.array(rows, dtype=np.int32))).argmax(axis=1)
            labels = model._labels
            for t, (a, b) in zip(uniq, spans, strict=True):
                out[t] = "".join(labels[int(i)] for i in ids[a:b])
        for n in todo:
            if not n.strip():
                self._cache[n] = ""
                continue
            self._cache[n] = " ".join(out.get(t, t) for t in toks[n])
        rng = random.Random(1)
        for n in rng.sample(todo, min(8, len(todo))):
            ref = self.tr.translit(n).arabic
            assert ref == self._cache[n], (n, ref, self._cache[n])

    def matrix(self, queries: list[str], entries: list[str]) -> np.ndarray:
        from rapidfuzz import fuzz, process

        norm = self.arabnamer.normalize_arabic
        self.translit_many(queries + entries)
        q = [norm(self.to_arabic(s)) for s in queries]
        e = [norm(self.to_arabic(s)) for s in entries]
        r = process.cdist(q, e, scorer=fuzz.ratio, dtype=np.float32, workers=self.parallel)
        p = process.cdist(q, e, scorer=fuzz.partial_ratio, dtype=np.float32, workers=self.parallel)
        out = np.where(r >= 85, r, np.where(p >= 85, p, np.maximum(r, p)))
        eq = np.array(q, dtype=object)[:, None] == np.array(e, dtype=object)[None, :]
        out[eq] = 100.0
        # self-check against the library's own function on a few pairs
        rng = random.Random(0)
        for _ in range(200):
            i, j = rng.randrange(len(q)), rng.randrange(len(e))
            ref = self.arabnamer.similarity(self.to_arabic(queries[i]), self.to_arabic(entries[j]))[1]
            assert abs(ref - out[i, j]) < 1e-3, (queries[i], entries[j], ref, out[i, j])
        return out / 100.0

    def pair(self, a: str, b: str) -> float:
        return float(self.arabnamer.similarity(self.to_arabic(a), self.to_arabic(b))[1]) / 100.0


def _enlarge_nomenklatura_caches() -> None:
    """nomenklatura memoises name analysis per entity id in lru_caches of 1,000 entries (MEMO_BATCH):
    fine for yente (a query against ~100 candidates), but an exhaustive 5,000-entry scan evicts
    every entry before it is reused. Re-wrap those caches bigger; scores are unchanged."""
    import nomenklatura.matching  # noqa: F401  (loads every matcher module)
    from nomenklatura.matching.util import MEMO_BATCH

    mods = [m for n, m in sys.modules.items() if n.startswith("nomenklatura.matching") and m is not None]
    swap: dict[int, Any] = {}
    for m in mods:
        for _attr, obj in list(vars(m).items()):
            info = getattr(obj, "cache_parameters", None)
            if callable(info) and info().get("maxsize") == MEMO_BATCH and id(obj) not in swap:
                swap[id(obj)] = functools.lru_cache(maxsize=1 << 18)(obj.__wrapped__)
    for m in mods:
        for attr, obj in list(vars(m).items()):
            if id(obj) in swap:
                setattr(m, attr, swap[id(obj)])


class NomenklaturaMatcher(Matcher):
    """nomenklatura ScoringAlgorithm.compare on followthemoney Person entities (one name each)."""

    def __init__(self, algorithm: str) -> None:
        _enlarge_nomenklatura_caches()
        from followthemoney import model
        from nomenklatura.matching import get_algorithm

        algo = get_algorithm(algorithm)
        assert algo is not None, algorithm
        self.algo = algo
        self.config = algo.default_config()
        self.model = model
        self._n = 0
        self.name = f"nomenklatura-{algorithm}"
        # First name analysis loads rigour's reference data (~8 s): do it before timing and forking.
        algo.compare(self.entity("محمد علي", "warm"), self.entity("Mohamed Ali", "warm"), self.config)
        self.notes = (f"{algo.__name__}.compare(query_entity, watchlist_entity, default_config()); "
                      "Person entities with a unique id each (name analysis is cached by id); "
                      "lru caches enlarged from 1,000 to 262,144 entries for the exhaustive scan.")

    def entity(self, name: str, prefix: str) -> Any:
        self._n += 1
        e = self.model.make_entity("Person")
        e.id = f"{prefix}{self._n}"
        e.add("name", name)
        return e

    def matrix(self, queries: list[str], entries: list[str]) -> np.ndarray:
        qe = [self.entity(s, "q") for s in queries]
        ee = [self.entity(s, "w") for s in entries]
        algo, cfg = self.algo, self.config

        def row(i: int) -> np.ndarray:
            q = qe[i]
            return np.array([algo.compare(q, e, cfg).score for e in ee], dtype=np.float32)

        return parallel_rows(row, len(qe), self.parallel)

    def pair(self, a: str, b: str) -> float:
        return float(self.algo.compare(self.entity(a, "pq"), self.entity(b, "pw"), self.config).score)


class TaawunCompareMatcher(Matcher):
    """taawun.names.compare(query, entry).score, exhaustively."""

    name = "taawun-compare"
    notes = "taawun.names.compare(query, entry).score for every pair (exhaustive)"

    def __init__(self) -> None:
        from taawun.names import compare

        self.compare = compare

    def matrix(self, queries: list[str], entries: list[str]) -> np.ndarray:
        cmp = self.compare

        def row(i: int) -> np.ndarray:
            q = queries[i]
            return np.array([cmp(q, e).score for e in entries], dtype=np.float32)

        return parallel_rows(row, len(queries), self.parallel)

    def pair(self, a: str, b: str) -> float:
        return float(self.compare(a, b).score)


def make_matchers(names: Sequence[str]) -> list[Matcher]:
    out: list[Matcher] = []
    for n in names:
        if n == "rapidfuzz":
            out += [RapidfuzzMatcher("token_sort_ratio"), RapidfuzzMatcher("WRatio"),
                    RapidfuzzMatcher("token_set_ratio")]
        elif n.startswith("rapidfuzz-"):
            out.append(RapidfuzzMatcher(n.split("-", 1)[1]))
        elif n == "arabnamer":
            out.append(ArabnamerMatcher())
        elif n.startswith("nomenklatura-"):
            out.append(NomenklaturaMatcher(n.split("-", 1)[1]))
        elif n == "taawun-compare":
            out.append(TaawunCompareMatcher())
        elif n != "taawun":
            raise SystemExit(f"unknown matcher {n}")
    return out


def pair_speed(m: Matcher, tasks: list[Task], n: int = 1500) -> float:
    """Single-thread pairs/s of the raw per-pair function on distinct (query, entry) pairs."""
    rng = random.Random(7)
    pairs = []
    for _ in range(n):
        t = tasks[rng.randrange(len(tasks))]
        pairs.append((rng.choice(t.queries), rng.choice(t.entries)))
    for a, b in pairs[:50]:  # warm-up (model loads, first-call imports)
        m.pair(a, b)
    t0 = time.perf_counter()
    for a, b in pairs:
        m.pair(a, b)
    return round(n / (time.perf_counter() - t0), 1)


# ------------------------------------------------------------------------------------------
# taawun production path: PersonIndex.search
# ------------------------------------------------------------------------------------------
def run_taawun_index(task: Task, limit: int = 10) -> tuple[list[dict[int, float]], dict[str, Any], list[Any]]:
    from taawun.index import PersonIndex

    idx = PersonIndex()
    t0 = time.perf_counter()
    for j, e in enumerate(task.entries):
        idx.add(f"w{j}", names=[e], birth_date=None, nationalities=[], sex=None)
    build = time.perf_counter() - t0
    rows: list[dict[int, float]] = []
    all_hits: list[Any] = []
    lat: list[float] = []
    t1 = time.perf_counter()
    for q in task.queries:
        s = time.perf_counter()
        hits = idx.search(names=[q], birth_date=None, nationalities=[], limit=limit)
        lat.append(time.perf_counter() - s)
        rows.append({int(h.record_id[1:]): float(h.score) for h in hits})
        all_hits.append(hits)
    secs = time.perf_counter() - t1
    extra = {"build_seconds": round(build, 3), "search_seconds": round(secs, 3),
             "queries_per_s": round(len(task.queries) / secs, 1),
             "search_p50_ms": round(float(np.median(lat)) * 1000, 3)}
    return rows, extra, all_hits


def at_threshold(rows: list[dict[int, float]], task: Task, thr: float) -> dict[str, Any]:
    L = task.n_listed
    fa = float(np.mean([max(r.values(), default=0.0) >= thr for r in rows[L:]]))
    top1 = any_rank = 0.0
    for i in range(L):
        r = rows[i]
        right = r.get(task.expected[i], 0.0)
        if right >= thr:
            any_rank += 1
            best = max(r.values())
            if right >= best:
                top1 += 1.0 / sum(1 for v in r.values() if v == best)
    return {"threshold": thr, "false_alarm_rate": round(fa, 4), "recall_top1": round(top1 / L, 4),
            "recall_any_rank": round(any_rank / L, 4)}


def taawun_examples(task: Task, rows: list[dict[int, float]], credits: list[float], hits: list[Any],
                    unl_best: np.ndarray, k: int = 20) -> dict[str, Any]:
    """Misses and worst false alarms, to show the engine developer what to look at."""
    from taawun.names import compare

    misses = []
    for i, c in enumerate(credits):
        if c >= 1.0:
            continue
        q, exp = task.queries[i], task.entries[task.expected[i]]
        # the best entry other than the right one: the one that beat it or tied with it
        others = [h for h in hits[i] if int(h.record_id[1:]) != task.expected[i]]
        top = others[0] if others else None
        misses.append({
            "kind": "tie" if c > 0 else "miss",
            "query": q, "expected": exp,
            "expected_score": round(rows[i].get(task.expected[i], compare(q, exp).score), 4),
            "expected_in_hits": task.expected[i] in rows[i],
            "got": task.entries[int(top.record_id[1:])] if top else None,
            "got_score": round(float(top.score), 4) if top else None,
            "got_explanation": str(getattr(top, "explanation", ""))[:300] if top else None,
        })
        if len(misses) >= k:
            break
    L = task.n_listed
    worst = np.argsort(-unl_best)[:10]
    fas = []
    for w in worst:
        i = L + int(w)
        top = hits[i][0] if hits[i] else None
        if top is None:
            continue
        fas.append({"query": task.queries[i], "got": task.entries[int(top.record_id[1:])],
                    "score": round(float(top.score), 4),
                    "explanation": str(getattr(top, "explanation", ""))[:300]})
    return {"misses": misses, "false_alarms": fas}


# ------------------------------------------------------------------------------------------
def public(m: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in m.items() if not k.startswith("_")}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--matchers", default=",".join(ALL_MATCHERS),
                    help="comma list of: " + ", ".join(ALL_MATCHERS) +
                    " (rapidfuzz = token_sort_ratio, WRatio and token_set_ratio; "
                    "also rapidfuzz-<scorer>, nomenklatura-<algorithm>, taawun-compare)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--listed", type=int, default=1000)
    ap.add_argument("--distractors", type=int, default=4000)
    ap.add_argument("--unlisted", type=int, default=1000)
    ap.add_argument("--small-listed", type=int, default=300)
    ap.add_argument("--small-distractors", type=int, default=1200)
    ap.add_argument("--small-unlisted", type=int, default=300)
    ap.add_argument("--slow-full", action="store_true", help="also run nomenklatura on the full run")
    ap.add_argument("--runs", default="full,small", help="which run sizes: full,small")
    ap.add_argument("--quick", action="store_true", help="tiny smoke run (tests)")
    ap.add_argument("--out", default="names_quality", help="output name under benchmarks/out/")
    args = ap.parse_args(argv)
    if args.quick:
        args.listed, args.distractors, args.unlisted = 60, 240, 60
        args.small_listed, args.small_distractors, args.small_unlisted = 30, 120, 30

    names = [n.strip() for n in args.matchers.split(",") if n.strip()]
    want_taawun = "taawun" in names
    runs_wanted = [r for r in args.runs.split(",") if r]
    full = load_split(args.data, args.seed, args.listed, args.distractors, args.unlisted)
    small = full.head(args.small_listed, args.small_distractors, args.small_unlisted)
    splits = {"full": full, "small": small}

    matchers = make_matchers(names)
    if want_taawun:
        try:
            import taawun.index  # noqa: F401
            import taawun.names  # noqa: F401

            matchers.append(TaawunCompareMatcher())
        except ImportError as exc:
            log(f"taawun engine not importable yet ({exc}); skipping taawun")
            want_taawun = False

    result: dict[str, Any] = {
        "benchmark": "names_quality",
        "env": environment(),
        "data": str(args.data),
        "seed": args.seed,
        "protocol": ("persons grouped by arabic column, >=2 Arabic parts, disjoint normalised names; "
                     "top1 with 1/k tie credit; threshold = smallest t with <=1% unlisted best scores > t; "
                     "recall_at_1pct_fa = right entry top-1 (tie credit) and score > t. "
                     "See module docstring."),
        "runs": {k: splits[k].sizes() for k in runs_wanted},
        "results": {},
        "pairs_per_s_single_thread": {},
        "notes": {},
    }
    res = result["results"]

    for run in runs_wanted:
        tasks = make_tasks(splits[run])
        if want_taawun:
            for task in tasks:
                log(f"taawun-index {run} {task.direction}")
                t0 = time.perf_counter()
                rows, extra, hits = run_taawun_index(task)
                m = metrics_from_rows(rows, task)
                m["seconds"] = round(time.perf_counter() - t0, 2)
                m.update(extra)
                from taawun.names import DEFAULT_THRESHOLD

                m["at_default_threshold"] = at_threshold(rows, task, float(DEFAULT_THRESHOLD))
                if run == runs_wanted[0]:
                    m["examples"] = taawun_examples(task, rows, m["_credits"], hits, m["_unlisted_best"])
                res.setdefault("taawun-index", {}).setdefault(run, {})[task.direction] = public(m)
        for matcher in matchers:
            if run == "full" and (matcher.name in SLOW or matcher.name.startswith("nomenklatura-")
                                  or matcher.name == "taawun-compare") and not args.slow_full:
                continue
            for task in tasks:
                log(f"{matcher.name} {run} {task.direction}")
                t0 = time.perf_counter()
                mat = matcher.matrix(task.queries, task.entries)
                secs = time.perf_counter() - t0
                m = metrics_from_rows(rows_from_matrix(mat, task), task)
                m["seconds"] = round(secs, 2)
                m["pairs_per_s_matrix"] = round(mat.size / secs, 1)
                m["workers"] = matcher.parallel
                if matcher.name == "taawun-compare":
                    from taawun.names import DEFAULT_THRESHOLD

                    m["at_default_threshold"] = at_threshold(
                        [{j: float(v) for j, v in enumerate(r) if v > 0} for r in mat], task,
                        float(DEFAULT_THRESHOLD))
                res.setdefault(matcher.name, {}).setdefault(run, {})[task.direction] = public(m)
                log(f"  -> {public(m)}")
            if matcher.name not in result["pairs_per_s_single_thread"]:
                result["pairs_per_s_single_thread"][matcher.name] = pair_speed(matcher, tasks)
                result["notes"][matcher.name] = matcher.notes
    result["summary"] = {
        name: {run: {d: {k: v[k] for k in ("top1", "recall_at_1pct_fa", "threshold", "n_listed_queries",
                                           "n_watchlist", "seconds")}
                     for d, v in per_run.items()} for run, per_run in runs.items()}
        for name, runs in res.items()
    }
    emit(args.out, result)
    return result


if __name__ == "__main__":
    main()
