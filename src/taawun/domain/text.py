"""Cleaning of free text that arrives from the outside world.

Invisible formatting characters (bidi marks, zero-width spaces) are what copy-paste from
documents and web pages leaves behind; they must never make two equal names differ or let an
empty-looking name through, so they are removed before validation. Control characters, private
use and unassigned code points are refused rather than silently dropped: they signal broken input.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from taawun.domain.messages import Message

# Bidi embedding/override/isolate controls, LRM/RLM/ALM, zero-width space, word joiner, BOM.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200E, 0x200F, 0x061C, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
# Zero-width joiner/non-joiner carry meaning inside Persian/Urdu/Indic words but not at the edges.
_JOINERS = "\u200c\u200d"
_ASCII_LETTER = re.compile("[A-Za-z]")


class TextError(ValueError):
    """Raised with a sentence a user can act on."""


def clean_text(value: str, *, field: str = "text", max_length: int = 1000) -> str:
    """Return the NFC form of ``value`` without invisible formatting, or raise TextError.

    ``field`` names the value in the message (a `Message` such as ``Message("name")`` is shown translated).
    """
    if len(value) > max_length * 4:
        raise TextError(Message("%(field)s is too long (at most %(max)s characters)", field=field, max=max_length))
    text = unicodedata.normalize("NFC", value).translate(_INVISIBLE)
    # Fast path (bulk imports validate millions of names): printable text has no Cc/Cs/Co/Cn at all.
    if not text.isprintable():
        for ch in text:
            category = unicodedata.category(ch)
            if category in ("Cc", "Cs", "Co", "Cn") and ch not in "\t\n\r":
                raise TextError(Message("%(field)s contains an invalid character %(char)s", field=field,
                                                 char=f"U+{ord(ch):04X}"))
    text = " ".join(text.split()).strip(_JOINERS + " ")
    if len(text) > max_length:
        raise TextError(Message("%(field)s is too long (at most %(max)s characters)", field=field, max=max_length))
    if not text:
        raise TextError(Message("%(field)s is empty once invisible characters are removed", field=field))
    if unicodedata.category(text[0]).startswith("M"):
        raise TextError(Message("%(field)s starts with a combining mark", field=field))
    return text


def detect_script(text: str) -> str:
    """The dominant writing system of ``text`` as an ISO 15924 code (Arab, Latn, Cyrl, Hani...)."""
    if text.isascii():  # ASCII letters are Latin
        return "Latn" if _ASCII_LETTER.search(text) else "Zyyy"
    # Most names are in one script: the set of scripts decides without counting (map + cache, no Python loop).
    scripts = set(map(_script_of_char, text))
    scripts.discard(None)
    if len(scripts) == 1:
        return str(scripts.pop())
    if not scripts:
        return "Zyyy"
    counts: Counter[str | None] = Counter(map(_script_of_char, text))
    counts.pop(None, None)
    return max(counts.items(), key=lambda item: item[1])[0] or "Zyyy"


_SCRIPT_PREFIXES = {
    "ARABIC": "Arab",
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "CJK": "Hani",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "HANGUL": "Hang",
    "DEVANAGARI": "Deva",
    "THAI": "Thai",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "ETHIOPIC": "Ethi",
    "BENGALI": "Beng",
    "TAMIL": "Taml",
    "SYRIAC": "Syrc",
    "THAANA": "Thaa",
}


@lru_cache(maxsize=8192)
def _script_of_char(ch: str) -> str | None:
    """Script of one letter (None for non-letters); cached because names reuse few distinct letters."""
    if not ch.isalpha():
        return None
    return _script_of_name(unicodedata.name(ch, ""))


def _script_of_name(name: str) -> str:
    first = name.split(" ", 1)[0]
    return _SCRIPT_PREFIXES.get(first, "Zzzz")
