"""Token vocabulary of an index: interned name parts and their candidate keys.

Each distinct part is analysed once and gets an integer id. Candidate keys map to the ids of
parts that may match: the exact phonetic key, its one-deletion neighbours (two keys one edit
apart always share a neighbour), the coarse key, and for Arabic parts the keys of their
attested Latin spellings.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz.distance import Levenshtein

from taawun.names.phonetic import latin_keys
from taawun.names.segment import AR
from taawun.names.similarity import token_similarity
from taawun.names.tokens import Token


def _deletions(key: str) -> set[str]:
    out = {key}
    if len(key) >= 3:
        out.update(key[:i] + key[i + 1 :] for i in range(len(key)))
    return out


def _exact_keys(tok: Token) -> set[str]:
    """Phonetic keys a token is filed under (for Arabic also those of attested spellings)."""
    keys = set(tok.keys)
    if tok.script == AR:
        for sp in tok.spellings:
            keys.update(latin_keys(sp))
    return keys


KEY_PREFILTER = 0.7  # key pairs less alike than this are not examined at all


class Vocabulary:
    """Interned tokens and the maps used to find the tokens similar to a query part.

    Keys are filed at key level (far fewer keys than tokens): exact phonetic key -> token ids,
    one-deletion neighbour -> keys (two keys one edit apart always share a neighbour), coarse
    key -> token ids. A query part is compared with the keys first (cheap, in C) and only the
    tokens under close keys are scored in full.
    """

    _CACHE_MAX = 200_000

    def __init__(self) -> None:
        self.tokens: list[Token] = []
        self._ids: dict[tuple[str, tuple[str, ...]], int] = {}
        self._by_key: dict[str, list[int]] = {}  # exact key / "c:" coarse / "i:" initial -> ids
        self._neighbours: dict[str, set[str]] = {}  # deletion neighbour -> exact keys
        # query token -> (vocabulary size when computed, similar ids); extended incrementally
        self._similar_cache: dict[tuple[str, tuple[str, ...], float], tuple[int, dict[int, float]]] = {}

    def __len__(self) -> int:
        return len(self.tokens)

    def _file(self, key: str, tid: int) -> None:
        self._by_key.setdefault(key, []).append(tid)

    def intern(self, tok: Token) -> int:
        ident = (tok.script, tok.forms)
        tid = self._ids.get(ident)
        if tid is not None:
            return tid
        tid = len(self.tokens)
        self.tokens.append(tok)
        self._ids[ident] = tid
        if tok.is_initial:
            self._file("i:" + tok.forms[0], tid)
            return tid
        for k in _exact_keys(tok):
            if k not in self._by_key:
                for d in _deletions(k):
                    self._neighbours.setdefault(d, set()).add(k)
            self._file(k, tid)
        for c in set(tok.coarse_keys):
            self._file("c:" + c, tid)
        return tid

    def _candidates(self, tok: Token, start: int) -> set[int]:
        if tok.is_initial:
            return {i for i in self._by_key.get("i:" + tok.forms[0], []) if i >= start}
        qkeys = _exact_keys(tok)
        close: set[str] = set()
        for k in qkeys:
            for d in _deletions(k):
                close.update(self._neighbours.get(d, ()))
        lookups = [k for k in close if k in qkeys or max(
            Levenshtein.normalized_similarity(k, q) for q in qkeys) >= KEY_PREFILTER]
        # coarse buckets of one- or two-consonant keys hold half the vocabulary: skip them
        lookups.extend("c:" + c for c in set(tok.coarse_keys) if len(c) >= 3)
        cand: set[int] = set()
        for k in lookups:
            found = self._by_key.get(k)
            if found:
                ids = found
                if start:
                    cand.update(i for i in ids if i >= start)
                else:
                    cand.update(ids)
        return cand

    def similar(self, tok: Token, min_sim: float) -> dict[int, float]:
        """Ids of vocabulary tokens similar to `tok` (>= min_sim) with their similarity.

        Initials are filed under their letter only: an initial may stand for any part
        starting with it, too many to list, so the other query parts find the record.
        Results are cached per query token (screening queries reuse a small vocabulary) and
        only tokens interned since are examined on a later call. Call under the index lock.
        """
        ck = (tok.script, tok.forms, min_sim)
        cached = self._similar_cache.get(ck)
        n = len(self.tokens)
        if cached is not None and cached[0] == n:
            return cached[1]
        start = cached[0] if cached is not None else 0
        out = dict(cached[1]) if cached is not None else {}
        toks = self.tokens
        for tid in self._candidates(tok, start):
            s, _ = token_similarity(tok, toks[tid], min_sim)
            if s >= min_sim:
                out[tid] = s
        if len(self._similar_cache) >= self._CACHE_MAX:
            self._similar_cache.clear()
        self._similar_cache[ck] = (n, out)
        return out

    def state(self) -> dict[str, Any]:
        return {"tokens": self.tokens, "by_key": self._by_key, "neighbours": self._neighbours}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Vocabulary:
        v = cls()
        v.tokens = state["tokens"]
        v._by_key = state["by_key"]
        v._neighbours = state["neighbours"]
        v._ids = {(t.script, t.forms): i for i, t in enumerate(v.tokens)}
        return v
