"""Search terms: normalised name tokens and identifier numbers, matched by prefix.

This is the analyst's free-text search, not screening: it finds a record by what was typed, in the
script it was typed in, tolerant of case, accents, Arabic letter variants and punctuation.
Cross-script fuzzy matching is the screening index's job.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

_ARABIC_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ئ": "ي", "ؤ": "و",
    "ک": "ك", "ی": "ي", "ي": "ي", "ـ": None,
})
_SPLIT = re.compile(r"[^\w]+", re.UNICODE)
_NUMBER_JUNK = re.compile(r"[^0-9A-Za-z]+")


def fold(text: str) -> str:
    if text.isascii():  # nothing to decompose or map (every mapped letter is non-ASCII): document numbers
        return text.lower()
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", text).translate(_ARABIC_FOLD).replace("ß", "ss")


def name_tokens(text: str) -> list[str]:
    # Folded word by word through a cache: a bulk import of 100,000 names has only a few thousand
    # distinct words, and folding is character by character. fold() never joins or splits across
    # whitespace, so this gives the same tokens as folding the whole text.
    return [t for word in text.split() for t in _word_tokens(word)]


@lru_cache(maxsize=65536)
def _word_tokens(word: str) -> tuple[str, ...]:
    return tuple(t[:80] for t in _SPLIT.split(fold(word)) if t)


def number_term(number: str) -> str:
    """Document and serial numbers compare without spaces, hyphens and case."""
    return _NUMBER_JUNK.sub("", fold(number)).upper()[:80]


def query_tokens(query: str) -> list[str]:
    """Tokens of a free-text query: name tokens, plus the whole query as a number if it looks like one."""
    tokens = name_tokens(query)
    compact = number_term(query)
    if compact and any(ch.isdigit() for ch in compact) and len(tokens) > 1:
        return [compact]
    return [t.upper() if any(ch.isdigit() for ch in t) else t for t in tokens][:8]


def terms_for(kind: str, data: dict[str, Any]) -> set[str]:
    terms: set[str] = set()
    for name in data.get("names") or []:
        terms.update(name_tokens(name["full"]))
    numbers: Iterable[str | None] = [
        data.get("number"), data.get("vin"), data.get("plate"), data.get("serial"),
        *(ident["number"] for ident in data.get("identifiers") or []),
    ]
    terms.update(number_term(n) for n in numbers if n)
    terms.discard("")
    return terms
