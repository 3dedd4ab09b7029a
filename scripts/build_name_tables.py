"""Build the learned tables shipped in src/taawun/names/data/.

Two tables, both small and both rebuilt from /work/shared/data by running this script:

* spellings.json.gz — Arabic name token -> its most frequent Latin spellings. Learned ONLY from
  the word-level transliteration tables (google/transliteration ar2en-*.txt, Apache-2.0;
  steveash/NETransliteration-COLING2018 wd_arabic aligned tokens, CC0). These are single
  words, not persons, and are separate from names-dev.tsv.
* spelling_owners.json.gz — the reverse of spellings: Latin spelling -> the Arabic tokens it is
  an attested spelling of, keeping only owners whose consonant skeleton agrees with the spelling
  (key similarity >= OWNER_MIN_KEY_SIM), so that misaligned source pairs (abdaziz -> عبد) do not
  claim a spelling. Matching uses it to tell "a spelling of another name" (Omar is عمر, not عمار).
* token_df.json.gz — how many persons of names-dev.tsv use a name part with a given phonetic
  key (both scripts), for rarity weighting. Only keys used by at least MIN_DF persons are kept,
  so the table says how common a name part is, never who carries a rare one. No full names and
  no person-level data are stored.

Usage: .venv/bin/python scripts/build_name_tables.py [--data /work/shared/data]
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import json
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from taawun.names.phonetic import arabic_key, latin_keys
from taawun.names.segment import AR, segment

OUT = Path(__file__).resolve().parents[1] / "src" / "taawun" / "names" / "data"
MIN_DF = 3
MAX_SPELLINGS = 6
MIN_KEY_SIM = 0.6  # drop pairs whose consonant skeletons disagree: misalignments in the sources
OWNER_MIN_KEY_SIM = 0.75


def _single_form(text: str) -> tuple[str, str] | None:
    parts = segment(text)
    if len(parts) != 1:
        return None
    return parts[0].script, parts[0].forms[0]


def key_agreement(arabic: str, latin: str) -> float:
    """How well the consonant skeletons of an Arabic token and a Latin spelling agree (0..1)."""
    ka = arabic_key(arabic)
    return max((Levenshtein.normalized_similarity(ka, k) for k in latin_keys(latin)), default=0.0)


def build_spellings(data: Path) -> dict[str, list[str]]:
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)

    def add(ar: str, lat: str, n: int) -> None:
        a = _single_form(ar)
        b = _single_form(lat)
        if a is None or b is None or a[0] != AR or b[0] == AR:
            return
        if key_agreement(a[1], b[1]) < MIN_KEY_SIM:
            return
        counts[a[1]][b[1]] += n

    for name in ("google_ar2en-train.txt", "google_ar2en-eval.txt", "google_ar2en-test.txt"):
        with open(data / name, encoding="utf-8") as fh:
            for line in fh:
                cols = line.rstrip("\n").split("\t")
                if len(cols) >= 2:
                    add(cols[0], cols[1], 1)
    with open(data / "netranslit_wd_arabic.normalized.aligned.tokens.tsv", encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3:
                add(cols[1].replace(" ", ""), cols[0], int(cols[2]) if cols[2].isdigit() else 1)
    return {ar: [s for s, _ in c.most_common(MAX_SPELLINGS)] for ar, c in sorted(counts.items())}


def build_owners(spellings: dict[str, list[str]]) -> dict[str, list[str]]:
    owners: dict[str, list[str]] = collections.defaultdict(list)
    for ar, latins in spellings.items():
        for lat in latins:
            if key_agreement(ar, lat) >= OWNER_MIN_KEY_SIM:
                owners[lat].append(ar)
    return {lat: sorted(ars) for lat, ars in sorted(owners.items())}


def write_owners(spellings: dict[str, list[str]]) -> None:
    text = json.dumps(build_owners(spellings), ensure_ascii=False, separators=(",", ":"))
    (OUT / "spelling_owners.json.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))


def build_token_df(data: Path) -> tuple[dict[str, int], int]:
    persons: dict[str, set[str]] = collections.defaultdict(set)
    with open(data / "names-dev.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            for text in (row["arabic"], row["latin"]):
                for part in segment(text):
                    f = part.forms[0]
                    keys = (arabic_key(f),) if part.script == AR else latin_keys(f)[:1]
                    persons[row["arabic"]].update(k for k in keys if k)
    df: collections.Counter[str] = collections.Counter()
    for keys in persons.values():
        df.update(keys)
    return {k: v for k, v in sorted(df.items()) if v >= MIN_DF}, len(persons)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    spellings = build_spellings(args.data)
    with gzip.open(OUT / "spellings.json.gz", "wt", encoding="utf-8") as fh:
        json.dump(spellings, fh, ensure_ascii=False, separators=(",", ":"))
    write_owners(spellings)
    df, n = build_token_df(args.data)
    with gzip.open(OUT / "token_df.json.gz", "wt", encoding="utf-8") as fh:
        json.dump({"persons": n, "min_df": MIN_DF, "df": df}, fh, separators=(",", ":"))
    print(f"spellings: {len(spellings)} Arabic tokens; token_df: {len(df)} keys over {n} persons")


if __name__ == "__main__":
    main()
