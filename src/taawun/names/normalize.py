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


@lru_cache(maxsize=200_000)
def clean_text(text: str) -> str:
    """NFKC, then decompose and drop every combining mark.

    Dropping marks after NFKD removes harakat and Latin accents, and also unifies أ إ آ ؤ ئ
    with their bare letters (they decompose into letter + hamza/madda mark).
    """
    if not text.isascii():
        text = _MN.sub("", unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text)))
        text = text.translate(_APOS_TABLE).translate(_ARABIC_TABLE)
    return text


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
