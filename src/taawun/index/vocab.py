"""Token vocabulary of an index: interned name parts and their candidate keys.

Each distinct part is analysed once and gets an integer id. Candidate keys map to the ids of
parts that may match: the exact phonetic key, its one-deletion neighbours (two keys one edit
apart always share a neighbour), the coarse key, and for Arabic parts the keys of their
attested Latin spellings.
"""

from __future__ import annotations

from typing import Any

from taawun.names.phonetic import latin_keys
from taawun.names.segment import AR
from taawun.names.similarity import token_similarity
from taawun.names.tokens import Token


def _deletions(key: str) -> set[str]:
    out = {key}
    if len(key) >= 3:
        out.update(key[:i] + key[i + 1 :] for i in range(len(key)))
    return out


def candidate_keys(tok: Token) -> set[str]:
    """Keys under which a token is filed and looked up."""
    keys: set[str] = set()
    for k in tok.keys:
        keys.update(_deletions(k))
    keys.update("c:" + k for k in tok.coarse_keys)
    if tok.script == AR:
        for sp in tok.spellings:
            keys.update(latin_keys(sp))
    if tok.is_initial:
        keys = {"i:" + tok.forms[0]}
    return keys


class Vocabulary:
    """Interned tokens and a key -> token ids map for candidate generation."""

    _CACHE_MAX = 200_000

    def __init__(self) -> None:
        self.tokens: list[Token] = []
        self._ids: dict[tuple[str, tuple[str, ...]], int] = {}
        self._by_key: dict[str, list[int]] = {}
        # query token -> (vocabulary size when computed, similar ids); extended incrementally
        self._similar_cache: dict[tuple[str, tuple[str, ...], float], tuple[int, dict[int, float]]] = {}

    def __len__(self) -> int:
        return len(self.tokens)

    def intern(self, tok: Token) -> int:
        ident = (tok.script, tok.forms)
        tid = self._ids.get(ident)
        if tid is not None:
            return tid
        tid = len(self.tokens)
        self.tokens.append(tok)
        self._ids[ident] = tid
        for k in candidate_keys(tok):
            self._by_key.setdefault(k, []).append(tid)
        return tid

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
        cand: set[int] = set()
        for k in candidate_keys(tok):
            ids = self._by_key.get(k)
            if ids:
                if start:
                    cand.update(i for i in ids if i >= start)
                else:
                    cand.update(ids)
        toks = self.tokens
        for tid in cand:
            s, _ = token_similarity(tok, toks[tid])
            if s >= min_sim:
                out[tid] = s
        if len(self._similar_cache) >= self._CACHE_MAX:
            self._similar_cache.clear()
        self._similar_cache[ck] = (n, out)
        return out

    def state(self) -> dict[str, Any]:
        return {"tokens": self.tokens, "by_key": self._by_key}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Vocabulary:
        v = cls()
        v.tokens = state["tokens"]
        v._by_key = state["by_key"]
        v._ids = {(t.script, t.forms): i for i, t in enumerate(v.tokens)}
        return v
