"""Seeded generator of realistic but fictitious watchlists (persons and identity documents).

Why this exists: the speed/scale benchmarks (and others, e.g. an API bulk-create of 100k persons)
need large watchlists whose names look like the names the engine will really see — Arabic names,
their Latin spellings and partial/reordered aliases, with the real frequency skew (lots of
"Mohammed Ali"s) that makes blocking and candidate generation hard. Random strings would make the
index look far faster and more precise than it is.

How: name *parts* are taken from ``names-dev.tsv`` (see /work/shared/data/README.md for its
provenance and licence) by aligning the Arabic and Latin tokens of rows that split into the same
number of parts; every generated person recombines parts drawn from different rows, so no real
person's full name is produced (composed names that happen to equal a full name in the data are
re-drawn). Each person gets three names: the Arabic name, one Latin spelling, and an alias in
either script with parts reordered or dropped. Nothing from the data file is written anywhere: it
is read at run time only.

Import with the benchmarks directory on ``sys.path``::

    from watchlist_gen import generate_persons, generate_documents
    for person in generate_persons(100_000, seed=1): ...

All output is deterministic for a given (n, seed, data file).
"""

from __future__ import annotations

import bisect
import csv
import itertools
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "names-dev.tsv"

# Tokens that belong to the following token ("عبد القادر", "Abd al-Qadir", "bin Laden"): gluing them
# keeps recombined names plausible ("عبد" + a random family name is not a name).
_AR_PREFIXES = frozenset({"عبد", "ابو", "ابي", "بن", "ابن", "ال", "بو", "ام", "ولد", "سيد"})
_AR_SUFFIXES = frozenset({"الدين", "الله", "الرحمن", "الاسلام", "الحق"})
_LAT_PREFIXES = frozenset(
    {"abd", "abdel", "abdul", "abdal", "abu", "abou", "bin", "ben", "ibn", "al", "el", "ould", "bou",
     "ad", "ar", "as", "ash", "at", "az", "ud", "ul", "umm", "um", "abo", "ibni"}
)
_LAT_SUFFIXES = frozenset(
    {"din", "eddine", "uddin", "eddin", "ullah", "allah", "illah", "rahman", "ur-rahman", "islam", "haq",
     "ul-haq", "el-din", "al-din", "ud-din", "ad-din"}
)

# ISO 3166 alpha-2 -> alpha-3 for the countries in names-dev.tsv plus a few European forces that
# would share records; kept inline so the generator does not depend on pycountry.
_ALPHA3 = {
    "IR": "IRN", "DZ": "DZA", "PK": "PAK", "EG": "EGY", "MA": "MAR", "TN": "TUN", "IQ": "IRQ",
    "SA": "SAU", "LB": "LBN", "SY": "SYR", "PS": "PSE", "JO": "JOR", "AF": "AFG", "AE": "ARE",
    "YE": "YEM", "KW": "KWT", "QA": "QAT", "SD": "SDN", "BH": "BHR", "SO": "SOM", "LY": "LBY",
    "MR": "MRT", "OM": "OMN", "KM": "COM", "DJ": "DJI",
}
_EXTRA_NATIONALITIES = {"FRA": 400, "DEU": 300, "ESP": 250, "ITA": 200, "BEL": 150, "NLD": 120, "GBR": 200,
                        "TUR": 300}

# Passport-like number formats per issuing country: (letters prefix length, digits, letter pool).
# Invented to resemble real formats' shapes, not copied from any specification.
_DOC_FORMATS: dict[str, tuple[int, int]] = {
    "MAR": (2, 7), "DZA": (0, 9), "TUN": (1, 7), "EGY": (1, 8), "FRA": (2, 7), "DEU": (1, 8),
    "ESP": (3, 6), "ITA": (2, 7), "BEL": (2, 6), "NLD": (2, 7), "GBR": (0, 9), "TUR": (1, 8),
    "IRQ": (1, 8), "SYR": (3, 7), "SAU": (1, 8), "LBY": (2, 7), "JOR": (1, 7), "PAK": (2, 7),
    "IRN": (1, 8), "LBN": (2, 7),
}
_DOC_KINDS = ("passport", "passport", "passport", "id_card", "residence_permit")
_LETTERS = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"))


def _glue(tokens: list[str], prefixes: frozenset[str], suffixes: frozenset[str], fold: bool) -> list[str]:
    """Merge particles with their neighbour so that a 'part' is a unit that can be recombined."""
    out: list[str] = []
    pending = ""
    for tok in tokens:
        key = tok.lower() if fold else tok
        if pending:
            tok = f"{pending} {tok}"
            pending = ""
        elif key in suffixes and out:
            out[-1] = f"{out[-1]} {tok}"
            continue
        if key in prefixes:
            pending = tok
            continue
        out.append(tok)
    if pending:
        out.append(pending)
    return out


def split_arabic(name: str) -> list[str]:
    """Split an Arabic full name into recombinable parts (particles glued)."""
    return _glue(name.split(), _AR_PREFIXES, _AR_SUFFIXES, fold=False)


def split_latin(name: str) -> list[str]:
    """Split a Latin full name into recombinable parts (particles glued; 'al-X' stays one part)."""
    return _glue(name.split(), _LAT_PREFIXES, _LAT_SUFFIXES, fold=True)


class _Weighted:
    """Frequency-weighted sampler over a Counter (bisect on cumulative weights: fast at 1M draws)."""

    def __init__(self, counts: Counter[str]) -> None:
        items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))  # deterministic order
        self.values = [k for k, _ in items]
        self.cum = list(itertools.accumulate(v for _, v in items))
        self.total = self.cum[-1]

    def draw(self, rng: random.Random) -> str:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


@dataclass
class NameParts:
    """Aligned Arabic/Latin parts learnt from the data file, ready to be recombined."""

    first: _Weighted
    middle: _Weighted
    last: _Weighted
    spellings: dict[str, _Weighted]
    real_full_names: frozenset[str]
    countries: _Weighted
    country_counts: dict[str, int]
    n_rows: int
    n_aligned: int


@lru_cache(maxsize=4)
def load_parts(data: str | Path = DEFAULT_DATA) -> NameParts:
    """Read names-dev.tsv and build the part pools (cached: a run may need them several times)."""
    first: Counter[str] = Counter()
    middle: Counter[str] = Counter()
    last: Counter[str] = Counter()
    spell: dict[str, Counter[str]] = defaultdict(Counter)
    real: set[str] = set()
    countries: Counter[str] = Counter()
    n_rows = n_aligned = 0
    with open(data, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            n_rows += 1
            ar, lat = row["arabic"].strip(), row["latin"].strip()
            real.add(ar)
            real.add(lat.casefold())
            countries[_ALPHA3.get(row["country"], "")] += 1
            if row["latin_kind"] == "alias":
                continue  # aliases are often nicknames or partial: not safe to align part by part
            ap, lp = split_arabic(ar), split_latin(lat)
            if len(ap) != len(lp) or len(ap) < 2:
                continue
            n_aligned += 1
            for i, (a, t) in enumerate(zip(ap, lp, strict=True)):
                spell[a][t] += 1
                if i == 0:
                    first[a] += 1
                elif i == len(ap) - 1:
                    last[a] += 1
                else:
                    middle[a] += 1
    countries.pop("", None)
    for code, weight in _EXTRA_NATIONALITIES.items():
        countries[code] += weight
    # Fathers' and grandfathers' names are given names: let middles also come from first names.
    middle.update(first)
    return NameParts(
        first=_Weighted(first),
        middle=_Weighted(middle),
        last=_Weighted(last),
        spellings={a: _Weighted(c) for a, c in spell.items()},
        real_full_names=frozenset(real),
        countries=_Weighted(countries),
        country_counts=dict(countries),
        n_rows=n_rows,
        n_aligned=n_aligned,
    )


@dataclass(frozen=True)
class GenPerson:
    """A generated person plus the hidden structure benchmarks need to make realistic queries."""

    record: dict[str, Any]
    arabic_parts: tuple[str, ...]
    latin_parts: tuple[str, ...]


class WatchlistGenerator:
    """Deterministic source of fictitious persons, queries and documents for one seed."""

    def __init__(self, seed: int = 1, data: str | Path = DEFAULT_DATA) -> None:
        self.parts = load_parts(str(data))
        self.seed = seed

    # -- names -------------------------------------------------------------------------------
    def compose(self, rng: random.Random) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Draw a new (Arabic parts, Latin parts) name that is not a real full name in the data."""
        p = self.parts
        while True:
            n = rng.choices((2, 3, 4), weights=(45, 40, 15))[0]
            ar = [p.first.draw(rng)] + [p.middle.draw(rng) for _ in range(n - 2)] + [p.last.draw(rng)]
            if len(set(ar)) < len(ar) and rng.random() < 0.8:
                continue  # "Ali Ali" exists but is rare
            ar_name = " ".join(ar)
            lat = [p.spellings[a].draw(rng) for a in ar]
            if ar_name in p.real_full_names or " ".join(lat).casefold() in p.real_full_names:
                continue
            return tuple(ar), tuple(lat)

    def _alias(self, ar: tuple[str, ...], lat: tuple[str, ...], rng: random.Random) -> str:
        """An alias as watchlists hold them: parts reordered or dropped, in either script."""
        parts = list(ar if rng.random() < 0.4 else [self.parts.spellings[a].draw(rng) for a in ar])
        r = rng.random()
        if len(parts) > 2 and r < 0.5:
            keep = [parts[0], parts[-1]] if rng.random() < 0.7 else parts[:-1]
            parts = keep
        elif r < 0.8:
            parts = [parts[-1], *parts[:-1]]  # family name first, as in many registers
        else:
            parts = parts[:1] + parts[2:] if len(parts) > 2 else [parts[1], parts[0]]
        return " ".join(parts)

    def _birth_date(self, rng: random.Random) -> str:
        year = rng.randint(1945, 2006)
        r = rng.random()
        if r < 0.25:
            return f"{year}"
        if r < 0.40:
            return f"{year}-{rng.randint(1, 12):02d}"
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    def _nationalities(self, rng: random.Random) -> list[str]:
        r = rng.random()
        if r < 0.10:
            return []
        first = self.parts.countries.draw(rng)
        if r < 0.85:
            return [first]
        second = self.parts.countries.draw(rng)
        return [first] if second == first else [first, second]

    def persons(self, n: int, start: int = 0) -> Iterator[GenPerson]:
        """Yield persons ``start..n-1``; person i is the same whatever n (one RNG per block of 1000)."""
        for i in range(start, n):
            if i == start or i % 1000 == 0:
                rng = random.Random(f"{self.seed}:person:{i // 1000}")
                for _ in range(i % 1000):  # fast-forward inside the block for arbitrary start
                    self._one(rng, 0)
            yield self._one(rng, i)

    def _one(self, rng: random.Random, i: int) -> GenPerson:
        ar, lat = self.compose(rng)
        names = [" ".join(ar), " ".join(lat), self._alias(ar, lat, rng)]
        record = {
            "id": f"p{i:08d}",
            "names": names,
            "birth_date": self._birth_date(rng),
            "nationalities": self._nationalities(rng),
            "sex": "f" if rng.random() < 0.18 else "m",
        }
        return GenPerson(record, ar, lat)

    # -- queries ----------------------------------------------------------------------------
    def listed_query(self, person: GenPerson, rng: random.Random) -> tuple[str, str]:
        """A perturbed variant of one of the person's names in the *other* script.

        Returns (query, script) where script is 'latin' or 'arabic'. Latin queries re-draw every
        part's spelling independently (so they usually differ from the stored spelling); both may
        drop a middle part, and Latin ones may carry one typo — what a border officer types.
        """
        if rng.random() < 0.6:  # stored Arabic name, queried in Latin script
            parts = [self.parts.spellings[a].draw(rng) for a in person.arabic_parts]
            script = "latin"
        else:
            parts = list(person.arabic_parts)
            script = "arabic"
        if len(parts) > 2 and rng.random() < 0.3:
            del parts[rng.randrange(1, len(parts) - 1)]
        q = " ".join(parts)
        if script == "latin" and rng.random() < 0.2:
            q = _typo(q, rng)
        elif script == "arabic" and rng.random() < 0.3:
            q = q.replace("ي ", "ى ").replace("ه ", "ة ") if rng.random() < 0.5 else q.replace("ا", "أ", 1)
        return q, script

    def unlisted_query(self, rng: random.Random) -> tuple[str, str]:
        """A freshly composed name (usually not on the watchlist, though common names may collide)."""
        ar, lat = self.compose(rng)
        return (" ".join(lat), "latin") if rng.random() < 0.6 else (" ".join(ar), "arabic")

    # -- documents --------------------------------------------------------------------------
    def documents(self, n: int, chunk: int = 200_000) -> Iterator[dict[str, str]]:
        """Yield n documents {id, number, country, kind}; vectorised with numpy (10M in ~1 min)."""
        codes = sorted(_DOC_FORMATS)
        # Issuing countries weighted like the nationalities (a floor of 50 for the rest).
        weights = np.array([max(self.parts.country_counts.get(c, 0), 50) for c in codes], dtype=float)
        weights /= weights.sum()
        gen = np.random.default_rng([self.seed, 0xD0C])
        done = 0
        while done < n:
            m = min(chunk, n - done)
            country_idx = gen.choice(len(codes), size=m, p=weights)
            letters = _LETTERS[gen.integers(0, len(_LETTERS), size=(m, 3))]
            digits = gen.integers(0, 10**9, size=m)
            kinds = gen.integers(0, len(_DOC_KINDS), size=m)
            for j in range(m):
                code = codes[country_idx[j]]
                n_let, n_dig = _DOC_FORMATS[code]
                number = "".join(letters[j, :n_let]) + f"{digits[j] % 10**n_dig:0{n_dig}d}"
                yield {"id": f"d{done + j:09d}", "number": number, "country": code,
                       "kind": _DOC_KINDS[kinds[j]]}
            done += m


def _typo(text: str, rng: random.Random) -> str:
    """One keyboard-style edit (drop, double or swap a letter) away from the first character."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha() and i > 0]
    if not letters:
        return text
    i = rng.choice(letters)
    r = rng.random()
    if r < 0.4:
        return text[:i] + text[i + 1:]
    if r < 0.7:
        return text[:i] + text[i] + text[i:]
    if i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text


def display_variant(number: str, rng: random.Random) -> str:
    """How a document number gets typed: lower case, spaces or dashes — the index must normalise."""
    r = rng.random()
    if r < 0.3:
        return number.lower()
    if r < 0.6 and len(number) > 4:
        k = rng.randrange(2, len(number) - 1)
        return f"{number[:k]}{rng.choice(' -')}{number[k:]}"
    return number


def generate_persons(n: int, seed: int = 1, data: str | Path = DEFAULT_DATA) -> Iterator[dict[str, Any]]:
    """Yield n fictitious persons: {id, names[3], birth_date, nationalities, sex}.

    ``birth_date`` is 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'; nationalities are ISO alpha-3 (0-2 of them);
    sex is 'm' or 'f'. Person i is identical for any n >= i+1 with the same seed.
    """
    for p in WatchlistGenerator(seed, data).persons(n):
        yield p.record


def generate_documents(n: int, seed: int = 1, data: str | Path = DEFAULT_DATA) -> Iterator[dict[str, str]]:
    """Yield n fictitious identity documents: {id, number, country (alpha-3), kind}."""
    yield from WatchlistGenerator(seed, data).documents(n)


if __name__ == "__main__":  # tiny preview: python benchmarks/watchlist_gen.py
    import json

    for rec in generate_persons(5, seed=1):
        print(json.dumps(rec, ensure_ascii=False))
    for doc in generate_documents(3, seed=1):
        print(json.dumps(doc))
