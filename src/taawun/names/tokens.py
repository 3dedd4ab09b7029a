"""Per-token analysis: everything matching needs to know about one name part, computed once.

Name vocabularies are far smaller than record counts, so analyses are cached by form and
shared between every name (and every index record) that uses the token.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from taawun.names.normalize import fold_arabic
from taawun.names.phonetic import Shape, arabic_shapes, coarse, latin_shapes
from taawun.names.segment import AR, Part
from taawun.names.tables import key_weight, spellings


@dataclass(frozen=True, slots=True)
class Token:
    """An analysed name part."""

    script: str  # "ar", "lat" or "other" (transliterated with anyascii)
    forms: tuple[str, ...]  # canonical readings, primary first (folded for Arabic)
    keys: tuple[str, ...]  # phonetic keys over all readings
    vowels: tuple[tuple[str, ...], ...]  # per key: vowel classes written after each key symbol
    coarse_keys: tuple[str, ...]
    spellings: tuple[str, ...]  # attested Latin spellings (Arabic tokens only)
    weight: float  # rarity weight
    source: str

    @property
    def text(self) -> str:
        return self.forms[0]

    @property
    def is_initial(self) -> bool:
        return self.script != AR and len(self.forms[0]) == 1


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
    return Token(
        script=script,
        forms=forms,
        keys=uniq,
        vowels=tuple(shapes[k][1] for k in uniq),
        coarse_keys=tuple(coarse(k) for k in uniq),  # aligned with keys (and vowels)
        spellings=tuple(dict.fromkeys(spell)),
        weight=weight,
        source=source,
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
