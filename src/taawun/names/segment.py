"""Split a normalised name into name parts, handling particles, compounds and titles.

Arabic names are chains (given name, father, grandfather, family) written with particles that
transliterators treat inconsistently: "Abd al-Rahman", "Abdelrahman" and "Abdul Rahman" are one
name part; "al-Zahrani", "Alzahrani" and "Zahrani" too. We make both scripts converge on one
canonical form per part (compounds merged, the article removed) so that later stages compare
like with like. When we cannot tell whether a prefix is a particle (Latin "Alexander" vs
"Alzahrani", Arabic "الياس" vs "الزهراني"), a part keeps both readings as alternative forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from taawun.names.normalize import clean_text, fold_latin, to_latin

AR, LAT, OTHER = "ar", "lat", "other"


@dataclass(frozen=True, slots=True)
class Part:
    """One name part: its script and canonical forms (the first is the primary reading)."""

    script: str
    forms: tuple[str, ...]
    source: str  # the text it came from, for explanations


# --- Latin particle lists -----------------------------------------------------------------
_LAT_ARTICLES = frozenset(
    [
        "al",
        "el",
        "ul",
        "ol",
        "il",
        "ur",
        "ud",
        "us",
        "un",
        "ad",
        "ar",
        "as",
        "at",
        "az",
        "ash",
        "an",
        "ed",
        "er",
        "es",
        "et",
        "ez",
        "ag",
        "ah",
    ]
)
_LAT_ABD = frozenset(
    [
        "abd",
        "abdu",
        "abdul",
        "abdel",
        "abdal",
        "abdol",
        "abdil",
        "abdou",
        "abdoul",
        "abdur",
        "abdus",
        "abdun",
        "abdar",
        "abder",
        "abdes",
        "abdi",
    ]
)
_LAT_ABU = frozenset(["abu", "abou", "abo", "aboo", "abul", "aboul"])
_LAT_SECOND = {  # second halves of compounds (Nasr al-Din, Nasr Allah) -> canonical core
    **dict.fromkeys(["din", "deen", "dine", "eddin", "eddine", "uddin", "uddine", "addin", "iddin", "ud-din"], "din"),
    **dict.fromkeys(["allah", "ullah", "ollah", "alla", "ulla", "illah", "allahi"], "lah"),
}
_LAT_FILIAL = frozenset(["bin", "ben", "ibn", "bint", "binti", "bel", "ould", "ait"])
# Persian family-name endings that Latin spellings often write apart (Bagheri Fard, Hossein-Zadeh,
# Omid Vand) and Persian writes joined or apart (باقري فرد, حسين زاده): joined to the part before,
# so that both spellings are one part. (Short endings such as far, rad, nia are also given names.)
_LAT_SUFFIXES = frozenset(
    ["zadeh", "zade", "zada", "pour", "poor", "nejad", "nezhad", "nejhad", "fard", "vand", "khah", "doust", "doost",
     "manesh", "panah", "zadegan"]
)
# The article fused to the end of the first half of a compound: Fazl-ur Rahman, Shams-ul Islam,
# Nasr-ud Din (the u of the Persian/Urdu izafe-like reading, the l assimilated to sun letters).
# Only before the usual second halves, so that Rasul Khan or Mahmud Dawood keep their first name.
_RE_LAT_FUSED_ARTICLE = re.compile(r"^([a-z]{3,})(?:ul|u(sh|th|dh|[rsdtzn]))$")
_LAT_COMPOUND_SECOND = frozenset(
    [
        "rahman", "rehman", "rahim", "raheem", "zaman", "samad", "salam", "nabi", "haq", "haque", "huq",
        "huda", "hoda", "islam", "nisa", "nissa", "nesa", "rashid", "amin", "ameen", "alam", "hasan",
        "hassan", "hossain", "hussain", "kabir", "karim", "majid", "malik", "aziz", "latif", "qadir",
        "kader",
    ]
) | frozenset(_LAT_SECOND)
_RE_LAT_FUSED_ISLAM = re.compile(r"^([a-z]{3,}?)(?:ul|ol|el|al|oul)(islam|eslam)$")
_LAT_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "sheikh",
        "shaikh",
        "shaykh",
        "sheik",
        "hajj",
        "haj",
        "hadj",
        "hajji",
        "alhaj",
        "alhajj",
        "imam",
        "mullah",
        "general",
        "gen",
        "colonel",
        "col",
        "captain",
        "capt",
        "sir",
        "lady",
        "dame",
        "eng",
        "engr",
    ]
)

# --- Arabic particle lists ----------------------------------------------------------------
_AR_ABD = "عبد"
_AR_ABU = frozenset({"ابو", "ابي", "ابا"})
_AR_SECOND = {"الدين": "دين", "الله": "له"}
_AR_SUFFIXES = frozenset(["زاده", "پور", "نژاد", "نزاد", "فرد", "وند", "خواه", "دوست", "منش", "پناه", "زادگان"])
# Compounds whose second half is written apart in most Latin spellings (Aminul Islam, Seif
# el-Islam): two parts on both sides, also when the Arabic or Latin writes them as one word.
_AR_APART = "الاسلام"
_AR_FILIAL = frozenset({"بن", "ابن", "بنت", "ولد", "ايت"})
_AR_TITLES = frozenset(
    {
        "الشيخ",
        "شيخ",
        "الحاج",
        "حاج",
        "الدكتور",
        "دكتور",
        "د",
        "المهندس",
        "مهندس",
        "الاستاذ",
        "استاذ",
        "اللواء",
        "العقيد",
        "الرئيس",
        "السيده",
        "الامام",
    }
)


_AR_LETTERS = (
    "\u0621-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff"
    "\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc"
)
_LAT_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_RUNS = re.compile(
    f"([{_AR_LETTERS}]+)|([{_LAT_LETTERS}]+)|([^\\W\\d_{_AR_LETTERS}{_LAT_LETTERS}\u0600-\u06ff]+)"
)


_ASCII_WORDS = re.compile("[A-Za-z]+")
_ARABIC_WORDS = re.compile(f"[{_AR_LETTERS} ]+")  # a name in Arabic letters only: one group, split at spaces


def _split_runs(text: str) -> list[tuple[str, str]]:
    """Split into (script, word) runs; any non-letter separates words, apostrophes join
    (Ja'far, M'hamed: the apostrophe marks ع/ء, not a word break)."""
    runs: list[tuple[str, str]] = []
    for ar, lat, other in _RUNS.findall(text.replace("'", "")):
        if ar:
            runs.append((AR, ar))
        elif lat:
            runs.append((LAT, lat))
        else:
            runs.append((OTHER, other))
    return runs


# --- Latin ---------------------------------------------------------------------------------
_RE_LAT_ABD = re.compile(r"^abd(?:[aeiou]{1,2}l|[aeiou]{1,2}(sh|th|dh|[tdrzsn])(?=\1)|)([a-z]{2,})$")
_RE_LAT_ABU = re.compile(r"^(?:abu|abou|abo)l([a-z]{3,})$")
# The article assimilated to a sun letter and written as one word, Maghrebi style: Essaydi = es-Saydi
# (السعيدي), Echcharif, Ennaji, Ettaher. Only after e: "As" / "At" open names (Assaad, Attar).
_RE_LAT_SUN_ARTICLE = re.compile(r"^e(sh|ch|th|dh|[tdrzsn])(?=\1)")


@lru_cache(maxsize=200_000)
def _latin_core(tok: str) -> str:
    """Canonicalise one Latin word: abd/abu compounds written as one word, -eddine endings."""
    m = _RE_LAT_ABD.match(tok)
    if m and tok not in _LAT_ABD:
        return "abd" + m.group(2)
    m = _RE_LAT_ABU.match(tok)
    if m:
        return "abu" + m.group(1)
    return tok


def _latin_parts(words: list[str]) -> list[Part]:
    toks = [w for w in (fold_latin(w) for w in words) if w]
    while len(toks) > 1 and toks[0] in _LAT_TITLES:
        toks = toks[1:]
    parts: list[Part] = []
    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        if t in _LAT_ARTICLES and i + 1 < n:
            i += 1  # the article belongs to the next word and carries no identity
            continue
        nxt_i = i + 1
        while nxt_i < n - 1 and toks[nxt_i] in _LAT_ARTICLES:
            nxt_i += 1
        nxt = toks[nxt_i] if nxt_i < n else None
        if nxt is not None and (t in _LAT_ABD or t in _LAT_ABU) and nxt not in _LAT_SECOND:
            prefix = "abd" if t in _LAT_ABD else "abu"
            core = _LAT_SECOND.get(nxt, _latin_core(nxt))
            parts.append(Part(LAT, (prefix + core,), " ".join(toks[i : nxt_i + 1])))
            i = nxt_i + 1
            continue
        if nxt is not None and t in _LAT_FILIAL:
            end = nxt_i + 1
            if (nxt in _LAT_ABD or nxt in _LAT_ABU) and end < n:  # Ben Abdel Salam
                while end < n - 1 and toks[end] in _LAT_ARTICLES:
                    end += 1
                core = ("abd" if nxt in _LAT_ABD else "abu") + _LAT_SECOND.get(toks[end], _latin_core(toks[end]))
                end += 1
            else:
                core = _latin_core(nxt)
            parts.append(Part(LAT, (t + core, core), " ".join(toks[i:end])))
            i = end
            continue
        if (t in _LAT_SECOND or t in _LAT_SUFFIXES) and parts:
            prev = parts.pop()
            joined = tuple(f + _LAT_SECOND.get(t, t) for f in prev.forms)
            parts.append(Part(LAT, joined, prev.source + " " + t))
            i += 1
            continue
        if t in _LAT_ARTICLES or t in _LAT_FILIAL:
            i += 1  # dangling particle at the end of the name
            continue
        known = _WORD_PARTS[LAT].get(t)  # a word that is a part on its own: the rules below give its cached part
        if known is not None and not (known[1] and nxt in _LAT_COMPOUND_SECOND):
            parts.append(known[0])
            i += 1
            continue
        fused = _RE_LAT_FUSED_ISLAM.match(t)
        if fused:
            parts.append(Part(LAT, (_latin_core(fused.group(1)),), t))
            parts.append(Part(LAT, (fused.group(2),), t))
            i += 1
            continue
        core = _latin_core(t)
        forms: tuple[str, ...] = (core,)
        article = _RE_LAT_FUSED_ARTICLE.match(core) if nxt in _LAT_COMPOUND_SECOND else None
        if article and (article.group(2) is None or nxt is not None and nxt.startswith(article.group(2))):
            if nxt is not None and nxt in _LAT_SECOND:  # Nasrud Din -> nasr + din, as Nasr al-Din
                parts.append(Part(LAT, (article.group(1) + _LAT_SECOND[nxt],), t + " " + nxt))
                i = nxt_i + 1
                continue
            forms = (core, article.group(1))  # an alternative reading: Rasul and Mansur stay whole too
            parts.append(Part(LAT, forms, t))
            i += 1
            continue
        if len(core) >= 6 and core[:2] in ("al", "el"):
            forms = (core, core[2:])  # Alzahrani -> zahrani, but Alexander must survive
        elif len(core) >= 6 and (sun := _RE_LAT_SUN_ARTICLE.match(core)):
            forms = (core, core[sun.end() :])  # Essaydi -> saydi, but Ennis must survive
        elif len(core) >= 6 and core[:3] in ("bin", "ben", "bel"):
            forms = (core, core[3:])  # Benali -> ali (Algerian family names)
        parts.append(Part(LAT, forms, t))
        i += 1
    return parts


# --- Arabic --------------------------------------------------------------------------------
def strip_arabic_article(tok: str) -> str:
    if tok.startswith("ال") and len(tok) >= 4:
        return tok[2:]
    return tok


def _join_second(first: str, second: str) -> tuple[str, ...]:
    """First half + الله/الدين as one part. A ta marbuta closing the first half is read as t in
    the compound (رحمة الله = Rahmatullah, نعمة الله = Nematollah), or silent (Attiaallah); it was
    folded to ه, which would otherwise read as a sounded h inside the word."""
    if first.endswith("ه") and len(first) >= 3:
        return (first[:-1] + "ت" + second, first + second, first[:-1] + second)
    return (first + second,)


@lru_cache(maxsize=200_000)
def _ar_core(tok: str) -> str:
    """Canonicalise one Arabic word written with an inner compound (عبدالرحمن, نورالدين)."""
    if tok.startswith("عبدال") and len(tok) >= 7:
        return "عبد" + tok[5:]
    if tok.startswith("ابوال") and len(tok) >= 7:
        return "ابو" + tok[5:]
    for full, core in _AR_SECOND.items():
        if tok.endswith(full) and len(tok) > len(full) + 1:
            return tok[: -len(full)] + core
    return tok


def _arabic_parts(words: list[str]) -> list[Part]:
    toks = [w for w in words if w]
    while len(toks) > 1 and toks[0] in _AR_TITLES:
        toks = toks[1:]
    parts: list[Part] = []
    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        if t == "ال" and i + 1 < n:
            i += 1
            continue
        nxt = toks[i + 1] if i + 1 < n else None
        if nxt is not None and (t == _AR_ABD or t in _AR_ABU) and nxt not in _AR_SECOND:
            prefix = "عبد" if t == _AR_ABD else "ابو"
            parts.append(Part(AR, (prefix + strip_arabic_article(nxt),), t + " " + nxt))
            i += 2
            continue
        if nxt is not None and t in _AR_FILIAL:
            step = 2
            if (nxt == _AR_ABD or nxt in _AR_ABU) and i + 2 < n:  # بن عبد السلام
                prefix = "عبد" if nxt == _AR_ABD else "ابو"
                core = prefix + strip_arabic_article(toks[i + 2])
                step = 3
            else:
                core = _ar_core(strip_arabic_article(nxt))
            parts.append(Part(AR, (t + core, core), " ".join(toks[i : i + step])))
            i += step
            continue
        if t in _AR_SUFFIXES and parts:
            prev = parts.pop()
            parts.append(Part(AR, tuple(f + t for f in prev.forms), prev.source + " " + t))
            i += 1
            continue
        if t in _AR_SECOND and parts:
            prev = parts.pop()
            forms = tuple(dict.fromkeys(j for f in prev.forms for j in _join_second(f, _AR_SECOND[t])))
            parts.append(Part(AR, forms, prev.source + " " + t))
            i += 1
            continue
        if t in _AR_FILIAL:
            i += 1
            continue
        if t.endswith(_AR_APART) and len(t) >= len(_AR_APART) + 2:
            stem = strip_arabic_article(t[: -len(_AR_APART)])
            parts.append(Part(AR, (_ar_core(stem),), t))
            parts.append(Part(AR, (_AR_APART[2:],), t))
            i += 1
            continue
        known = _WORD_PARTS[AR].get(t)  # a word that is a part on its own: the rules below give its cached part
        if known is not None:
            parts.append(known[0])
            i += 1
            continue
        stripped = strip_arabic_article(t)
        core = _ar_core(stripped)
        forms = (core,) if stripped == t else (core, _ar_core(t))
        parts.append(Part(AR, forms, t))
        i += 1
    return parts


# Words that are a part on their own wherever they stand, cached per script: (part, whether the part
# would change before one of _LAT_COMPOUND_SECOND, whether the word is one of them; both False in
# Arabic, where no such rule applies), or None for the words whose part depends on their neighbours
# (particles, titles, compound halves) or that make none.
_WordEntry = tuple[Part, bool, bool]
_WORD_PARTS: dict[str, dict[str, _WordEntry | None]] = {AR: {}, LAT: {}, OTHER: {}}
_WORD_PARTS_MAX = 500_000  # entries over the scripts
_LAT_CONTEXTUAL = (
    _LAT_ARTICLES | _LAT_ABD | _LAT_ABU | _LAT_FILIAL | frozenset(_LAT_SECOND) | _LAT_SUFFIXES | _LAT_TITLES
)
_AR_CONTEXTUAL = _AR_ABU | _AR_FILIAL | _AR_SUFFIXES | frozenset(_AR_SECOND) | _AR_TITLES | {"ال", _AR_ABD}


def _word_part(script: str, word: str) -> _WordEntry | None:
    """The part `word` makes among words that are each a part on their own (see `_WORD_PARTS`).

    Names are mostly distinct but their words repeat endlessly, and most words are neither
    particles nor compound halves: a name of such words is segmented word by word from this cache,
    and the rules that look at neighbours run only for names that have a word they apply to.
    """
    cache = _WORD_PARTS[script]
    if word in cache:
        return cache[word]
    entry: _WordEntry | None = None
    t = ""  # the folded word (Latin letters)
    if script == AR:
        if word not in _AR_CONTEXTUAL and not (word.endswith(_AR_APART) and len(word) >= len(_AR_APART) + 2):
            (part,) = _arabic_parts([word])
            entry = (part, False, False)
    else:
        t = fold_latin(word)
        if t and t not in _LAT_CONTEXTUAL and not _RE_LAT_FUSED_ISLAM.match(t):
            (part,) = _latin_parts([word])
            if script == OTHER:
                part = Part(OTHER, part.forms, part.source)
            entry = (part, _RE_LAT_FUSED_ARTICLE.match(_latin_core(t)) is not None, t in _LAT_COMPOUND_SECOND)
    if sum(map(len, _WORD_PARTS.values())) >= _WORD_PARTS_MAX:
        for words in _WORD_PARTS.values():
            words.clear()
    cache[word] = entry
    if script == LAT and t:
        cache[t] = entry  # (the folded word too, as `_latin_parts` looks it up: the same part)
    return entry


def _group_parts(script: str, words: list[str]) -> list[Part]:
    """The parts of a run of words in one script."""
    parts: list[Part] = []
    known = _WORD_PARTS[script].get
    fused = False  # the previous word ends in a fused article
    for w in words:
        e = known(w)  # (`_word_part`'s own lookup, without the call for a known word)
        if e is None:
            e = _word_part(script, w)
            if e is None:
                break
        # Fazl-ur Rahman: a word ending in a fused article is read as a compound half before
        # certain names (the general rules decide); otherwise every word is its own part.
        if fused and e[2]:
            break
        parts.append(e[0])
        fused = e[1]
    else:
        return parts
    if script == AR:
        return _arabic_parts(words)
    made = _latin_parts(words)
    if script == OTHER:
        made = [Part(OTHER, p.forms, p.source) for p in made]
    return made


def segment(text: str) -> list[Part]:
    """Normalise `text` and return its name parts in written order.

    Words in scripts we do not model (Cyrillic, Chinese, ...) are transliterated with anyascii
    and then handled like Latin words, so that they at least match within their script.
    """
    text = clean_text(text)
    if text.isascii():  # (in ASCII every word is a Latin letter run: one group)
        words = _ASCII_WORDS.findall(text.replace("'", ""))
        return _group_parts(LAT, words) if words else []
    if _ARABIC_WORDS.fullmatch(text):
        return _group_parts(AR, text.split())
    parts: list[Part] = []
    group: list[str] = []
    group_script = ""
    for script, word in _split_runs(text):
        if script == OTHER:
            word = to_latin(word)
        if script != group_script:
            if group:
                parts.extend(_group_parts(group_script, group))
                group = []
            group_script = script
        group.append(word)
    if group:
        parts.extend(_group_parts(group_script, group))
    return parts
