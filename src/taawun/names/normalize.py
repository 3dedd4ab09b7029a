"""Per-script normalisation of raw name text.

Names reach us with every kind of typographic noise: Arabic diacritics (harakat), tatweel,
several hamza/alef spellings, Persian/Urdu glyph variants, Latin accents and apostrophes.
None of these distinguish two people, so we remove them before anything else. Removing them
here (and only here) is what makes "adding diacritics never changes a score" true.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Arabic-script letters that are glyph variants of one letter (Persian/Urdu keyboards, Arabic
# presentation forms after NFKC) -> the basic Arabic letter. Letters that are distinct sounds
# (پ چ ژ گ ڤ) are kept: the phonetic key needs them, and same-script comparison folds them
# separately in `fold_arabic`.
_ARABIC_UNIFY = {
    "ٱ": "ا",  # alef wasla
    "ى": "ي",  # alef maqsura
    "ی": "ي",  # Farsi yeh
    "ۍ": "ي",
    "ې": "ي",
    "ے": "ي",  # Urdu yeh barree
    "ۓ": "ي",
    "ک": "ك",  # keheh
    "ڪ": "ك",
    "ة": "ه",  # ta marbuta
    "ۃ": "ه",
    "ۀ": "ه",
    "ہ": "ه",  # Urdu heh goal
    "ە": "ا",  # Kurdish e
    "ۆ": "و",  # Kurdish o
    "ێ": "ي",  # Kurdish ê
    "ڵ": "ل",
    "ڕ": "ر",
    "ء": "ا",  # lone hamza behaves like a glottal vowel carrier
    "ـ": "",  # tatweel
    "\u200c": "",  # ZWNJ (Persian half-space)
    "\u200d": "",
    "\u200f": "",
    "\u200e": "",
}
_ARABIC_TABLE = str.maketrans(_ARABIC_UNIFY)

# Fold the distinct Persian/Urdu sounds onto their nearest Arabic letter, for comparisons
# within Arabic script (an Iranian clerk may type ك for گ).
_ARABIC_FOLD = str.maketrans(
    {"پ": "ب", "چ": "ج", "ژ": "ز", "گ": "ك", "ڤ": "ف", "ٹ": "ت", "ڈ": "د", "ڑ": "ر", "ں": "ن", "ھ": "ه"}
)

_APOSTROPHES = frozenset("'’‘ʼʻʿʾ`´ʹ′")
_APOS_TABLE = str.maketrans(dict.fromkeys("’‘ʼʻʿʾ`´ʹ′", "'"))


def _mn_class() -> str:
    """Regex class of every combining mark (category Mn), built once at import."""
    ranges: list[tuple[int, int]] = []
    start = prev = -2
    for cp in range(0x20000):
        if unicodedata.category(chr(cp)) == "Mn":
            if cp != prev + 1:
                if start >= 0:
                    ranges.append((start, prev))
                start = cp
            prev = cp
    ranges.append((start, prev))
    ranges.append((0xE0100, 0xE01EF))  # variation selectors supplement
    return "[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]+"


_MN = re.compile(_mn_class())


def is_arabic_char(ch: str) -> bool:
    """Arabic-script letter (Arabic, Persian, Urdu, presentation forms)."""
    o = ord(ch)
    return 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0x08A0 <= o <= 0x08FF or 0xFB50 <= o <= 0xFEFF


def is_latin_char(ch: str) -> bool:
    """Latin letter, including accented and extended forms."""
    o = ord(ch)
    return ch.isascii() and ch.isalpha() or (0x00C0 <= o <= 0x024F and ch.isalpha()) or 0x1E00 <= o <= 0x1EFF


def _clean_slow(text: str) -> str:
    """The definition of `clean_text` (see there), for any text."""
    text = _MN.sub("", unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text)))
    return text.translate(_APOS_TABLE).translate(_ARABIC_TABLE)


def _clean_table() -> tuple[list[int | str | None], re.Pattern[str]]:
    """What `clean_text` makes of each character of the Basic Multilingual Plane alone (a list for
    `str.translate`: a code point, a string, or None to drop it), and a pattern of the characters the
    table may not be used for.

    Why per character: NFKD(NFKC(x)) is NFKD(x) (both are the compatibility normal form of x), and
    NFKD decomposes character by character, then only reorders the combining marks (canonical class
    > 0) within a run. Once every mark is dropped, the order they had does not matter, so a text
    is cleaned by cleaning each character on its own, unless a decomposition holds a combining
    character that is kept (a few virama-like signs): those, and the characters beyond the plane,
    go the long way. One C-level `translate` costs a fraction of the two normalisations and the
    regex pass, on the ~half of a watchlist's names that are not ASCII.
    """
    table: list[int | str | None] = list(range(0x10000))
    kept_combining: list[str] = []
    chars = list(map(chr, range(0x10000)))
    # (Only characters that decompose, combine, are marks or are translated can change; found with C-level
    # maps, for import time. Hangul syllables decompose by rule, not by a listed mapping.)
    special = set(_APOS_TABLE) | set(_ARABIC_TABLE) | set(range(0xAC00, 0xD7A4))
    for cp, (ch, dec, comb, cat) in enumerate(zip(chars, map(unicodedata.decomposition, chars),
                                                  map(unicodedata.combining, chars), map(unicodedata.category, chars),
                                                  strict=True)):
        if not dec and not comb and cat != "Mn" and cp not in special:
            continue
        if any(unicodedata.combining(c) and not _MN.match(c) for c in unicodedata.normalize("NFKD", ch)):
            kept_combining.append(ch)
        out = _clean_slow(ch)
        if out != ch:
            table[cp] = None if not out else ord(out) if len(out) == 1 else out
    not_per_char = "[" + "".join(kept_combining) + "\U00010000-\U0010ffff]"
    return table, re.compile(not_per_char)


_CLEAN_TABLE, _NOT_PER_CHAR = _clean_table()


def clean_text(text: str) -> str:
    """NFKC, then decompose and drop every combining mark.

    Dropping marks after NFKD removes harakat and Latin accents, and also unifies أ إ آ ؤ ئ
    with their bare letters (they decompose into letter + hamza/madda mark). (Done through a
    per-character table where that gives the same text: see `_clean_table`.)
    """
    if text.isascii():
        return text
    if _NOT_PER_CHAR.search(text) is None:
        return text.translate(_CLEAN_TABLE)
    return _clean_slow(text)


def fold_arabic(token: str) -> str:
    """Arabic token for same-script comparison: Persian/Urdu sounds folded to Arabic letters."""
    return token.translate(_ARABIC_FOLD)


@lru_cache(maxsize=200_000)
def fold_latin(token: str) -> str:
    """Latin (or transliterated) token: ASCII, lower case, letters only (cached: every name
    is folded word by word and the words repeat across millions of names)."""
    return "".join(c for c in anyascii(token).lower() if "a" <= c <= "z")


def to_latin(text: str) -> str:
    """Any script to Latin letters through anyascii (used for scripts we do not model)."""
    return anyascii(text)
