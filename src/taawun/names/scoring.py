"""Name-level scoring: align the parts of two names and weigh them by rarity.

Order is nearly free (family names move; a crossed alignment keeps `pairing.ORDER_FACTOR` of its score,
because a chain read in another order may be another person), parts may be missing on either
side (a passport shows four links of a chain, a report two), and common parts count little.
The score is a weighted Dice over aligned parts:

    score = sum(sim * (wa + wb)) / (sum over aligned (wa + wb) + ALPHA * sum(unaligned w)
                                     + CONFLICT * 2 * min(unaligned wa, unaligned wb))

ALPHA < 1 because a missing middle link is weaker evidence against identity than a mismatch;
when both names have parts left over, those parts disagree, which is charged in full.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import FrozenInstanceError, dataclass
from functools import lru_cache
from typing import Any

from taawun.names.joins import join_worth_trying
from taawun.names.pairing import DISAGREEMENT_WEIGHT, greedy_order, order_factor, pair_terms
from taawun.names.phonetic import arabic_key
from taawun.names.segment import AR, segment
from taawun.names.similarity import similar_parts, token_similarity
from taawun.names.tokens import Token, _analyse, merge_tokens

REPAIR_MIN = 0.4
MERGE_MIN = 0.8  # a part must match two joined parts at least this well to replace their alignment
MIN_PAIR_SIM = 0.65  # below this two parts are not considered the same part
ALPHA = 0.5
CONFLICT = 0.0  # extra charge when both names have unaligned parts: they disagree, not just omit


@dataclass(frozen=True, slots=True)
class TokenMatch:
    """One aligned pair of name parts and why they match."""

    a: str
    b: str
    similarity: float
    weight: float
    space: str  # which comparison decided: spelling, phonetic, attested spelling, ...
    transliteration: str  # the common-space forms compared, e.g. "XTK ~ STK"


class NameScore:
    """Score of two names in [0, 1] with the parts that produced it.

    Immutable, and compared, hashed, shown and pickled as the dataclass it was (fields score, a, b,
    pairs, unmatched_a, unmatched_b, extra). The explanation (pairs, unmatched parts) of a score that
    `compare` made is built when it is first read: screening and the benchmarks read only `score` of
    most comparisons, and building it costs as much as scoring a pair of unalike names.
    """

    __slots__ = ("score", "a", "b", "_pairs", "_unmatched_a", "_unmatched_b", "_extra", "_parts")
    __match_args__ = ("score", "a", "b", "pairs", "unmatched_a", "unmatched_b", "extra")

    score: float
    a: str
    b: str
    _pairs: tuple[TokenMatch, ...]
    _unmatched_a: tuple[str, ...]
    _unmatched_b: tuple[str, ...]
    _extra: dict[str, Any] | None
    # what the explanation is built from, until it is: the analysed names and their alignment
    _parts: tuple[Sequence[Token], Sequence[Token], Sequence[Pair]] | None

    def __init__(
        self,
        score: float,
        a: str,
        b: str,
        pairs: tuple[TokenMatch, ...] = (),
        unmatched_a: tuple[str, ...] = (),
        unmatched_b: tuple[str, ...] = (),
        extra: dict[str, Any] | None = None,
    ) -> None:
        _init(self, score, a, b, pairs, unmatched_a, unmatched_b, {} if extra is None else extra, None)

    @classmethod
    def _of(cls, score: float, a: str, b: str, ta: Sequence[Token], tb: Sequence[Token], pairs: Sequence[Pair]
            ) -> NameScore:
        """The score of `align`, explained from its alignment when asked."""
        made = object.__new__(cls)
        _set_score(made, score)
        _set_a(made, a)
        _set_b(made, b)
        _set_extra(made, None)
        _set_parts(made, (ta, tb, pairs))  # (the explanation's slots are filled by `_explain`)
        return made

    def _explain(self) -> None:
        parts = self._parts
        if parts is None:
            return
        ta, tb, pairs = parts
        matches = tuple(
            TokenMatch(
                a=ta[i].source,
                b=" ".join(tb[j].source for j in js),
                similarity=round(s, 4),
                weight=round((ta[i].weight + sum(tb[j].weight for j in js)) / (1 + len(js)), 4),
                space=space,
                transliteration=_describe(ta[i], tb[js[0]], space),
            )
            for i, js, s, space in pairs
        )
        ia = {i for i, _, _, _ in pairs}
        ib = {j for _, js, _, _ in pairs for j in js}
        _set_pairs(self, matches)
        _set_unmatched_a(self, tuple(t.source for k, t in enumerate(ta) if k not in ia))
        _set_unmatched_b(self, tuple(t.source for k, t in enumerate(tb) if k not in ib))
        _set_parts(self, None)

    @property
    def pairs(self) -> tuple[TokenMatch, ...]:
        self._explain()  # (nothing to do once explained)
        return self._pairs

    @property
    def unmatched_a(self) -> tuple[str, ...]:
        self._explain()  # (nothing to do once explained)
        return self._unmatched_a

    @property
    def unmatched_b(self) -> tuple[str, ...]:
        self._explain()  # (nothing to do once explained)
        return self._unmatched_b

    @property
    def extra(self) -> dict[str, Any]:
        got = self._extra
        if got is None:
            got = {}
            _set_extra(self, got)
        return got

    def _fields(self) -> tuple[Any, ...]:
        return (self.score, self.a, self.b, self.pairs, self.unmatched_a, self.unmatched_b, self.extra)

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, NameScore)
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (f"NameScore(score={self.score!r}, a={self.a!r}, b={self.b!r}, pairs={self.pairs!r}, "
                f"unmatched_a={self.unmatched_a!r}, unmatched_b={self.unmatched_b!r}, extra={self.extra!r})")

    def __reduce__(self) -> tuple[type[NameScore], tuple[Any, ...]]:
        return NameScore, self._fields()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable form."""
        return {
            "score": self.score,
            "a": self.a,
            "b": self.b,
            "pairs": [
                {"a": p.a, "b": p.b, "similarity": p.similarity, "weight": p.weight, "space": p.space,
                 "transliteration": p.transliteration}
                for p in self.pairs
            ],
            "unmatched_a": list(self.unmatched_a),
            "unmatched_b": list(self.unmatched_b),
            "extra": dict(self.extra),
        }


# Slot writers that bypass the frozen __setattr__ (as a frozen dataclass's own __init__ does).
_set_score = NameScore.__dict__["score"].__set__
_set_a = NameScore.__dict__["a"].__set__
_set_b = NameScore.__dict__["b"].__set__
_set_pairs = NameScore.__dict__["_pairs"].__set__
_set_unmatched_a = NameScore.__dict__["_unmatched_a"].__set__
_set_unmatched_b = NameScore.__dict__["_unmatched_b"].__set__
_set_extra = NameScore.__dict__["_extra"].__set__
_set_parts = NameScore.__dict__["_parts"].__set__


def _init(made: NameScore, score: float, a: str, b: str, pairs: tuple[TokenMatch, ...], unmatched_a: tuple[str, ...],
          unmatched_b: tuple[str, ...], extra: dict[str, Any] | None,
          parts: tuple[Sequence[Token], Sequence[Token], Sequence[Pair]] | None) -> None:
    _set_score(made, score)
    _set_a(made, a)
    _set_b(made, b)
    _set_pairs(made, pairs)
    _set_unmatched_a(made, unmatched_a)
    _set_unmatched_b(made, unmatched_b)
    _set_extra(made, extra)
    _set_parts(made, parts)


@lru_cache(maxsize=200_000)
def analyse_name(text: str) -> tuple[Token, ...]:
    """Segment and analyse one name (cached: screening compares the same names repeatedly, and a
    query name is compared with many stored ones; tokens are immutable, so sharing is safe)."""
    return tuple([_analyse(p.script, p.forms, p.source) for p in segment(text)])  # (`analyse_part`, inline)


def _describe(a: Token, b: Token, space: str) -> str:
    if space in ("phonetic", "coarse phonetic", "initial"):
        return f"{a.keys[0] if a.keys else ''} ~ {b.keys[0] if b.keys else ''}"
    if space == "attested spelling":
        ar, lat = (a, b) if a.script == AR else (b, a)
        return f"{ar.text} -> {'/'.join(ar.spellings[:3])} ~ {lat.text}"
    return f"{a.text} ~ {b.text}"


SimFn = Callable[[int, int], tuple[float, str]]
Pair = tuple[int, tuple[int, ...], float, str]  # (index in a, indices in b, similarity, space)


def _score(ta: Sequence[Token], tb: Sequence[Token], pairs: Sequence[Pair], sim: SimFn) -> float:
    num = 0.0
    den = 0.0
    used_a = 0  # bit sets of the aligned parts
    used_b = 0
    for i, js, s, _ in pairs:
        if len(js) == 1:  # (the common case of `pair_terms`, inline: the same arithmetic)
            j = js[0]
            w = ta[i].weight + tb[j].weight
            used_b |= 1 << j
            floor = DISAGREEMENT_WEIGHT * 2
        else:
            w = ta[i].weight + sum(tb[j].weight for j in js)
            for j in js:
                used_b |= 1 << j
            floor = DISAGREEMENT_WEIGHT * (1 + len(js))
        num += s * w
        den += w if s >= 1.0 or w >= floor else w + (1.0 - s) * (floor - w)
        used_a |= 1 << i
    rest_a = sum(t.weight for k, t in enumerate(ta) if not used_a >> k & 1)
    rest_b = sum(t.weight for k, t in enumerate(tb) if not used_b >> k & 1)
    den += ALPHA * (rest_a + rest_b) + CONFLICT * 2 * min(rest_a, rest_b)
    if den <= 0:
        return 0.0
    return round(num / den * order_factor([(i, js[0], s) for i, js, s, _ in pairs], lambda i, j: sim(i, j)[0]), 6)


def _greedy(ta: Sequence[Token], tb: Sequence[Token], sim: SimFn | None) -> list[Pair]:
    """Greedy alignment; `sim` None: the parts' own similarities (asked directly, the hot path)."""
    cands: list[tuple[float, float, str, str, int, int, str]] = []
    for i, x in enumerate(ta):
        if sim is None:
            row = similar_parts(x, tb, MIN_PAIR_SIM)
        else:
            row = []
            for j in range(len(tb)):
                s, space = sim(i, j)
                if s >= MIN_PAIR_SIM:
                    row.append((j, s, space))
        for j, s, space in row:
            cands.append((*greedy_order(s, x, tb[j]), i, j, space))
    if not cands:
        return []
    cands.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[Pair] = []
    for neg_s, _, _, _, i, j, space in cands:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((i, (j,), -neg_s, space))
    return pairs


def _merge_repair(short: Sequence[Token], long: Sequence[Token], pairs: list[Pair], score: float, sim: SimFn
                  ) -> tuple[float, list[Pair]]:
    """Try matching one part of the shorter name to two adjacent parts of the longer one.

    Only where the greedy alignment left a part of the longer name over and the shorter
    part is unmatched or poorly matched, so the common case costs nothing.
    """
    matched_long = {j for _, js, _, _ in pairs for j in js}
    sim_of = {i: s for i, _, s, _ in pairs}
    best_score, best_pairs = score, pairs
    for j in range(len(long) - 1):
        if (j in matched_long and j + 1 in matched_long) or long[j].script != long[j + 1].script:
            continue  # (`merge_tokens` joins parts of one script only)
        merged: Token | None = None  # analysed only when some part could match it (`join_worth_trying`)
        for i, t in enumerate(short):
            if sim_of.get(i, 0.0) >= 0.9 or not join_worth_trying(t, long[j], long[j + 1], MERGE_MIN):
                continue
            if merged is None:
                merged = merge_tokens(long[j], long[j + 1])
                assert merged is not None
            s, space = token_similarity(t, merged, MERGE_MIN)
            if s < MERGE_MIN or s <= sim_of.get(i, 0.0):
                continue
            alt = [p for p in pairs if p[0] != i and j not in p[1] and j + 1 not in p[1]]
            alt.append((i, (j, j + 1), s, "joined " + space))
            sc = _score(short, long, alt, sim)
            if sc > best_score:
                best_score, best_pairs = sc, alt
    return best_score, best_pairs


def align(ta: Sequence[Token], tb: Sequence[Token], sim: SimFn | None = None) -> tuple[float, list[Pair]]:
    """Best alignment of two analysed names: (score, [(i, (j, ...), sim, space)]).

    `sim(i, j)` may supply precomputed part similarities (the index does); by default they
    are computed. Symmetric: align(b, a) gives the same score.
    """
    if not ta or not tb:
        return 0.0, []
    pairs = _greedy(ta, tb, sim)
    if not pairs:  # no two parts alike: nothing scores, and nothing can be repaired (REPAIR_MIN)
        return 0.0, pairs
    if sim is None:
        floor = MIN_PAIR_SIM  # weaker pairs are never aligned: let the similarity skip them cheaply

        def sim(i: int, j: int) -> tuple[float, str]:
            return token_similarity(ta[i], tb[j], floor)
    score = _score(ta, tb, pairs, sim)
    short_n = min(len(ta), len(tb))
    if (
        score >= REPAIR_MIN  # joining two parts cannot rescue a name that shares next to nothing
        and len(ta) != len(tb)
        and len(pairs) < max(len(ta), len(tb))
        and (len(pairs) < short_n or any(p[2] < 0.9 for p in pairs))
    ):
        if len(ta) < len(tb):
            score, pairs = _merge_repair(ta, tb, pairs, score, sim)
        else:
            flipped: list[Pair] = [(js[0], (i,), s, sp) for i, js, s, sp in pairs]
            score, flipped = _merge_repair(tb, ta, flipped, score, lambda i, j: sim(j, i))
            pairs = []
            for i, js, s, sp in flipped:
                if len(js) == 1:
                    pairs.append((js[0], (i,), s, sp))
                else:  # a part of `a` merged pair: express as several a-indices to one b
                    pairs.append((js[0], (i,), s, sp))
                    pairs.extend((j, (i,), s, sp) for j in js[1:])
    return score, pairs


def compare(a: str, b: str) -> NameScore:
    """Compare two names (any scripts). Symmetric; a name matches itself at 1.0."""
    ta = analyse_name(a)
    tb = analyse_name(b)
    score, pairs = align(ta, tb)
    return NameScore._of(score, a, b, ta, tb, pairs)


def name_score(a: str, b: str) -> float:
    """Just the score of `compare`, without building the explanation (hot path)."""
    return align(analyse_name(a), analyse_name(b))[0]


__all__ = ["NameScore", "TokenMatch", "align", "greedy_order", "pair_terms", "analyse_name", "compare", "name_score",
           "arabic_key"]
