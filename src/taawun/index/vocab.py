"""Token vocabulary of an index: interned name parts, and the complete list of parts similar to a query part.

Each distinct part is analysed once and gets an integer id. Finding the vocabulary parts that
reach a similarity floor must be *complete* (the index's scores must equal `compare`'s), so it
does not guess through keys: every spelling, phonetic key and coarse key of the vocabulary is
compared with the query part's at C speed (rapidfuzz `cdist`), with cut-offs derived from the
factors of `names.similarity` so that no pair able to reach the floor is skipped, and only the
survivors are scored exactly. Each distinct string is looked at once (tokens share keys), and
only the strings whose length can reach the cut-off. Results are cached per query part (query
vocabularies repeat) and extended incrementally when the vocabulary grows; `prepare` makes the
lists of all vocabulary parts up front, since nearly every query part is one of them.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio
from rapidfuzz.process import cdist

from taawun.index import bulk as _bulk
from taawun.names import similarity as _sim
from taawun.names.segment import AR
from taawun.names.similarity import token_similarity
from taawun.names.tokens import Token

_EPS = 1e-6
_CacheKey = tuple[str, tuple[str, ...], float]
_Cached = tuple[tuple[int, ...], dict[int, float]]  # (column log sizes when computed, similar token ids)


def key_cutoff(floor: float, factor: float) -> float:
    """Lowest key edit similarity whose phonetic score (factor * (edit * (1 - bonus) + bonus)) can reach floor."""
    return max(0.0, (floor / factor - _sim.VOWEL_BONUS) / (1.0 - _sim.VOWEL_BONUS) - _EPS)


def attested_cutoff(floor: float) -> float:
    """Lowest ratio to an attested spelling that can reach floor (a near miss counts squared or cubed)."""
    if floor <= 0.9**3:  # reachable by a ratio below 0.9, which counts cubed
        return max(0.0, floor ** (1 / 3) - _EPS)
    return max(0.9, floor**0.5) - _EPS  # only ratios >= 0.9 (counted squared) can reach it


def column_cutoffs(floor: float) -> dict[str, float]:
    """Per column, the lowest string similarity from which a pair of parts can reach `floor`."""
    return {
        "spelling": floor - _EPS,  # ratio of spellings within a script counts as is
        "attested": attested_cutoff(floor),
        "key": min(key_cutoff(floor, _sim.KEY_FACTOR), key_cutoff(floor, _sim.SAME_SCRIPT_KEY_FACTOR)),
        "coarse": key_cutoff(floor, _sim.COARSE_FACTOR),
    }


_ALPHABET = 32  # letter-count buckets per column; letters beyond share the last bucket (the bound stays sound)


class _Column:
    """Distinct strings, each with the ids of the tokens that have it (many tokens share a key).

    Alongside, a matrix of letter counts per distinct string: the count difference (L1) of two
    strings is a lower bound of their InDel distance, and half of it of their Levenshtein distance,
    so one numpy pass discards nearly every string that cannot reach a cut-off before rapidfuzz
    computes the exact similarity of the few that might. The matrix is kept sorted by string
    length, and only the rows whose length can reach the cut-off at all are scanned (the length
    difference is a lower bound of both distances), so a lookup reads a small slice of it.

    Growth is an append-only log of (row, token) filings: a cached result made at log position p
    is brought up to date by checking only the filings since p.
    """

    __slots__ = ("strs", "owners", "_row", "_log_rows", "_log_tids", "_letters", "_counts", "_lens",
                 "_rows", "_sorted_counts", "_sorted_lens", "_sorted_tot", "_order", "_len_start", "_sorted_rows",
                 "_thr", "_pos")

    def __init__(self) -> None:
        self.strs: list[str] = []  # distinct strings (row -> string)
        self.owners: list[list[int]] = []  # row -> token ids having that string
        self._row: dict[str, int] = {}
        self._log_rows: list[int] = []  # every filing, in order: the row ...
        self._log_tids: list[int] = []  # ... and the token filed
        self._letters: dict[str, int] = {}
        self._counts = np.zeros((0, _ALPHABET), dtype=np.int8)
        self._lens = np.zeros(0, dtype=np.int16)
        self._rows = 0  # strings already in the count matrices
        self._sorted_rows = 0  # rows already in the length-sorted copy
        self._sorted_counts = np.zeros((_ALPHABET, 0), dtype=np.int8)
        self._sorted_lens = np.zeros(0, dtype=np.int16)
        self._sorted_tot = np.zeros(0, dtype=np.int16)  # per sorted string: sum of its letter counts
        self._order = np.zeros(0, dtype=np.int64)  # sorted position -> row
        self._pos = np.zeros(0, dtype=np.int64)  # row -> sorted position
        self._len_start = np.zeros(1, dtype=np.int64)  # length L -> first sorted position with len >= L
        self._thr: dict[tuple[int, bool, float], tuple[int, int, np.ndarray]] = {}  # see _thresholds

    def __len__(self) -> int:
        """Filings so far: the position from which a later `matching` call can resume."""
        return len(self._log_rows)

    def extend(self, values: tuple[str, ...], tid: int) -> None:
        for v in dict.fromkeys(values):
            if v:
                row = self._row.get(v)
                if row is None:
                    row = self._row[v] = len(self.strs)
                    self.strs.append(v)
                    self.owners.append([])
                self.owners[row].append(tid)
                self._log_rows.append(row)
                self._log_tids.append(tid)

    def _vector(self, text: str, add: bool) -> np.ndarray:
        vec = [0] * _ALPHABET
        letters = self._letters
        for ch in text:
            k = letters.get(ch)
            if k is None:
                k = min(len(letters), _ALPHABET - 1)
                if add and len(letters) < _ALPHABET - 1:
                    letters[ch] = k
            vec[k] += 1
        return np.minimum(np.asarray(vec, dtype=np.int16), 127).astype(np.int8)

    def _sync(self) -> None:
        """Bring the count matrices up to date with the strings (amortised doubling), and the
        length-sorted copy too (rebuilt only when strings were added since)."""
        n = len(self.strs)
        if self._rows < n:
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
        if self._sorted_rows < n:
            order = np.argsort(self._lens[:n], kind="stable")
            self._order = order
            self._pos = np.empty_like(order)
            self._pos[order] = np.arange(n)
            self._sorted_counts = np.ascontiguousarray(self._counts[order].T)  # letters x strings: fast sums
            self._sorted_lens = self._lens[order]
            self._sorted_tot = self._sorted_counts.sum(axis=0, dtype=np.int16)
            top = int(self._sorted_lens[-1]) if n else 0
            self._len_start = np.searchsorted(self._sorted_lens, np.arange(top + 2), side="left")
            self._sorted_rows = n
            self._thr.clear()  # the longest length may have changed

    def sync(self) -> None:
        """Make the length-sorted copy current (`order`, `position` and `scan` read it)."""
        self._sync()

    @property
    def order(self) -> np.ndarray:
        """Sorted position -> row (as of the last `sync`)."""
        return self._order

    def position(self, text: str) -> int:
        """Sorted position of one of the column's strings (as of the last `sync`)."""
        return int(self._pos[self._row[text]])

    def scan(self, q: str, indel: bool, cutoff: float, first: int) -> np.ndarray:
        """Sorted positions from `first` on whose string reaches `cutoff` against `q` (ascending):
        the strings `matching` from position 0 finds for q, through the same window, bound and
        rapidfuzz scorer (call `sync` first)."""
        a, b, table = self._thresholds(len(q), indel, cutoff)
        a = max(a, first)
        if a >= b:
            return np.zeros(0, dtype=np.int64)
        keep = self._reach(self._vector(q, False), self._sorted_counts[:, a:b], self._sorted_tot[a:b],
                           self._sorted_lens[a:b], table)
        pos = np.flatnonzero(keep) + a
        if not pos.size:
            return pos
        return pos[self._reaching([q], self._order[pos].tolist(), indel, cutoff)]

    def _reaching(self, qs: list[str], rows: list[int], indel: bool, cutoff: float) -> np.ndarray:
        """Indices into `rows` of the strings that reach `cutoff` against one of `qs`, exactly (rapidfuzz):
        InDel ratio (`indel`) or normalised Levenshtein similarity. The bounds only chose the rows."""
        strs = self.strs
        scorer = ratio if indel else Levenshtein.normalized_similarity
        scale = 100.0 if indel else 1.0
        m = cdist(qs, [strs[r] for r in rows], scorer=scorer, score_cutoff=cutoff * scale, dtype=np.float32)
        return np.flatnonzero((m >= cutoff * scale).any(axis=0))

    def _thresholds(self, lq: int, indel: bool, cutoff: float) -> tuple[int, int, np.ndarray]:
        """For a query string of length `lq`: the sorted positions [a, b) of the strings whose length
        does not rule them out, and per string length the largest letter-count difference (L1) that
        can still reach `cutoff` (-1: none).

        InDel ratio 1 - d / (l + lq) >= c needs d <= (1 - c)(l + lq), and L1 <= d. Normalised
        Levenshtein 1 - d / max(l, lq) >= c needs d <= D = (1 - c) max(l, lq), with |l - lq| <= d and
        L1 <= 2d. Rounded down with a hair of slack, so the filter is never stricter than the bound:
        rapidfuzz decides the survivors exactly.
        """
        key = (lq, indel, cutoff)
        hit = self._thr.get(key)
        if hit is not None:
            return hit
        top = len(self._len_start) - 2  # longest length present
        ls = np.arange(top + 1, dtype=np.float64)
        if indel:
            limit = np.floor((1.0 - cutoff) * (ls + lq) + 1e-9)
            allowed = limit
        else:
            limit = np.floor((1.0 - cutoff) * np.maximum(ls, lq) + 1e-9)
            allowed = 2 * limit
        ok = np.abs(ls - lq) <= limit
        table = np.where(ok, allowed, -1).clip(-1, 32000).astype(np.int16)
        lengths = np.flatnonzero(ok)
        if not lengths.size:
            res = (0, 0, table)
        else:
            res = (int(self._len_start[lengths[0]]), int(self._len_start[lengths[-1] + 1]), table)
        self._thr[key] = res
        return res

    @staticmethod
    def _reach(vec: np.ndarray, counts: np.ndarray, totals: np.ndarray, lens: np.ndarray, table: np.ndarray
               ) -> np.ndarray:
        """Which of the given strings (`counts` is letters x strings, `totals` their column sums) may
        reach the cut-off that `table` encodes (see `_thresholds`) against the query string with
        letter counts `vec`. L1 = sum|c - v| = sum c + sum v - 2 sum min(c, v), and min(c, v) is 0
        wherever the query lacks the letter: only the query's few letters are read."""
        shared = np.zeros(len(lens), dtype=np.int16)
        for k in np.flatnonzero(vec).tolist():
            shared += np.minimum(counts[k], vec[k])
        l1 = totals + np.int16(int(vec.sum(dtype=np.int16))) - 2 * shared
        return l1 <= table[lens]

    def state(self) -> dict[str, Any]:
        """The column as it stands, in bulk: owners and the filing log as flat arrays, the letter-count
        matrices as they are (made one string at a time, the dearest part to remake); the length-sorted
        copy is remade from them on first use (one numpy sort)."""
        flat = array("i")
        starts = array("q", [0])
        for tids in self.owners:
            flat.extend(tids)
            starts.append(len(flat))
        return {"strs": self.strs, "owners": flat, "owner_starts": starts, "log_rows": array("i", self._log_rows),
                "log_tids": array("i", self._log_tids), "letters": self._letters,
                "counts": self._counts[: self._rows], "lens": self._lens[: self._rows]}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> _Column:
        c = cls()
        c.strs = state["strs"]
        c._row = dict(zip(c.strs, range(len(c.strs)), strict=True))
        flat = state["owners"].tolist()
        bounds = state["owner_starts"].tolist()
        c.owners = [flat[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
        c._log_rows = state["log_rows"].tolist()
        c._log_tids = state["log_tids"].tolist()
        c._letters = state["letters"]
        c._counts = state["counts"]
        c._lens = state["lens"]
        c._rows = len(c._lens)
        return c

    def matching(self, queries: tuple[str, ...], indel: bool, cutoff: float, start: int, out: set[int]) -> None:
        """Add to `out` the tokens filed from log position `start` on with a string that reaches
        `cutoff` against a query string: by InDel ratio (`indel`) or by normalised Levenshtein
        similarity. From position 0 every string is looked at (through the length window)."""
        qs = [q for q in dict.fromkeys(queries) if q]
        if not qs or start >= len(self._log_rows):
            return
        self._sync()
        if start == 0:
            spans = [self._thresholds(len(q), indel, cutoff) for q in qs]
            lo = min(a for a, _, _ in spans)
            hi = max(b for _, b, _ in spans)
            if lo >= hi:
                return
            keep = np.zeros(hi - lo, dtype=bool)
            for q, (a, b, table) in zip(qs, spans, strict=True):
                if a < b:
                    keep[a - lo : b - lo] |= self._reach(self._vector(q, False), self._sorted_counts[:, a:b],
                                                         self._sorted_tot[a:b], self._sorted_lens[a:b], table)
            rows: list[int] = self._order[lo:hi][keep].tolist()
        else:  # only the strings filed since `start` (few)
            cand = np.asarray(sorted(set(self._log_rows[start:])), dtype=np.int64)
            counts, lens = self._counts[cand].T, self._lens[cand]
            totals = counts.sum(axis=0, dtype=np.int16)
            keep = np.zeros(len(cand), dtype=bool)
            for q in qs:
                table = self._thresholds(len(q), indel, cutoff)[2]
                keep |= self._reach(self._vector(q, False), counts, totals, lens, table)
            rows = cand[keep].tolist()
        if not rows:
            return
        hit = self._reaching(qs, rows, indel, cutoff)
        if start == 0:
            for k in hit:
                out.update(self.owners[rows[int(k)]])
        else:
            good = {rows[int(k)] for k in hit}
            out.update(t for r, t in zip(self._log_rows[start:], self._log_tids[start:], strict=True) if r in good)


class _KnownLists(Mapping[_CacheKey, _Cached]):
    """The similar-part lists of vocabulary parts, by (script, forms, floor), as `Vocabulary.similar` reads
    and files them (`get`, item assignment).

    Lists read from a snapshot stay packed in flat arrays until first asked for: a million-person
    index lists ~3M pairs, which as dicts of Python ints and floats cost ~250 MB per worker and half a
    second to make at every start, while a worker's queries read a small share of them.
    """

    __slots__ = ("_made", "_packed", "_sizes", "_size_codes", "_starts", "_similar", "_sims")

    def __init__(self) -> None:
        self._made: dict[_CacheKey, _Cached] = {}
        self._packed: dict[_CacheKey, int] = {}  # key -> its list's number in the arrays below
        self._sizes: list[tuple[int, ...]] = []
        self._size_codes = array("i")
        self._starts = array("q", [0])
        self._similar = array("i")
        self._sims = array("d")

    def _unpack(self, n: int) -> _Cached:
        a, b = self._starts[n], self._starts[n + 1]
        found = dict(zip(self._similar[a:b].tolist(), self._sims[a:b].tolist(), strict=True))
        return self._sizes[self._size_codes[n]], found

    def get(self, key: _CacheKey, default: _Cached | None = None) -> _Cached | None:  # type: ignore[override]
        got = self._made.get(key)
        if got is None:
            n = self._packed.pop(key, None)
            if n is None:
                return default
            got = self._made[key] = self._unpack(n)
        return got

    def __getitem__(self, key: _CacheKey) -> _Cached:
        got = self.get(key)
        if got is None:
            raise KeyError(key)
        return got

    def __setitem__(self, key: _CacheKey, value: _Cached) -> None:
        self._packed.pop(key, None)
        self._made[key] = value

    def __len__(self) -> int:
        return len(self._made) + len(self._packed)  # a key is in one of them, never both

    def __contains__(self, key: object) -> bool:
        return key in self._made or key in self._packed

    def __iter__(self) -> Iterator[_CacheKey]:
        return iter([*self._made, *self._packed])  # a copy: reading a packed list moves its key

    def clear(self) -> None:
        self._made.clear()
        self._packed.clear()

    def _every(self) -> Iterator[tuple[_CacheKey, _Cached]]:
        """Every list, packed ones unpacked on the fly and not kept (a snapshot of a loaded index
        does not make them all)."""
        yield from self._made.items()
        for key, n in self._packed.items():
            yield key, self._unpack(n)

    def state(self, tid_of: Callable[[str, tuple[str, ...]], int]) -> dict[str, Any]:
        """Flat arrays (keyed by the token id of each list's part, in list order: the index sums scores in
        that order)."""
        tids, floors, size_codes = array("i"), array("d"), array("i")
        starts, similar, sims = array("q", [0]), array("i"), array("d")
        sizes: dict[tuple[int, ...], int] = {}
        for (script, forms, floor), (made_at, found) in self._every():
            tids.append(tid_of(script, forms))
            floors.append(floor)
            size_codes.append(sizes.setdefault(made_at, len(sizes)))
            similar.extend(found.keys())
            sims.extend(found.values())
            starts.append(len(similar))
        return {"tids": tids, "floors": floors, "sizes": list(sizes), "size_codes": size_codes,
                "starts": starts, "similar": similar, "sims": sims}

    @classmethod
    def from_state(cls, state: dict[str, Any], tokens: list[Token]) -> _KnownLists:
        k = cls()
        k._sizes, k._size_codes, k._starts = state["sizes"], state["size_codes"], state["starts"]
        k._similar, k._sims = state["similar"], state["sims"]
        pairs = zip(state["tids"].tolist(), state["floors"].tolist(), strict=True)
        k._packed = {(tokens[tid].script, tokens[tid].forms, floor): n for n, (tid, floor) in enumerate(pairs)}
        return k


class Vocabulary:
    """Interned tokens and the string columns scanned to find the tokens similar to a query part."""

    _CACHE_MAX = 50_000  # lists kept for query parts that are not vocabulary parts (typos, new names)

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
        self._similar_cache: dict[_CacheKey, _Cached] = {}
        # the same for vocabulary parts (queries mostly are): never evicted, saved with the index
        self._known = _KnownLists()

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
        cuts = column_cutoffs(floor)
        spelling, attested, key, coarse = cuts["spelling"], cuts["attested"], cuts["key"], cuts["coarse"]
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
        sizes = self._sizes()
        known = (tok.script, tok.forms) in self._ids
        cache = self._known if known else self._similar_cache
        cached = cache.get(ck)
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
        if not known and len(cache) >= self._CACHE_MAX:
            cache.clear()
        cache[ck] = (sizes, out)
        return out

    def _sizes(self) -> tuple[int, ...]:
        return tuple(len(c) for c in self._columns()) + (len(self._initials),)

    def prepare(self, min_sim: float, workers: int | None = None) -> None:
        """List the similar parts of every vocabulary part now, so that a query part equal to a known
        part (most are) finds its list ready instead of scanning the vocabulary and scoring the
        survivors on the query's path. Lists are brought up to date on use as the vocabulary grows.

        The same lists `similar` would make, at a fraction of the cost (see `bulk`): the candidate
        relation is symmetric (every bound compares the two parts' strings the same way round) and
        so is `token_similarity` (compare's symmetry rests on it), so each pair of non-initial
        parts is scored once and filed under both, and the scoring runs in `workers` processes
        (default: both cores). Initials are listed only against initials (see `_candidates`), so
        their lists are made the ordinary way.
        """
        toks = self.tokens
        sizes = self._sizes()
        n_workers = _bulk.default_workers() if workers is None else workers
        lists = _bulk.prepared_lists(self, min_sim, column_cutoffs(min_sim), n_workers)
        for u, tok in enumerate(toks):
            made = lists[u]
            if made is None:
                self.similar(tok, min_sim)
            else:
                self._known[(tok.script, tok.forms, min_sim)] = (sizes, made)

    def state(self) -> dict[str, Any]:
        """What a snapshot keeps: the tokens, the columns as they stand (remaking them token by token
        costs more than reading them), and the similar-part lists of vocabulary parts in flat arrays."""
        return {"tokens": self.tokens, "initials": array("i", self._initials),
                "columns": [c.state() for c in self._columns()],
                "known": self._known.state(lambda script, forms: self._ids[(script, forms)])}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Vocabulary:
        v = cls()
        toks: list[Token] = state["tokens"]
        v.tokens = toks
        v._ids = {(t.script, t.forms): i for i, t in enumerate(toks)}
        v._initials = state["initials"].tolist()
        v._forms_ar, v._forms_lat, v._spellings, v._keys, v._coarse = (_Column.from_state(c) for c in state["columns"])
        v._known = _KnownLists.from_state(state["known"], toks)
        return v
