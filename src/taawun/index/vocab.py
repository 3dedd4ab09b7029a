"""Token vocabulary of an index: interned name parts, and the complete list of parts similar to a query part.

Each distinct part is analysed once and gets an integer id. Finding the vocabulary parts that
reach a similarity floor must be *complete* (the index's scores must equal `compare`'s), so it
does not guess through keys: every spelling, phonetic key and coarse key of the vocabulary is
compared with the query part's at C speed (rapidfuzz `cdist`), with cut-offs derived from the
factors of `names.similarity` so that no pair able to reach the floor is skipped, and only the
survivors are scored exactly. Results are cached per query part (query vocabularies repeat) and
extended incrementally when the vocabulary grows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio
from rapidfuzz.process import cdist

from taawun.names import similarity as _sim
from taawun.names.segment import AR
from taawun.names.similarity import token_similarity
from taawun.names.tokens import Token

_EPS = 1e-6


def key_cutoff(floor: float, factor: float) -> float:
    """Lowest key edit similarity whose phonetic score (factor * (edit * (1 - bonus) + bonus)) can reach floor."""
    return max(0.0, (floor / factor - _sim.VOWEL_BONUS) / (1.0 - _sim.VOWEL_BONUS) - _EPS)


def attested_cutoff(floor: float) -> float:
    """Lowest ratio to an attested spelling that can reach floor (a near miss counts squared or cubed)."""
    if floor <= 0.9**3:  # reachable by a ratio below 0.9, which counts cubed
        return max(0.0, floor ** (1 / 3) - _EPS)
    return max(0.9, floor**0.5) - _EPS  # only ratios >= 0.9 (counted squared) can reach it


_ALPHABET = 32  # letter-count buckets per column; letters beyond share the last bucket (the bound stays sound)


class _Column:
    """Append-only strings with the id of the token each belongs to (a token may add several).

    Alongside, a matrix of letter counts per string: the count difference (L1) of two strings is
    a lower bound of their InDel distance, and half of it of their Levenshtein distance, so one
    numpy pass over the matrix discards nearly every string that cannot reach a cut-off before
    rapidfuzz computes the exact similarity of the few that might.
    """

    __slots__ = ("strs", "owners", "_letters", "_counts", "_lens", "_rows")

    def __init__(self) -> None:
        self.strs: list[str] = []
        self.owners: list[int] = []
        self._letters: dict[str, int] = {}
        self._counts = np.zeros((0, _ALPHABET), dtype=np.int8)
        self._lens = np.zeros(0, dtype=np.int16)
        self._rows = 0  # strings already in the matrices

    def extend(self, values: tuple[str, ...], tid: int) -> None:
        for v in dict.fromkeys(values):
            if v:
                self.strs.append(v)
                self.owners.append(tid)

    def _vector(self, text: str, add: bool) -> np.ndarray:
        vec = np.zeros(_ALPHABET, dtype=np.int8)
        letters = self._letters
        for ch in text:
            k = letters.get(ch)
            if k is None:
                k = min(len(letters), _ALPHABET - 1)
                if add and len(letters) < _ALPHABET - 1:
                    letters[ch] = k
            vec[k] = min(int(vec[k]) + 1, 127)
        return vec

    def _sync(self) -> None:
        """Bring the count matrix up to date with the strings (amortised doubling)."""
        n = len(self.strs)
        if self._rows == n:
            return
        if self._counts.shape[0] < n:
            cap = max(n, 2 * self._counts.shape[0], 1024)
            counts = np.zeros((cap, _ALPHABET), dtype=np.int8)
            counts[: self._rows] = self._counts[: self._rows]
            lens = np.zeros(cap, dtype=np.int16)
            lens[: self._rows] = self._lens[: self._rows]
            self._counts, self._lens = counts, lens
        for r in range(self._rows, n):
            text = self.strs[r]
            self._counts[r] = self._vector(text, True)
            self._lens[r] = min(len(text), 32767)
        self._rows = n

    def matching(self, queries: tuple[str, ...], indel: bool, cutoff: float, start: int, out: set[int]) -> None:
        """Add to `out` the owners of strings from position `start` on that reach `cutoff` against a
        query string: by InDel ratio (`indel`) or by normalised Levenshtein similarity."""
        qs = [q for q in dict.fromkeys(queries) if q]
        n = len(self.strs)
        if not qs or start >= n:
            return
        self._sync()
        counts = self._counts[start:n]
        lens = self._lens[start:n].astype(np.float32)
        keep = np.zeros(n - start, dtype=bool)
        for q in qs:
            l1 = np.abs(counts - self._vector(q, False)).sum(axis=1, dtype=np.int16).astype(np.float32)
            lq = float(len(q))
            if indel:
                bound = 1.0 - l1 / (lens + lq)
            else:
                bound = 1.0 - np.maximum(np.abs(lens - lq), np.ceil(l1 / 2)) / np.maximum(lens, lq)
            keep |= bound >= cutoff
        rows = np.flatnonzero(keep)
        if not rows.size:
            return
        strs = self.strs
        choices = [strs[start + int(k)] for k in rows]
        scorer = ratio if indel else Levenshtein.normalized_similarity
        scale = 100.0 if indel else 1.0
        m = cdist(qs, choices, scorer=scorer, score_cutoff=cutoff * scale, dtype=np.float32)
        hit = np.flatnonzero((m >= cutoff * scale).any(axis=0))
        owners = self.owners
        out.update(owners[start + int(rows[k])] for k in hit)


class Vocabulary:
    """Interned tokens and the string columns scanned to find the tokens similar to a query part."""

    _CACHE_MAX = 200_000

    def __init__(self) -> None:
        self.tokens: list[Token] = []
        self._ids: dict[tuple[str, tuple[str, ...]], int] = {}
        self._forms_ar = _Column()  # folded Arabic spellings
        self._forms_lat = _Column()  # Latin (and transliterated other-script) spellings, initials excluded
        self._spellings = _Column()  # attested Latin spellings of Arabic tokens
        self._keys = _Column()  # phonetic keys of every non-initial token
        self._coarse = _Column()  # coarse keys of every non-initial token
        self._initials: list[int] = []  # ids of initial tokens
        # query token -> (column sizes when computed, similar ids); extended incrementally
        self._similar_cache: dict[tuple[str, tuple[str, ...], float], tuple[tuple[int, ...], dict[int, float]]] = {}

    def __len__(self) -> int:
        return len(self.tokens)

    def _columns(self) -> tuple[_Column, ...]:
        return (self._forms_ar, self._forms_lat, self._spellings, self._keys, self._coarse)

    def _file(self, tok: Token, tid: int) -> None:
        if tok.is_initial:
            self._initials.append(tid)
            return
        if tok.script == AR:
            self._forms_ar.extend(tok.forms, tid)
            self._spellings.extend(tok.spellings, tid)
        else:
            self._forms_lat.extend(tok.forms, tid)
        self._keys.extend(tok.keys, tid)
        self._coarse.extend(tok.coarse_keys, tid)

    def intern(self, tok: Token) -> int:
        ident = (tok.script, tok.forms)
        tid = self._ids.get(ident)
        if tid is not None:
            return tid
        tid = len(self.tokens)
        self.tokens.append(tok)
        self._ids[ident] = tid
        self._file(tok, tid)
        return tid

    def id_of(self, tok: Token) -> int | None:
        return self._ids.get((tok.script, tok.forms))

    def _candidates(self, tok: Token, floor: float, starts: tuple[int, ...]) -> set[int]:
        """Every token filed since `starts` that could reach `floor` against `tok` (a superset)."""
        cand: set[int] = set()
        if tok.is_initial:
            # an initial is listed only against initials: it may stand for any part starting with
            # the letter (too many to list); the index scores those pairs lazily per entry
            ini = starts[-1]
            cand.update(i for i in self._initials[ini:] if self.tokens[i].forms[0] == tok.forms[0])
            return cand
        s_ar, s_lat, s_sp, s_key, s_coarse, s_ini = starts
        spelling = floor - _EPS  # ratio of spellings within a script counts as is
        attested = attested_cutoff(floor)
        key = min(key_cutoff(floor, _sim.KEY_FACTOR), key_cutoff(floor, _sim.SAME_SCRIPT_KEY_FACTOR))
        coarse = key_cutoff(floor, _sim.COARSE_FACTOR)
        if tok.script == AR:
            self._forms_ar.matching(tok.forms, True, spelling, s_ar, cand)
            self._forms_lat.matching(tok.spellings, True, attested, s_lat, cand)
        else:
            self._forms_lat.matching(tok.forms, True, spelling, s_lat, cand)
            self._spellings.matching(tok.forms, True, attested, s_sp, cand)
        self._keys.matching(tok.keys, False, key, s_key, cand)
        self._coarse.matching(tok.coarse_keys, False, coarse, s_coarse, cand)
        cand.update(self._initials[s_ini:])  # an initial part of a name may stand for this one
        return cand

    def similar(self, tok: Token, min_sim: float) -> dict[int, float]:
        """All vocabulary tokens with token_similarity(tok, t) >= min_sim, with that similarity.

        Complete for non-initial query parts. Initials are listed only against initials (see
        `_candidates`). Cached per query token; only tokens interned since are examined on a
        later call. Call under the index lock.
        """
        ck = (tok.script, tok.forms, min_sim)
        sizes = tuple(len(c.strs) for c in self._columns()) + (len(self._initials),)
        cached = self._similar_cache.get(ck)
        if cached is not None and cached[0] == sizes:
            return cached[1]
        starts = cached[0] if cached is not None else (0,) * len(sizes)
        out = dict(cached[1]) if cached is not None else {}
        toks = self.tokens
        for tid in self._candidates(tok, min_sim, starts):
            if tid in out:
                continue
            s, _ = token_similarity(tok, toks[tid], min_sim)
            if s >= min_sim:
                out[tid] = s
        if len(self._similar_cache) >= self._CACHE_MAX:
            self._similar_cache.clear()
        self._similar_cache[ck] = (sizes, out)
        return out

    def state(self) -> dict[str, Any]:
        return {"tokens": self.tokens}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Vocabulary:
        v = cls()
        for tok in state["tokens"]:
            v.intern(tok)
        return v
