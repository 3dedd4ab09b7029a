"""Similarity of two name parts, in the best space the two have in common.

* same script: the folded spelling (edit similarity), or the phonetic key when spellings
  differ only in transliteration habits (Youcef / Yusuf);
* Arabic vs Latin: the Latin part against the attested Latin spellings of the Arabic part
  (learned from word-level tables), and the phonetic keys of both;
* an initial matches any part starting with the same sound.
Each result says which space decided, for the explanation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import cast

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from taawun.names.normalize import fold_arabic
from taawun.names.phonetic import arabic_key, arabic_vowel_conflicts, latin_vowel_conflicts, vowel_conflicts
from taawun.names.segment import AR, strip_arabic_article
from taawun.names.tables import key_weight, spelling_owners
from taawun.names.tokens import Token

# Discounts for the fuzzier spaces, so that an exact spelling beats a phonetic coincidence.
KEY_FACTOR = 0.95
COARSE_FACTOR = 0.82
SAME_SCRIPT_KEY_FACTOR = 0.92
# A key of one consonant says little (Zouaoui ~ ضياء share just Z). Two consonants with agreeing
# vowels do identify a short name (Reza / رضا, Noura / نورا), as the dev evaluation shows.
SHORT_KEY_FACTOR = 0.92
SHORT_KEY_LEN = 1
VOWEL_BONUS = 0.1  # share of a phonetic similarity that depends on vowel agreement
INITIAL_SIM = 0.9
VOWEL_PENALTY = 0.12  # per long vowel of one spelling that the other does not write
# A Latin spelling attested for another Arabic name and never for this one (Omar is عمر, not
# عمار; Aymen is ايمن, not امين) is evidence of a different name, however alike the sounds.
FOREIGN_SPELLING_FACTOR = 0.9
# Only when that other name is common (rarity weight <= this): a well-worn spelling of Omar or
# Hussain is rarely written for Ammar or Hassan, while the tables know one spelling of many rare
# names whose Arabic is written with or without a long vowel (كيران / كرن = Kiran).
OWNER_MAX_WEIGHT = 0.6
_VOWEL_CHECK_MIN = 0.6
_EPS = 1e-9  # margin for the bounds below: float rounding must never skip a pair that counts


# `_aligned` per key pair: the alignment depends on the two keys only, and keys recur under many
# vowel patterns (among 150k candidate pairs of a 1M-person vocabulary, 123k alignments are asked
# for of 19.5k key pairs). A plain dict, read at the call: cheaper per hit than an lru_cache.
_ALIGNMENTS: dict[tuple[str, str], tuple[tuple[int, int], ...]] = {}
_ALIGNMENTS_MAX = 200_000


def _aligned(x: str, y: str) -> tuple[tuple[int, int], ...]:
    """Positions of x and y aligned by a minimal edit script (kept or substituted letters), filed
    in `_ALIGNMENTS`."""
    got = _ALIGNMENTS[x, y] = _alignment(x, y)
    if len(_ALIGNMENTS) > _ALIGNMENTS_MAX:
        _ALIGNMENTS.clear()
    return got


def _alignment(x: str, y: str) -> tuple[tuple[int, int], ...]:
    """`_aligned`, worked out: walks the edit operations directly, for the same pairs as the
    equal/replace blocks of `Levenshtein.opcodes` (which are built from these operations) at half
    the cost."""
    if x == y:
        return tuple((i, i) for i in range(len(x)))
    pairs: list[tuple[int, int]] = []
    i = j = 0
    ops = cast(list[tuple[str, int, int]], Levenshtein.editops(x, y).as_list())  # (tag, src, dest)
    for tag, si, dj in ops:
        while i < si:  # letters kept since the previous operation
            pairs.append((i, j))
            i += 1
            j += 1
        if tag == "replace":
            pairs.append((si, dj))
            i, j = si + 1, dj + 1
        elif tag == "delete":
            i, j = si + 1, dj
        else:  # insert
            i, j = si, dj + 1
    while i < len(x):
        pairs.append((i, j))
        i += 1
        j += 1
    return tuple(pairs)


def _key_sim(a: Token, b: Token, use_coarse: bool = False, need: float = 0.0) -> float:
    """Best phonetic-key similarity, less a penalty for long vowels that disagree, plus
    VOWEL_BONUS * vowel agreement (so that the discount factors do not produce ties).

    Edit similarity of every key pair first (cheap, in C); the vowel check, which needs an
    alignment, only for the pairs that reach the best edit similarity. A key pair scores at
    most edit * (1 - VOWEL_BONUS) + VOWEL_BONUS, so when the caller only cares about results
    >= `need`, pairs that cannot reach it are skipped: the result is exact whenever it is
    >= `need`, and otherwise some value below `need`.
    """
    if use_coarse:
        return _keys_sim(a, b, a.coarse_keys, b.coarse_keys, _key_lo(need))
    return _keys_sim(a, b, a.keys, b.keys, _key_lo(need))


def _edit_best(ka: tuple[str, ...], kb: tuple[str, ...], lo: float) -> list[tuple[int, int, float]]:
    """(i, j, edit similarity) of the key pairs ka[i], kb[j] with the best edit similarity, if it is
    at least `lo` (else none)."""
    top = 0.0
    cands: list[tuple[int, int, float]] = []
    sim = Levenshtein.normalized_similarity
    for i, x in enumerate(ka):
        lx = len(x)
        for j, y in enumerate(kb):
            if x == y:
                s = 1.0
            else:
                # Two different keys are at least one edit and their length difference apart, and
                # the similarity is 1 - edits / longer length: at the `lo` of the spaces' floors (0.77
                # to 0.9) that rules out most pairs of short keys before the (costlier) call.
                ly = len(y)
                bound = (1.0 - (lx - ly) / lx if lx > ly else 1.0 - ((ly - lx) or 1) / ly) + _EPS
                if bound < lo or bound < top:
                    continue
                s = sim(x, y)
            if s < lo or s < top:
                continue
            if s > top:
                top = s
                cands.clear()
            cands.append((i, j, s))
    return cands


def _keys_sim(a: Token, b: Token, ka: tuple[str, ...], kb: tuple[str, ...], lo: float) -> float:
    """`_key_sim` of the keys ka, kb (a's and b's keys or coarse keys) for `lo` = `_key_lo(need)`,
    the least edit similarity of a key pair that can reach `need` (which `_token_similarity` has
    worked out already for its bound)."""
    if lo > 1.0:
        return 0.0
    cands: list[tuple[int, int, float]]
    if len(ka) == 1 and len(kb) == 1:  # a third of the calls (one key each): `_edit_best`, unrolled
        x = ka[0]
        y = kb[0]
        if x == y:
            cands = [(0, 0, 1.0)]
        else:
            lx = len(x)
            ly = len(y)
            if (1.0 - (lx - ly) / lx if lx > ly else 1.0 - ((ly - lx) or 1) / ly) + _EPS < lo:
                return 0.0
            s = Levenshtein.normalized_similarity(x, y)
            if s < lo:
                return 0.0
            cands = [(0, 0, s)]
    else:
        cands = _edit_best(ka, kb, lo)
        if not cands:
            return 0.0
    a_ar = a.script == AR
    b_ar = b.script == AR
    va = a.vowels
    vb = b.vowels
    best = 0.0
    aligned = _ALIGNMENTS
    for i, j, s in cands:
        x, y = ka[i], kb[j]
        if a_ar:
            pairs = aligned.get((x, y)) or _aligned(x, y)
            if b_ar:
                bad, agree = arabic_vowel_conflicts(va[i], vb[j], pairs)
            else:
                bad, agree = vowel_conflicts(va[i], vb[j], pairs)
        elif b_ar:
            bad, agree = vowel_conflicts(vb[j], va[i], aligned.get((y, x)) or _aligned(y, x))
        else:
            bad, agree = latin_vowel_conflicts(va[i], vb[j], aligned.get((x, y)) or _aligned(x, y))
        s = s * (1.0 - VOWEL_BONUS) + VOWEL_BONUS * agree - VOWEL_PENALTY * bad
        if len(x) <= SHORT_KEY_LEN or len(y) <= SHORT_KEY_LEN:
            s *= SHORT_KEY_FACTOR
        if s > best:
            best = s
    return min(1.0, best)


def _str_sim(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    best = 0.0
    for x in a:
        for y in b:
            if x == y:
                return 1.0
            s = ratio(x, y) / 100.0
            if s > best:
                best = s
    return best


def _initial_sim(initial: Token, other: Token) -> float:
    if other.is_initial:
        return 1.0 if initial.forms[0] == other.forms[0] else 0.0
    if other.script != AR:
        return INITIAL_SIM if any(f[0] == initial.forms[0] for f in other.forms) else 0.0
    heads = {k[0] for k in initial.keys if k}
    if "A" in heads or not heads:
        heads.add("A")
    return INITIAL_SIM if any(k and k[0] in heads for k in other.keys) else 0.0


_PairKey = tuple[str, tuple[str, ...], str, tuple[str, ...]]
# exact results, or (a float) a floor the pair is known to score below; one dict, so that a
# repeated pair costs one lookup either way
_PAIR_CACHE: dict[_PairKey, tuple[float, str] | float] = {}
_PAIR_CACHE_MAX = 1_000_000
_BELOW = (0.0, "")


def token_similarity(a: Token, b: Token, floor: float = 0.0) -> tuple[float, str]:
    """Similarity in [0, 1] and the name of the space that produced it (cached per pair:
    name vocabularies are small, so the same pairs come back constantly).

    Callers that ignore similarities below `floor` (alignment, candidate search) pass it:
    pairs that cannot reach it are then rejected by cheap bounds and returned as (0.0, "").
    Results at or above `floor` are exactly those of floor=0.
    """
    key = (a.script, a.forms, b.script, b.forms)
    hit = _PAIR_CACHE.get(key)
    if hit is not None:
        if isinstance(hit, tuple):
            return hit
        if hit <= floor:
            return _BELOW
    if floor > 0.0 and not a.is_initial and not b.is_initial and _below(a, b, floor):
        res = _BELOW  # settled from the letter sets, without scoring
    else:
        res = _token_similarity(a, b, floor)
    if len(_PAIR_CACHE) >= _PAIR_CACHE_MAX:
        _PAIR_CACHE.clear()
    if res[0] < floor:
        _PAIR_CACHE[key] = floor
        return _BELOW
    _PAIR_CACHE[key] = res
    return res


def screened_similarities(pairs: Iterable[tuple[Token, Token]], floor: float) -> Iterator[float]:
    """token_similarity(a, b, floor)[0] of each pair where it reaches `floor`, 0.0 elsewhere; for
    the bulk scoring of a vocabulary's candidate pairs (`taawun.index.bulk`), which the column joins
    have screened already (`_below`'s bounds settle next to none of them) and which are each asked
    for once: neither the bounds nor the pair cache are worth their cost there."""
    score = _token_similarity
    for a, b in pairs:
        s = score(a, b, floor)[0]
        yield s if s >= floor else 0.0


_REACH: dict[float, tuple[float, float, float]] = {}


def _reach(floor: float) -> tuple[float, float, float]:
    """The least key-pair edit similarity from which the key space of two parts in one script, of
    two parts in different scripts, and the coarse space could give `floor` (cached per floor).

    A key pair scores at most edit * (1 - VOWEL_BONUS) + VOWEL_BONUS before its space's factor
    (`_key_sim`); the margin keeps float rounding on the safe side."""
    got = _REACH.get(floor)
    if got is None:
        got = _REACH[floor] = tuple(  # type: ignore[assignment]
            (floor / f - VOWEL_BONUS) / (1.0 - VOWEL_BONUS) - _EPS
            for f in (SAME_SCRIPT_KEY_FACTOR, KEY_FACTOR, COARSE_FACTOR)
        )
    return got  # type: ignore[return-value]


def _below(a: Token, b: Token, floor: float) -> bool:
    """Whether two parts (neither an initial) certainly score below `floor`: True is certain,
    False means they may not.

    Most pairs of parts share next to nothing, and their letter sets show it without comparing
    any strings: two strings are at least as many edits apart as one has letters the other lacks,
    so the letters that every key (spelling) of one part has and no key (spelling) of the other
    has bound the similarity of every pair of them at once. Every space of `_token_similarity` is
    bounded so, with its discount.
    """
    top = a.key_len if a.key_len > b.key_len else b.key_len
    if not top:
        return False
    a_ar = a.script == AR
    same = a_ar == (b.script == AR)
    same_key, cross_key, coarse_key = _REACH.get(floor) or _reach(floor)
    if _key_bound(a.key_all, a.key_any, b.key_all, b.key_any, top) >= (same_key if same else cross_key):
        return False
    if _key_bound(a.coarse_all, a.coarse_any, b.coarse_all, b.coarse_any, top) >= coarse_key:
        return False
    if same:  # the spelling similarity, an Indel ratio: each letter one string lacks is one edit
        n = a.form_len + b.form_len
        if not n:
            return False
        miss = (a.form_all & ~b.form_any).bit_count() + (b.form_all & ~a.form_any).bit_count()
        return 1.0 - miss / n < floor - _EPS
    ar, lat = (a, b) if a_ar else (b, a)
    if not ar.spell_len:
        return True
    miss = (ar.spell_all & ~lat.spell_any).bit_count() + (lat.spell_all & ~ar.spell_any).bit_count()
    s = 1.0 - miss / (ar.spell_len + lat.spell_len)
    return (s * s if s >= 0.9 else s * s * s) < floor - _EPS  # as the attested-spelling space discounts


def _key_lo(need: float) -> float:
    """The least edit similarity of a key pair that `_key_sim(..., need=need)` looks at."""
    if need > VOWEL_BONUS:
        lo = (need - VOWEL_BONUS) / (1.0 - VOWEL_BONUS) - _EPS
        return lo if lo > _VOWEL_CHECK_MIN else _VOWEL_CHECK_MIN
    return _VOWEL_CHECK_MIN


def _key_bound(all_a: int, any_a: int, all_b: int, any_b: int, top: int) -> float:
    """Upper bound of the edit similarity of every key pair of two parts, from their letter sets.

    Most pairs of parts share next to nothing, and this settles them without comparing keys:
    two keys are at least as many edits apart as one has letters the other lacks, so the letters
    that every key of one part has and no key of the other has bound every pair at once.
    """
    miss = (all_a & ~any_b).bit_count()
    other = (all_b & ~any_a).bit_count()
    if other > miss:
        miss = other
    return 1.0 - miss / top + _EPS if top else 1.0


_TABLE = 64  # key lengths (and twice that for spelling lengths) with a precomputed limit
_LIMITS: dict[float, tuple[list[int], ...]] = {}


def _most(ok: Callable[[int, int], bool], n: int) -> int:
    """The largest m in 0..n with ok(m, n), -1 if none (ok holds for every m up to some point)."""
    m = -1
    while m < n and ok(m + 1, n):
        m += 1
    return m


def _limits(floor: float) -> tuple[list[int], ...]:
    """`_below`'s bounds as letter counts (cached per floor): for each key length, the most letters
    one part's keys may lack and a pair of key spaces (same script, across scripts, coarse) still
    reach `floor`; for each sum of spelling lengths, the same for the spellings (same script,
    across scripts). Each entry is found with `_below`'s own float arithmetic, so a count above it
    settles exactly the pairs `_below` settles; `similar_parts` then compares integers only."""
    got = _LIMITS.get(floor)
    if got is None:
        same_key, cross_key, coarse_key = _reach(floor)
        lo = floor - _EPS

        def spelled(m: int, n: int) -> bool:
            s = 1.0 - m / n
            return (s * s if s >= 0.9 else s * s * s) >= lo

        got = _LIMITS[floor] = tuple(
            [_most(ok, t) if t else 0 for t in range(size)]
            for ok, size in (
                (lambda m, top: 1.0 - m / top + _EPS >= same_key, _TABLE),
                (lambda m, top: 1.0 - m / top + _EPS >= cross_key, _TABLE),
                (lambda m, top: 1.0 - m / top + _EPS >= coarse_key, _TABLE),
                (lambda m, n: 1.0 - m / n >= lo, 2 * _TABLE),
                (spelled, 2 * _TABLE),
            )
        )
    return got


def similar_parts(x: Token, ys: Sequence[Token], floor: float) -> list[tuple[int, float, str]]:
    """(j, similarity, space) for the parts ys[j] whose token_similarity(x, ys[j], floor) reaches
    `floor`, in order: the row of the alignment of two names, which asks for every pair of their
    parts and mostly meets pairs that share next to nothing.

    `_below`'s letter-set bounds are written out here with x's side read once and as letter counts
    (`_limits`), and they come before the cache: a pair they settle costs less than building and
    hashing its cache key (most pairs of two distinct names are new, and settled so). Only the pairs
    they cannot settle go through the cache and `_token_similarity`, as in `token_similarity`.
    """
    out: list[tuple[int, float, str]] = []
    cache = _PAIR_CACHE
    xs = x.script
    xf = x.forms
    x_len = x.key_len
    bounded = floor > 0.0 and not x.is_initial and x_len < _TABLE  # (longer keys: no bounds, never met)
    if bounded:
        same_lim, cross_lim, coarse_lim, form_lim, spell_lim = _LIMITS.get(floor) or _limits(floor)
        x_ar = xs == AR
        x_key_all = x.key_all
        x_key_any = x.key_any
        x_coarse_all = x.coarse_all
        x_coarse_any = x.coarse_any
        x_form_len = x.form_len
        x_form_all = x.form_all
        x_form_any = x.form_any
    for j, y in enumerate(ys):
        if bounded and not y.is_initial:  # `_below(x, y, floor)`: True settles the pair
            top = y.key_len
            if x_len > top:
                top = x_len
            if 0 < top < _TABLE:
                same = x_ar == (y.script == AR)
                lim = (same_lim if same else cross_lim)[top]
                if (x_key_all & ~y.key_any).bit_count() > lim or (y.key_all & ~x_key_any).bit_count() > lim:
                    lim = coarse_lim[top]
                    if (
                        (x_coarse_all & ~y.coarse_any).bit_count() > lim
                        or (y.coarse_all & ~x_coarse_any).bit_count() > lim
                    ):
                        if same:
                            n = x_form_len + y.form_len
                            if (
                                0 < n < 2 * _TABLE
                                and (x_form_all & ~y.form_any).bit_count() + (y.form_all & ~x_form_any).bit_count()
                                > form_lim[n]
                            ):
                                continue
                        else:
                            ar, lat = (x, y) if x_ar else (y, x)
                            if not ar.spell_len:
                                continue
                            n = ar.spell_len + lat.spell_len
                            if (
                                n < 2 * _TABLE
                                and (ar.spell_all & ~lat.spell_any).bit_count()
                                + (lat.spell_all & ~ar.spell_any).bit_count()
                                > spell_lim[n]
                            ):
                                continue
        key = (xs, xf, y.script, y.forms)
        hit = cache.get(key)
        if hit is not None:
            if isinstance(hit, tuple):
                if hit[0] >= floor:
                    out.append((j, hit[0], hit[1]))
                continue
            if hit <= floor:
                continue
        res = _token_similarity(x, y, floor)
        if len(cache) >= _PAIR_CACHE_MAX:
            cache.clear()
        if res[0] < floor:
            cache[key] = floor
        else:
            cache[key] = res
            out.append((j, res[0], res[1]))
    return out


def _token_similarity(a: Token, b: Token, floor: float = 0.0) -> tuple[float, str]:
    """Exact when the result is >= floor. Each phonetic space is asked only for values that
    could still win (beat the spelling result and the floor); see `_key_sim`. A space whose keys
    cannot reach what it is asked for (`_key_bound`) is not asked: it would find nothing."""
    if a.is_initial:
        return _initial_sim(a, b), "initial"
    if b.is_initial:
        return _initial_sim(b, a), "initial"
    a_ar = a.script == AR
    top = a.key_len if a.key_len > b.key_len else b.key_len
    if a_ar == (b.script == AR):
        s = _str_sim(a.forms, b.forms)
        if s >= 1.0:
            return 1.0, "spelling"
        t = floor if floor > s else s
        lo = _key_lo(t / SAME_SCRIPT_KEY_FACTOR)
        if _key_bound(a.key_all, a.key_any, b.key_all, b.key_any, top) < lo:
            k = 0.0
        else:
            k = SAME_SCRIPT_KEY_FACTOR * _keys_sim(a, b, a.keys, b.keys, lo)
            if k > t:
                t = k
        # Taghi / Taqi (Persian gh = q)
        if a.coarse_same and b.coarse_same:
            c = 0.0  # the coarse space would repeat the key comparison with a smaller factor: cannot win
        else:
            lo = _key_lo(t / COARSE_FACTOR)
            if _key_bound(a.coarse_all, a.coarse_any, b.coarse_all, b.coarse_any, top) < lo:
                c = 0.0
            else:
                c = COARSE_FACTOR * _keys_sim(a, b, a.coarse_keys, b.coarse_keys, lo)
        if s >= k and s >= c:
            return s, "spelling"
        return (k, "phonetic") if k >= c else (c, "coarse phonetic")
    ar, lat = (a, b) if a_ar else (b, a)
    best, space = 0.0, "phonetic"
    if ar.spellings:
        best = _str_sim(ar.spellings, lat.forms)
        space = "attested spelling"
        if best >= 1.0:
            return 1.0, space
        # a near miss to an attested spelling is weak evidence (sayad ~ saad)
        best = best**2 if best >= 0.9 else best**3
    lo = _key_lo((floor if floor > best else best) / KEY_FACTOR)
    if _key_bound(a.key_all, a.key_any, b.key_all, b.key_any, top) >= lo:
        k = KEY_FACTOR * _keys_sim(ar, lat, ar.keys, lat.keys, lo)
        if k > best:
            best, space = k, "phonetic"
    if not (ar.coarse_same and lat.coarse_same):  # else the coarse space cannot win (see above)
        lo = _key_lo((floor if floor > best else best) / COARSE_FACTOR)
        if _key_bound(a.coarse_all, a.coarse_any, b.coarse_all, b.coarse_any, top) >= lo:
            c = COARSE_FACTOR * _keys_sim(ar, lat, ar.coarse_keys, lat.coarse_keys, lo)
            if c > best:
                best, space = c, "coarse phonetic"
    # (below the floor the discount cannot matter: the pair is rejected either way)
    if best >= floor and best > 0.0 and _owned(lat.forms) and _spelling_of_another(ar.forms, lat.forms):
        return best * FOREIGN_SPELLING_FACTOR, space + ", spelling of another name"
    return best, space


def _owned(lat_forms: tuple[str, ...]) -> bool:
    """Whether every reading of a Latin part is someone's attested spelling: `_spelling_of_another`
    is False otherwise, and most parts are not, which one lookup per reading says without that
    function's cache (a miss, for most pairs of a vocabulary's bulk scoring)."""
    owners_of = spelling_owners()
    if len(lat_forms) == 1:
        return lat_forms[0] in owners_of
    return all(lat in owners_of for lat in lat_forms)


@lru_cache(maxsize=200_000)
def _same_name_form(form: str) -> str:
    """An Arabic form up to what Latin spellings cannot tell apart: the article, the letters
    Persian and Urdu write differently, a doubled long vowel (داوود / داود) and the final vowel
    letter (ساره / سارا, نوره / نورا)."""
    form = strip_arabic_article(fold_arabic(form))
    form = form.replace("وو", "و").replace("يي", "ي")  # داوود / داود
    return form[:-1] if len(form) >= 3 and form[-1] in "هاىء" else form


@lru_cache(maxsize=200_000)
def _spelling_of_another(ar_forms: tuple[str, ...], lat_forms: tuple[str, ...]) -> bool:
    """Whether every reading of the Latin part is an attested spelling of other Arabic names only."""
    owners_of = spelling_owners()
    mine: set[str] | None = None
    for lat in lat_forms:
        owners = owners_of.get(lat)
        if not owners:  # most spellings are nobody's attested spelling: decided by one lookup
            return False
        if mine is None:
            mine = {_same_name_form(f) for f in ar_forms}
        if any(_names_one_of(_same_name_form(o), mine) for o in owners) or not any(_is_common(o) for o in owners):
            return False
    return True


def _names_one_of(owner: str, mine: set[str]) -> bool:
    """Whether an owner of the spelling is one of these forms, or the first half of one of these
    compounds (the tables pair "abdallah" with عبد)."""
    return owner in mine or (len(owner) >= 3 and any(len(m) > len(owner) and m.startswith(owner) for m in mine))


@lru_cache(maxsize=100_000)
def _is_common(arabic_form: str) -> bool:
    return key_weight(arabic_key(arabic_form)) <= OWNER_MAX_WEIGHT
