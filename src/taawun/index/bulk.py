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
are scored by `token_similarity` (without its cache: `screened_similarities`), only in other processes.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from taawun.names.segment import AR
from taawun.names.similarity import screened_similarities
from taawun.names.tables import key_weight, spelling_owners, spellings
from taawun.names.tokens import Token

if TYPE_CHECKING:
    from taawun.index.vocab import Vocabulary, _Column

PARALLEL_MIN_PARTS = 5_000  # below this, starting worker processes costs more than it saves
_JOIN_SPLIT = 8  # each column join in this many interleaved slices (positions first, first + 8, ...)
_CHUNK = 50_000  # pairs per scoring task (small enough to balance two workers, large enough to amortise)
_EMPTY = np.zeros(0, dtype=np.int64)


_Job = tuple[int, int, bool, float, int, int]  # (query column, scanned column, indel, cutoff, first, step)


def _join_job(job: _Job) -> tuple[np.ndarray, np.ndarray]:
    """Every hit (query position, scanned position) for the query column's positions first, first + step, ...

    In a self-join (both columns the same) a string is compared only with the strings at or after
    its own position: both similarities (InDel ratio, normalised Levenshtein) and every bound of the
    scan are symmetric, so `_group` files each hit under both ends.
    """
    qi, ti, indel, cutoff, first, step = job
    cols = _W_COLUMNS
    qcol, tcol = cols[qi], cols[ti]
    same = qi == ti
    qs: list[np.ndarray] = []
    hs: list[np.ndarray] = []
    strs, order = qcol.strs, qcol.order.tolist()
    for p in range(first, len(strs), step):
        hits = tcol.scan(strs[order[p]], indel, cutoff, p if same else 0)
        if hits.size:
            qs.append(np.full(hits.size, p, dtype=np.int64))
            hs.append(hits)
    if not qs:
        return _EMPTY, _EMPTY
    return np.concatenate(qs), np.concatenate(hs)


def _group(n: int, keys: np.ndarray, vals: np.ndarray, mirror: bool) -> list[np.ndarray]:
    """Pairs (key, value) grouped by key, values ascending (with mirror: each pair both ways, once)."""
    k, v = keys, vals
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


def candidate_lists(vocab: Vocabulary, cuts: dict[str, float], run: _Map) -> list[list[int] | None]:
    """Per non-initial part u: its candidates v that the one-part-at-a-time prepare scored when making
    u's list (v >= u, or v an initial), in its order; None for initials (listed the ordinary way).
    The column joins run through `run` (a map, possibly over worker processes)."""
    ar, lat, sp, keys, coarse = vocab._columns()
    joins = [(0, 0, True, cuts["spelling"]), (1, 1, True, cuts["spelling"]), (2, 1, True, cuts["attested"]),
             (3, 3, False, cuts["key"]), (4, 4, False, cuts["coarse"])]
    step = _JOIN_SPLIT
    jobs: list[_Job] = [(qi, ti, indel, cut, first, step) for qi, ti, indel, cut in joins for first in range(step)]
    done = run(_join_job, jobs)
    hits: list[tuple[np.ndarray, np.ndarray]] = []
    for k in range(len(joins)):
        got = done[k * step : (k + 1) * step]
        hits.append((np.concatenate([g[0] for g in got]), np.concatenate([g[1] for g in got])))
    j_ar = _Joined(ar, _group(len(ar.strs), *hits[0], mirror=True))
    j_lat = _Joined(lat, _group(len(lat.strs), *hits[1], mirror=True))
    j_sp_lat = _Joined(lat, _group(len(sp.strs), *hits[2], mirror=False))  # Arabic part's spellings vs Latin forms
    j_lat_sp = _Joined(sp, _group(len(lat.strs), hits[2][1], hits[2][0], mirror=False))  # and the other way
    j_keys = _Joined(keys, _group(len(keys.strs), *hits[3], mirror=True))
    j_coarse = _Joined(coarse, _group(len(coarse.strs), *hits[4], mirror=True))
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


# -- worker processes ----------------------------------------------------------------------------
_W_TOKENS: Sequence[Token] = ()  # what the jobs read: set before the workers fork, so they inherit it
_W_COLUMNS: Sequence[_Column] = ()
_T = TypeVar("_T")
_R = TypeVar("_R")
_Map = Callable[[Callable[[_T], _R], list[_T]], list[_R]]


def _score_job(args: tuple[np.ndarray, np.ndarray, float]) -> np.ndarray:
    """token_similarity(u, v, floor) of each pair where it reaches `floor`, 0.0 elsewhere (`_lists` keeps
    only the former), without the pair cache and the letter-set bounds (`screened_similarities`)."""
    us, vs, floor = args
    toks = _W_TOKENS
    pairs = ((toks[u], toks[v]) for u, v in zip(us.tolist(), vs.tolist(), strict=True))
    return np.fromiter(screened_similarities(pairs, floor), dtype=np.float64, count=len(us))


def _serial(fn: Callable[[_T], _R], items: list[_T]) -> list[_R]:
    return [fn(x) for x in items]


def prepared_lists(vocab: Vocabulary, floor: float, cuts: dict[str, float], workers: int
                   ) -> list[dict[int, float] | None]:
    """The similar-part list (>= floor) of every non-initial part; None for initials.

    With workers > 1 (and a vocabulary worth it) the joins and the scoring run in forked worker
    processes: they inherit the vocabulary instead of unpickling it, and, unlike spawn, need no
    `if __name__ == "__main__"` guard in the caller's script. They only compute on what they
    inherited (the name tables are loaded before forking): no file, import or lock of the parent's
    other threads is touched, so a threaded caller (the server's startup build) cannot hang them.
    """
    global _W_TOKENS, _W_COLUMNS
    toks = vocab.tokens
    cols = vocab._columns()
    for c in cols:
        c.sync()
    spellings(), spelling_owners(), key_weight("")  # the lazily loaded name tables, before forking
    parallel = workers > 1 and len(toks) >= PARALLEL_MIN_PARTS and "fork" in mp.get_all_start_methods()
    _W_TOKENS, _W_COLUMNS = toks, cols
    try:
        if parallel:
            with mp.get_context("fork").Pool(workers) as pool:
                return _lists(vocab, floor, cuts, lambda fn, items: pool.map(fn, items, chunksize=1))
        return _lists(vocab, floor, cuts, _serial)
    finally:
        _W_TOKENS, _W_COLUMNS = (), ()


def _lists(vocab: Vocabulary, floor: float, cuts: dict[str, float], run: _Map) -> list[dict[int, float] | None]:
    cands = candidate_lists(vocab, cuts, run)
    us = np.fromiter((u for u, c in enumerate(cands) if c is not None for _ in c), dtype=np.int64)
    vs = np.fromiter((v for c in cands if c is not None for v in c), dtype=np.int64, count=len(us))
    tasks = [(us[i : i + _CHUNK], vs[i : i + _CHUNK], floor) for i in range(0, len(us), _CHUNK)]
    scores = iter(np.concatenate(run(_score_job, tasks)).tolist() if tasks else [])
    lists: list[dict[int, float] | None] = [None if c is None else {} for c in cands]
    for u, cand in enumerate(cands):
        mine = lists[u]
        if mine is None or cand is None:
            continue
        for v in cand:  # filed as the one-part-at-a-time prepare filed them, in the same order
            s = next(scores)
            if s >= floor:
                mine[v] = s
                other = lists[v]
                if other is not None:
                    other[u] = s
    return lists


def default_workers() -> int:
    """Both cores of the small server the index is sized for; more would starve the query workers."""
    return max(1, min(2, os.cpu_count() or 1))
