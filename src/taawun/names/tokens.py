"""Per-token analysis: everything matching needs to know about one name part, computed once.

Name vocabularies are far smaller than record counts, so analyses are cached by form and
shared between every name (and every index record) that uses the token.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

from taawun.names.normalize import fold_arabic
from taawun.names.phonetic import Shape, arabic_shapes, coarse, latin_shapes
from taawun.names.segment import AR, Part
from taawun.names.tables import key_weight, spellings


@dataclass(frozen=True, slots=True)
class Token:
    """An analysed name part.

    The fields after `source` are derived from the others (not compared, not shown): they are
    kept on the token because part comparison reads them for every pair of parts it meets.
    """

    script: str  # "ar", "lat" or "other" (transliterated with anyascii)
    forms: tuple[str, ...]  # canonical readings, primary first (folded for Arabic)
    keys: tuple[str, ...]  # phonetic keys over all readings
    vowels: tuple[tuple[str, ...], ...]  # per key: vowel classes written after each key symbol
    coarse_keys: tuple[str, ...]
    spellings: tuple[str, ...]  # attested Latin spellings (Arabic tokens only)
    weight: float  # rarity weight
    source: str
    text: str = field(compare=False, repr=False)  # the primary reading, forms[0]
    is_initial: bool = field(compare=False, repr=False)  # a one-letter non-Arabic part
    # Letter sets of the phonetic keys as bit masks (a bit per letter): letters in every key, in
    # some key, and the same for the coarse keys; and the longest key's length. They bound the
    # edit similarity of any key pair of two tokens without comparing the keys (`similarity`).
    key_all: int = field(compare=False, repr=False)
    key_any: int = field(compare=False, repr=False)
    coarse_all: int = field(compare=False, repr=False)
    coarse_any: int = field(compare=False, repr=False)
    key_len: int = field(compare=False, repr=False)
    coarse_same: bool = field(compare=False, repr=False)  # coarse_keys == keys
    # The same for the spellings compared letter by letter: the forms of a Latin part, the attested
    # Latin spellings of an Arabic one (`spell_*`) and its folded forms (`form_*`); with the length
    # of the longest.
    spell_all: int = field(compare=False, repr=False)
    spell_any: int = field(compare=False, repr=False)
    spell_len: int = field(compare=False, repr=False)
    form_all: int = field(compare=False, repr=False)
    form_any: int = field(compare=False, repr=False)
    form_len: int = field(compare=False, repr=False)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickled as its field values: an index snapshot holds a token per distinct name part (hundreds
        of thousands), and the dataclass's own state hook looks its fields up again for every token."""
        return _restore_token, tuple(getattr(self, name) for name in _TOKEN_FIELDS)


_TOKEN_FIELDS = tuple(f.name for f in fields(Token))


def _restore_token(*values: Any) -> Token:
    """Through the constructor: compiled by mypyc (`taawun.compiled`), Token is a native class that
    `object.__new__` cannot make; a frozen dataclass's __init__ sets each field as the loop it replaced
    did. (Snapshots name this function, so it keeps its name.)"""
    return Token(*values)


def _letter_masks(words: tuple[str, ...], mod: int = 31) -> tuple[int, int]:
    """(letters in every word, letters in some word) as bit masks, bit ord % mod per letter.

    31 gives the key symbols (A-Z, 0) and the Latin letters distinct bits below 30, so the masks
    stay one-digit ints (61 serves Arabic letters). A bit two letters share could only weaken a
    bound drawn from the masks, never make it wrong. (Set operations in C: an Arabic part can have
    dozens of attested spellings.)
    """
    if not words:
        return 0, 0
    every = 0
    for c in set(words[0]).intersection(*words[1:]):
        every |= 1 << (ord(c) % mod)
    some = 0
    for c in set("".join(words)):
        some |= 1 << (ord(c) % mod)
    return every, some


@lru_cache(maxsize=300_000)
def _analyse(script: str, forms: tuple[str, ...], source: str) -> Token:
    shapes: dict[str, Shape] = {}
    spell: list[str] = []
    if script == AR:
        # shapes from the unfolded letters (گ is g, not k); spelling comparisons on folded ones
        for f in forms:
            for sh in arabic_shapes(f):
                shapes.setdefault(sh[0], sh)
        forms = tuple(dict.fromkeys(fold_arabic(f) for f in forms))
        table = spellings()
        for f in forms:
            spell.extend(table.get(f, ()))
    else:
        for f in forms:
            for sh in latin_shapes(f):
                shapes.setdefault(sh[0], sh)
    shapes.pop("", None)
    uniq = tuple(shapes)
    # The most common reading decides the weight: a part that may be "Mohammed" weighs little.
    weight = min((key_weight(k) for k in uniq), default=1.0)
    if script != AR and len(forms[0]) == 1:
        weight = min(weight, 0.3)  # an initial identifies little
    coarse_keys = tuple(coarse(k) for k in uniq)  # aligned with keys (and vowels)
    key_all, key_any = _letter_masks(uniq)
    coarse_all, coarse_any = _letter_masks(coarse_keys)
    spelled = tuple(spell) if script == AR else forms
    spell_all, spell_any = _letter_masks(spelled)
    form_all, form_any = _letter_masks(forms, 61)
    return Token(
        script=script,
        forms=forms,
        keys=uniq,
        vowels=tuple(shapes[k][1] for k in uniq),
        coarse_keys=coarse_keys,
        spellings=tuple(dict.fromkeys(spell)),
        weight=weight,
        source=source,
        text=forms[0],
        is_initial=script != AR and len(forms[0]) == 1,
        key_all=key_all,
        key_any=key_any,
        coarse_all=coarse_all,
        coarse_any=coarse_any,
        key_len=max(map(len, uniq), default=0),
        coarse_same=coarse_keys == uniq,
        spell_all=spell_all,
        spell_any=spell_any,
        spell_len=max(map(len, spelled), default=0),
        form_all=form_all,
        form_any=form_any,
        form_len=max(map(len, forms)),
    )


def analyse_part(part: Part) -> Token:
    """Analyse one segmented name part (cached)."""
    return _analyse(part.script, part.forms, part.source)


def merge_tokens(a: Token, b: Token) -> Token | None:
    """Two adjacent parts written as one (محمدجواد = Mohammad Javad); None across scripts."""
    if a.script != b.script:
        return None
    # Latin halves keep a boundary mark so that Mohammad+Javad does not read as a "dj" digraph
    joint = "" if a.script == AR else "-"
    return _analyse(a.script, (a.forms[0] + joint + b.forms[0],), a.source + " " + b.source)
