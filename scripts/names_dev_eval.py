"""Quick quality check of the name engine on names-dev.tsv (the protocol of benchmarks/names_quality.py).

Persons = rows grouped by Arabic name, keeping those with >= 2 name parts; one Latin spelling
picked per person. Watchlist = 1,000 listed + 4,000 distractors; queries = the other script's
names of the listed persons (must hit top-1) and of 1,000 unlisted persons (must not hit).
Reports top-1 accuracy and recall at the 1% false-alarm threshold in both directions.

Usage: .venv/bin/python scripts/names_dev_eval.py [--seed 7] [--misses 20] [--min-score 0.3]
"""

from __future__ import annotations

import argparse
import collections
import csv
import random
import time

import taawun.index.person as person_mod
import taawun.names.scoring as scoring_mod
import taawun.names.similarity as similarity_mod
from taawun.index import PersonIndex
from taawun.names import DEFAULT_THRESHOLD

DATA = "/work/shared/data/names-dev.tsv"


def load_persons(seed: int) -> list[tuple[str, str]]:
    """Persons with disjoint normalised names (as benchmarks/names_quality.py draws them)."""
    import hashlib
    import unicodedata

    from taawun.names.normalize import fold_arabic

    by: dict[str, list[str]] = collections.defaultdict(list)
    with open(DATA, encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            ar, lat = row["arabic"].strip(), row["latin"].strip()
            if ar and lat and lat not in by[ar]:
                by[ar].append(lat)
    names = sorted(a for a in by if len(a.split()) >= 2)
    random.Random(seed).shuffle(names)
    used: set[str] = set()
    persons: list[tuple[str, str]] = []
    for ar in names:
        lk = {"l:" + "".join(c for c in unicodedata.normalize("NFKD", x.casefold()) if c.isalnum()) for x in by[ar]}
        keys = {"a:" + " ".join(fold_arabic(ar).split())} | lk
        if keys & used:
            continue
        used |= keys
        prng = random.Random(hashlib.sha1(f"{seed}:{ar}".encode()).hexdigest())
        persons.append((ar, prng.choice(by[ar])))
    return persons


def run(watch: list[str], listed_q: list[str], unlisted_q: list[str], min_score: float, misses: int, label: str
        ) -> tuple[float, float, float]:
    idx = PersonIndex()
    t0 = time.perf_counter()
    for i, name in enumerate(watch):
        idx.add(f"w{i}", names=[name])
    t1 = time.perf_counter()
    top1 = 0
    listed_scores: list[float] = []
    miss_list: list[str] = []
    for i, q in enumerate(listed_q):
        hits = idx.search(names=[q], limit=3, min_score=min_score, explain=False)
        ok = bool(hits) and hits[0].record_id == f"w{i}"
        top1 += ok
        listed_scores.append(hits[0].score if ok else -1.0)
        if not ok and len(miss_list) < misses:
            got = f"{watch[int(hits[0].record_id[1:])]} ({hits[0].score:.3f})" if hits else "-"
            mine = [h.score for h in hits if h.record_id == f"w{i}"]
            miss_list.append(f"  {q}  ->  want {watch[i]} {mine}  got {got}")
    unl = []
    for q in unlisted_q:
        hits = idx.search(names=[q], limit=1, min_score=min_score, explain=False)
        unl.append(hits[0].score if hits else 0.0)
    t2 = time.perf_counter()
    unl.sort()
    thr = unl[int(0.99 * len(unl)) - 1] if unl else 0.0
    recall = sum(1 for s in listed_scores if s > thr) / len(listed_q)
    acc = top1 / len(listed_q)
    at_default = sum(1 for s in listed_scores if s >= DEFAULT_THRESHOLD) / len(listed_q)
    fa_default = sum(1 for s in unl if s >= DEFAULT_THRESHOLD) / max(1, len(unl))
    print(f"{label}: top1={acc:.4f} recall@1%FA={recall:.4f} thr={thr:.3f} | at DEFAULT_THRESHOLD "
          f"{DEFAULT_THRESHOLD}: recall={at_default:.4f} FA={fa_default:.4f} "
          f"(build {t1 - t0:.1f}s, {len(listed_q) + len(unlisted_q)} queries {t2 - t1:.1f}s)")
    for m in miss_list:
        print(m)
    return acc, recall, thr


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--misses", type=int, default=15)
    ap.add_argument("--min-score", type=float, default=0.3)
    ap.add_argument("--set", action="append", default=[], help="tuning override, e.g. ALPHA=0.4")
    args = ap.parse_args()
    for item in args.set:
        name, value = item.split("=")
        for mod in (scoring_mod, similarity_mod, person_mod):
            if hasattr(mod, name):
                setattr(mod, name, float(value))
    persons = load_persons(args.seed)
    listed = persons[:1000]
    distract = persons[1000:5000]
    unlisted = persons[5000:6000]
    run([p[0] for p in listed + distract], [p[1] for p in listed], [p[1] for p in unlisted],
        args.min_score, args.misses, "latin->arabic")
    run([p[1] for p in listed + distract], [p[0] for p in listed], [p[0] for p in unlisted],
        args.min_score, args.misses, "arabic->latin")


if __name__ == "__main__":
    main()
