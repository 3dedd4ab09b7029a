"""Which joins of two parts are worth analysing: a cheap estimate of how alike a part can be to two
other parts written as one.

The alignment may match one part of a name to two adjacent parts of the other written as one
(Abdelrahman = Abdel Rahman, محمدجواد = Mohammad Javad, Noureddine = Nour Eddine). The joined part
must then be analysed like any part (its phonetic readings), which costs far more than comparing
parts, and the joins met while screening are nearly all new (the parts of a traveller's name, or of
one stored name, joined in pairs). Nearly all of them share next to nothing with the part they
are held against (Yasser against Awad + Mostafa), and that shows without the analysis:

* spellings: the joined part's spelling is known exactly (the two spellings, with the joint
  `merge_tokens` puts between them), so that space is computed, not estimated;
* phonetic keys: an edit similarity is at most the shorter key's length over the longer's, and at
  most 1 - (letters one key has and the other lacks) / (the longer length). The joined part's keys
  are the two parts' keys put together, give or take what the rules that read a name as a whole
  change at the joint (a doubled letter across it, the second part's lead vowel, Abd al-X, a final
  h that is no longer final, the readings kept per part): within 3 letters shorter or 1 longer, a
  lead A, Y, W or L that may go, and an H, K, J, G or L (Latin: L) that may come.

`align` tries a join only where this estimate reaches MERGE_MIN (as `join_worth_trying` says),
and the index asks the same, so the two agree exactly. Over every join of the names in the
development file (95,000 joined pairs that do score >= MERGE_MIN, 525,000 in all) the estimate
never fell below the real similarity; it rules out 98% of joins of random parts.
"""

from __future__ import annotations

from taawun.names.normalize import fold_arabic
from taawun.names.segment import AR
from taawun.names.similarity import COARSE_FACTOR, KEY_FACTOR, SAME_SCRIPT_KEY_FACTOR, VOWEL_BONUS, _str_sim
from taawun.names.tables import spellings
from taawun.names.tokens import Token, _letter_masks

KEY_SHORTER = 3  # the joined part's keys are at most this much shorter than the two parts' keys together
KEY_LONGER = 1  # ... or this much longer
_MAY_GO = _letter_masks(("AYWL",))[0]  # key letters of a part the joined part may lack
_MAY_COME = {AR: _letter_masks(("HKJGL",))[0], "": _letter_masks(("L",))[0]}  # ... or have besides


def _length_similarity(n: int, lo: int, hi: int) -> float:
    """Upper bound of the edit similarity of a key of length n and one of length lo..hi."""
    if lo <= n <= hi:
        return 1.0
    if n < lo:
        return n / lo
    return hi / n


def _letters_similarity(all_t: int, any_t: int, all_m: int, any_m: int, top: int) -> float:
    """Upper bound of the edit similarity from the letters one side surely has and the other surely lacks."""
    miss = max((all_t & ~any_m).bit_count(), (all_m & ~any_t).bit_count())
    return 1.0 - miss / top if top else 1.0


_Joined = tuple[str, tuple[str, ...], int, int, int, int, int, int]
# (id(a), id(b)) -> (a, b, what the estimate reads of them joined). The entry holds the two tokens, so neither
# can be freed (and its id reused) while it is kept; a hit is checked by identity all the same. (Not keyed by
# spelling: an Arabic part's keys come from its unfolded letters, which its folded forms do not show.)
_JOINED: dict[tuple[int, int], tuple[Token, Token, _Joined]] = {}
_JOINED_MAX = 100_000


def _joined(a: Token, b: Token) -> _Joined:
    """What the estimate reads of `a` and `b` written as one, which does not depend on the part held against
    them: the joined spelling and its attested readings, the joined keys' length range and letters. Kept per
    pair (bounded), since a screening meets the same adjacent parts of stored names again and again (71% of
    the pairs of a passenger list repeat; only 16% of the (part, pair) triples do)."""
    cache_key = (id(a), id(b))
    hit = _JOINED.get(cache_key)
    if hit is not None and hit[0] is a and hit[1] is b:
        return hit[2]
    if a.script == AR:
        form = fold_arabic(a.forms[0] + b.forms[0])
        spelled: tuple[str, ...] = spellings().get(form, ())
        come = _MAY_COME[AR]
    else:
        form = a.forms[0] + "-" + b.forms[0]
        spelled = (form,)
        come = _MAY_COME[""]
    lo = max(0, min(map(len, a.keys)) + min(map(len, b.keys)) - KEY_SHORTER)
    hi = max(map(len, a.keys)) + max(map(len, b.keys)) + KEY_LONGER
    got = (form, spelled, lo, hi, (a.key_all | b.key_all) & ~_MAY_GO, a.key_any | b.key_any | come,
           (a.coarse_all | b.coarse_all) & ~_MAY_GO, a.coarse_any | b.coarse_any | come)
    if len(_JOINED) >= _JOINED_MAX:
        _JOINED.clear()
    _JOINED[cache_key] = (a, b, got)
    return got


def joined_similarity_estimate(t: Token, a: Token, b: Token) -> float:
    """How alike `t` can be to `merge_tokens(a, b)` (0.0 when they cannot join): at least
    `token_similarity(t, merge_tokens(a, b))` for every join measured (see the module's text)."""
    if a.script != b.script:
        return 0.0  # `merge_tokens` joins parts of one script only
    if t.is_initial or a.is_initial or b.is_initial or not (t.keys and a.keys and b.keys):
        return 1.0  # an initial matches by its first sound: no length tells
    form, spelled, lo, hi, key_all, key_any, coarse_all, coarse_any = _joined(a, b)
    top = t.key_len if t.key_len > hi else hi
    by_length = max(_length_similarity(len(k), lo, hi) for k in t.keys)  # coarse keys are as long
    key = min(by_length, _letters_similarity(t.key_all, t.key_any, key_all, key_any, top))
    rough = min(by_length, _letters_similarity(t.coarse_all, t.coarse_any, coarse_all, coarse_any, top))
    key = min(1.0, key * (1.0 - VOWEL_BONUS) + VOWEL_BONUS)  # `_key_sim`: vowels add at most the bonus
    rough = min(1.0, rough * (1.0 - VOWEL_BONUS) + VOWEL_BONUS)
    if (t.script == AR) == (a.script == AR):
        return max(_str_sim(t.forms, (form,)), SAME_SCRIPT_KEY_FACTOR * key, COARSE_FACTOR * rough)
    attested = _str_sim(t.spellings, spelled) if t.script == AR else _str_sim(spelled, t.forms)
    if attested < 1.0:
        attested = attested**2 if attested >= 0.9 else attested**3
    return max(attested, KEY_FACTOR * key, COARSE_FACTOR * rough)


def join_worth_trying(t: Token, a: Token, b: Token, need: float) -> bool:
    """Whether `t` could match a and b written as one at `need` or better (`align` asks for MERGE_MIN;
    the index, for what a join would need to change its result)."""
    return joined_similarity_estimate(t, a, b) >= need - 1e-9
