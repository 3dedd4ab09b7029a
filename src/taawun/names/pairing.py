"""The arithmetic of one aligned pair of name parts, and the order factor of an alignment.

Apart from `scoring` so that the compiled engine (`taawun.compiled`) can compile it: the index's exact
scoring calls these for every candidate pair, and `scoring`'s NameScore does not compile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from taawun.names.tokens import Token

# Rarity discounts agreement, not disagreement: Alaa for Ali is as much evidence of another
# person as Zuhair for Zahran. The shortfall of an aligned pair is charged at no less than
# this weight per part.
DISAGREEMENT_WEIGHT = 0.6
# Order is free but not meaningless: in a chain, "Khalid Abdulrahman" (Khalid son of
# Abdulrahman) and "Abdulrahman Khalid" are father and son, or strangers. A name whose aligned
# parts come in another order keeps this share of its score, which brings a perfect reordered
# name down to the hit threshold (DEFAULT_THRESHOLD, 0.88): a surname-first listing of the same
# person is still a possible hit, ranks below the name in its own order, and needs another
# agreeing attribute (a birth date) to be a strong one.
ORDER_FACTOR = 0.88


def order_factor(aligned: Sequence[tuple[int, int, float]], sim: Callable[[int, int], float]) -> float:
    """ORDER_FACTOR when the aligned (part of a, part of b, similarity) pairs cross and the same
    parts paired in order would match worse, else 1. (Ismail Fahad Ismail Alfahad has two parts
    that match اسماعيل and two that match فهد: whichever the alignment took, the name is in order.)"""
    by_a = sorted(aligned)
    js = [j for _, j, _ in by_a]
    if all(x < y for x, y in zip(js, js[1:], strict=False)):
        return 1.0
    in_order = sorted(sim(i, j) for (i, _, _), j in zip(by_a, sorted(js), strict=True))
    as_aligned = sorted(s for _, _, s in aligned)
    return 1.0 if all(x >= y for x, y in zip(in_order, as_aligned, strict=True)) else ORDER_FACTOR


def pair_terms(sim: float, weight: float, parts: int) -> tuple[float, float]:
    """(numerator, denominator) contributions of one aligned pair of `parts` name parts of
    total rarity `weight`, with similarity `sim`."""
    floor = DISAGREEMENT_WEIGHT * parts
    if sim >= 1.0 or weight >= floor:
        return sim * weight, weight
    return sim * weight, weight + (1.0 - sim) * (floor - weight)


def greedy_order(s: float, x: Token, y: Token) -> tuple[float, float, str, str]:
    """Sort key of a candidate pair in the greedy alignment: the most alike first, then the
    heavier pair, then the texts, so that ties break the same whichever name comes first (and
    the index, which aligns on its own, breaks them as `align` does)."""
    lo, hi = (x.text, y.text) if x.text <= y.text else (y.text, x.text)
    return -s, -(x.weight + y.weight), lo, hi
