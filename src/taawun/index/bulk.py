"""Bulk preparation of every vocabulary part's similar-part list (`Vocabulary.prepare`).

Why a module of its own: at a million persons the vocabulary holds ~10^5 parts, and making the
lists one part at a time scans each column once per part and per string, so a phonetic key shared
by five parts is scanned five times and every pair of strings is looked at from both sides. In
bulk, each column is joined with itself once (a pair of strings looked at from its lower end only,
a shared key once), the attested-spelling column once with the Latin one (read both ways round),
and the exact scoring of the candidate pairs is spread over worker processes.

The lists come out equal to those of the one-part-at-a-time `prepare`, entry for entry and in the
same order (the index sums float32 scores in list order, so order is part of "the same result"):
a part's candidates are filed in the order its column scans would have found them, and the pairs
are scored by the same `token_similarity`, only in other processes.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from taawun.names.segment import AR
from taawun.names.similarity import token_similarity
from taawun.names.tokens import Token

if TYPE_CHECKING:
    from taawun.index.vocab import Vocabulary, _Column

PARALLEL_MIN_PAIRS = 200_000  # below this, starting worker processes costs more than it saves
_CHUNK = 50_000  # pairs per scoring task (small enough to balance two workers, large enough to amortise)
_EMPTY = np.zeros(0, dtype=np.int64)


def self_join(col: _Column, indel: bool, cutoff: float) -> list[np.ndarray]:
    """Per sorted position of `col`: the sorted positions whose string reaches `cutoff` against it.

    Both similarities (InDel ratio, normalised Levenshtein) and every bound of the scan are
    symmetric, so each string is compared only with the strings at or after its own position and
    each hit is filed under both ends.
    """
    n = len(col.strs)
    lo_parts: list[np.ndarray] = []
    hi_parts: list[np.ndarray] = []
    for p in range(n):
        hits = col.scan(col.strs[int(col.order[p])], indel, cutoff, p)
        if hits.size:
            lo_parts.append(np.full(hits.size, p, dtype=np.int64))
            hi_parts.append(hits)
    return _group(n, lo_parts, hi_parts, mirror=True)


def cross_join(a: _Column, b: _Column, indel: bool, cutoff: float) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per sorted position of `a`: the positions of `b` reaching `cutoff`, and the same read from `b`."""
    a_parts: list[np.ndarray] = []
    b_parts: list[np.ndarray] = []
    for p in range(len(a.strs)):
        hits = b.scan(a.strs[int(a.order[p])], indel, cutoff, 0)
        if hits.size:
            a_parts.append(np.full(hits.size, p, dtype=np.int64))
            b_parts.append(hits)
    return _group(len(a.strs), a_parts, b_parts, mirror=False), _group(len(b.strs), b_parts, a_parts, mirror=False)


def _group(n: int, keys: list[np.ndarray], vals: list[np.ndarray], mirror: bool) -> list[np.ndarray]:
    """Pairs (key, value) grouped by key, values ascending (with mirror: each pair both ways, once)."""
    if not keys:
        return [_EMPTY] * n
    k = np.concatenate(keys)
    v = np.concatenate(vals)
    if mirror:
        other = k != v
        k, v = np.concatenate([k, v[other]]), np.concatenate([v, k[other]])
    order = np.lexsort((v, k))
    k, v = k[order], v[order]
    bounds = np.searchsorted(k, np.arange(n + 1), side="left")
    return [v[bounds[i] : bounds[i + 1]] for i in range(n)]


class _Joined:
    """One column's hit lists, looked up by string, and filed into candidate sets as `matching` would."""

    __slots__ = ("col", "lists")

    def __init__(self, col: _Column, lists: list[np.ndarray]) -> None:
        self.col = col
        self.lists = lists  # per sorted position of the *query* column (see `file`)

    def file(self, query_col: _Column, queries: tuple[str, ...], out: set[int]) -> None:
        """Add to `out` the owners of the hit strings of `queries` (strings of `query_col`), in the order
        of `_Column.matching` from position 0: hit strings by sorted position, owners as filed."""
        found = [self.lists[query_col.position(q)] for q in dict.fromkeys(queries) if q]
        found = [f for f in found if f.size]
        if not found:
            return
        pos = found[0] if len(found) == 1 else np.unique(np.concatenate(found))
        owners = self.col.owners
        for row in self.col.order[pos].tolist():
            out.update(owners[row])


def candidate_lists(vocab: Vocabulary, floor: float, cuts: dict[str, float]) -> list[list[int] | None]:
    """Per non-initial part u: its candidates v that the one-part-at-a-time prepare scored when making
    u's list (v >= u, or v an initial), in its order; None for initials (listed the ordinary way)."""
    ar, lat, sp, keys, coarse = (vocab._forms_ar, vocab._forms_lat, vocab._spellings, vocab._keys, vocab._coarse)
    for c in (ar, lat, sp, keys, coarse):
        c.sync()
    j_ar = _Joined(ar, self_join(ar, True, cuts["spelling"]))
    j_lat = _Joined(lat, self_join(lat, True, cuts["spelling"]))
    sp_to_lat, lat_to_sp = cross_join(sp, lat, True, cuts["attested"])
    j_sp_lat = _Joined(lat, sp_to_lat)  # an Arabic part's attested spellings against Latin forms
    j_lat_sp = _Joined(sp, lat_to_sp)  # a Latin part's forms against attested spellings
    j_keys = _Joined(keys, self_join(keys, False, cuts["key"]))
    j_coarse = _Joined(coarse, self_join(coarse, False, cuts["coarse"]))
    toks = vocab.tokens
    initials = vocab._initials
    plain = [not t.is_initial for t in toks]
    out: list[list[int] | None] = []
    for u, tok in enumerate(toks):
        if not plain[u]:
            out.append(None)
            continue
        cand: set[int] = set()
        if tok.script == AR:
            j_ar.file(ar, tok.forms, cand)
            j_sp_lat.file(sp, tok.spellings, cand)
        else:
            j_lat.file(lat, tok.forms, cand)
            j_lat_sp.file(lat, tok.forms, cand)
        j_keys.file(keys, tok.keys, cand)
        j_coarse.file(coarse, tok.coarse_keys, cand)
        cand.update(initials)
        out.append([v for v in cand if v >= u or not plain[v]])
    return out


# -- scoring, optionally in worker processes ------------------------------------------------------
_W_TOKENS: Sequence[Token] = ()


def _init_worker(tokens: Sequence[Token]) -> None:
    global _W_TOKENS
    _W_TOKENS = tokens


def _score_chunk(args: tuple[np.ndarray, np.ndarray, float]) -> np.ndarray:
    us, vs, floor = args
    toks = _W_TOKENS
    return np.fromiter((token_similarity(toks[u], toks[v], floor)[0] for u, v in zip(us.tolist(), vs.tolist(),
                                                                                      strict=True)),
                       dtype=np.float64, count=len(us))


def score_pairs(tokens: Sequence[Token], us: np.ndarray, vs: np.ndarray, floor: float, workers: int) -> np.ndarray:
    """token_similarity(tokens[u], tokens[v], floor) for every pair, in worker processes when worth it."""
    if workers <= 1 or len(us) < PARALLEL_MIN_PAIRS or "fork" not in mp.get_all_start_methods():
        _init_worker(tokens)
        try:
            return _score_chunk((us, vs, floor))
        finally:
            _init_worker(())
    tasks = [(us[i : i + _CHUNK], vs[i : i + _CHUNK], floor) for i in range(0, len(us), _CHUNK)]
    # fork: the workers inherit the tokens (and the name tables) instead of unpickling them, and,
    # unlike spawn, need no `if __name__ == "__main__"` guard in the caller's script. They only run
    # token_similarity (pure computation, no locks), so a threaded caller cannot deadlock them.
    _init_worker(tokens)
    try:
        token_similarity(tokens[int(us[0])], tokens[int(vs[0])], floor)  # any lazily loaded table, before forking
        with mp.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_score_chunk, tasks, chunksize=1)
    finally:
        _init_worker(())
    return np.concatenate(parts)


def default_workers() -> int:
    """Both cores of the small server the index is sized for; more would starve the query workers."""
    return max(1, min(2, os.cpu_count() or 1))
