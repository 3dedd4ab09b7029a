"""Script-neutral phonetic keys for name parts.

Arabic script writes consonants and long vowels; Latin transliterations add short vowels,
choose among many digraphs (sh/ch/sch, kh/ch, th/dh/z, ou/u/oo) and double letters at will.
A consonant skeleton over shared sound classes is therefore where شتوك, ستوك, Stock and Shtok
can meet. Each symbol below is one sound class:

    A initial vowel (ا ع ء / a e i o u)   B b p ب پ     T t ت ط        0 th dh ث ذ ظ
    J j dj ج                              H h ح ه       Q kh خ         D d ض د
    R r ر    Z z ژ ز    S s c(e,i) س ص    X sh ch sch ش چ              G g gh غ گ
    F f ph ف    K k q c ck ق ك    L M N    W initial w/v و    Y initial y ي

Medial vowels (and medial و ي ا ع, which mostly write vowels) are dropped. Where Latin spelling
is ambiguous (th = ث or ت+ح as in Fathi; final h = ح or a silent ة) the Latin side yields a few
alternative keys, and matching takes the best. The coarse key merges classes that
transliterators commonly confuse (s/sh/z/th, d/t, g/j/k/q, kh/h), for a fuzzier second look.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

_V = "V"

# Arabic letter -> class. Lower-case classes are vowels: a = ا, u = و, i = ي (medial), I = final
# ي as y (also alef maqsura after normalisation, so "i or a"), "'" = ع (a vowel carrier that
# transliterations write as a, ', or nothing: no requirement on the Latin side).
_AR_MAP = {
    "ا": "a", "ع": "'", "ب": "B", "پ": "B", "ت": "T", "ط": "T", "ٹ": "T", "ث": "0", "ج": "J", "چ": "X",
    "ح": "H", "ه": "H", "خ": "Q", "د": "D", "ڈ": "D", "ض": "D", "ذ": "0", "ظ": "0", "ر": "R", "ڑ": "R",
    "ز": "Z", "ژ": "Z", "س": "S", "ص": "S", "ش": "X", "غ": "G", "ف": "F", "ڤ": "F", "ق": "K", "ك": "K",
    "گ": "G", "ل": "L", "م": "M", "ن": "N", "ں": "N", "و": "W", "ي": "Y", "ھ": "",
}

# Latin digraphs with their readings; more than one reading = ambiguous, both are tried.
_LAT_MULTI: dict[str, tuple[str, ...]] = {
    "sch": ("X", "SX"),  # German sch, Persian s+ch (Talischi)
    "tch": ("X",),
    "sh": ("X", "SH"),
    "ch": ("X", "Q", "TX"),
    "kh": ("Q",),
    "gh": ("G",),
    "th": ("0", "T", "TH"),
    "dh": ("0", "D", "DH"),
    "ph": ("F",),
    "ck": ("K",),
    "dj": ("J",),
    "zh": ("Z", "ZH"),  # Persian zh (Zhaleh), or z + h (Azhar = اظهر, Mazhar)
}
_LAT_SINGLE = {
    "b": "B", "p": "B", "d": "D", "f": "F", "g": "G", "h": "H", "j": "J", "k": "K", "l": "L", "m": "M",
    "n": "N", "q": "K", "r": "R", "s": "S", "t": "T", "z": "Z", "x": "KS",
    "a": "a", "e": "e", "i": "i", "o": "o", "u": "u",
}
_VOWELS = frozenset("aeiouy")
_MAX_KEYS = 4

_COARSE = str.maketrans({"0": "S", "Z": "S", "X": "S", "Q": "H", "D": "T", "G": "K", "J": "K"})

Shape = tuple[str, tuple[str, ...]]
"""A phonetic key and, per key symbol, the vowel classes written after it."""


def _finish(symbols: list[str], drop_final_h: bool, collapse: bool = True, din_article: bool = False) -> Shape:
    """Collapse doubles, mark an initial vowel, attach vowels to consonants, compound rules.

    Latin doubles (mm, ss) are one sound; Arabic writes a doubled sound once (shadda), so two
    identical Arabic letters in a row are two sounds (معززي = mu'azzizi) and stay.
    """
    cons: list[str] = []
    vows: list[str] = []
    lead = ""
    for s in symbols:
        for c in s:
            if c.isupper() or c.isdigit():
                if collapse and cons and cons[-1] == c and not vows[-1]:
                    continue  # doubled letter (mm, ss, shadda already stripped)
                cons.append(c)
                vows.append("")
            elif cons:
                vows[-1] += c
            else:
                lead += c
    if drop_final_h and len(cons) > 1 and cons[-1] == "H":
        cons.pop()
        moved = vows.pop()
        vows[-1] += "h" + moved  # the silent final h / ta marbuta ends in a vowel
    if lead:
        cons.insert(0, "A")
        vows.insert(0, "")
    key = "".join(cons)
    if key.startswith("ABDL") and len(key) > 4:  # Abd al-X / Abdel X / عبدالX: the article is not identity
        del cons[3]
        vows[2] += vows.pop(3)
    if din_article and key.endswith("LDN") and len(key) >= 5:  # Hosameldin / حسام الدين
        del cons[-3]
        moved = vows.pop(-3)
        vows[-3] += moved
    return "".join(cons), tuple(vows)


# Compounds joined by segmentation (عبد الامير -> عبدامير, ابو ايوب -> ابوايوب): the alef that
# opens the second name is a word-initial vowel, not a long a.
_COMPOUND_HEADS = ("عبد", "ابو", "ذو")


def _junction(token: str) -> int:
    for head in _COMPOUND_HEADS:
        if len(token) > len(head) + 1 and token.startswith(head) and token[len(head)] == "ا":
            return len(head)
    return -1


@lru_cache(maxsize=300_000)
def arabic_shape(token: str, collapse: bool = False, keep_final_h: bool = False, junction: int | None = None) -> Shape:
    """Phonetic shape of a normalised Arabic-script token (the Arabic does not contain the
    article of الدين: segmentation has removed it, so the consonant before دين is the name's).

    `collapse` merges identical neighbouring consonants: a compound written as one word
    (اميررضا = Amir + Reza) doubles a letter that Latin writes once or twice (Amirreza).
    """
    symbols: list[str] = []
    last = len(token) - 1
    if junction is None:
        junction = _junction(token)
    for i, ch in enumerate(token):
        s = _AR_MAP.get(ch)
        if s is None:
            continue
        if i == junction:
            s = "'"
        elif s == "W" and i > 0:
            s = "u"  # medial/final و is (mostly) a long vowel
        elif s == "Y" and i > 0:
            s = "y" if i == last else "i"
        symbols.append(s)
    drop_h = last > 0 and token[last] == "ه"
    key, vowels = _finish(symbols, drop_h and not keep_final_h, collapse=collapse)
    if drop_h and keep_final_h:  # the ه is sounded and may carry the Latin final vowel (Taha)
        vowels = (*vowels[:-1], vowels[-1] + "h")
    return key, vowels


# Persian/Urdu read ض ذ ظ as z, ث as s, and write ژ as zh or j: a second reading of a token.
# Persian transliteration writes ق as gh (Ghasem = قاسم, Sadegh = صادق, Zolfaghari = ذوالفقاري).
_PERSIAN_READING = str.maketrans({"ض": "ز", "ذ": "ز", "ظ": "ز", "ث": "س", "ژ": "ج", "ق": "غ"})


# Egyptian/Maghrebi/Gulf colloquial readings: ث as t (Ghita), ذ as d, ج and ق as g (Gamal, Gargash).
_COLLOQUIAL_READING = str.maketrans({"ث": "ت", "ذ": "د", "ظ": "ض", "ج": "گ", "ق": "گ"})


@lru_cache(maxsize=300_000)
def arabic_shapes(token: str) -> tuple[Shape, ...]:
    """Arabic reading, plus Persian/Urdu (رضا = Reza) and colloquial (جمال = Gamal) readings, and
    where they apply: the Urdu aspirate ھ written as h (بھٹي = Bhatti, چودھري = Chaudhry), the
    Maghrebi article read as a bare l (العمراني = Lamrani, الحسين = Lahoucine), and a final ه that
    is a consonant when it is the name's second one (طه = Taha)."""
    shapes: dict[str, Shape] = {}
    junction = _junction(token)  # the readings below keep the letters' positions
    variants = [token, token.translate(_PERSIAN_READING), token.translate(_COLLOQUIAL_READING)]
    if "ھ" in token:
        variants.append(token.replace("ھ", "ه"))
    readings = [(t, arabic_shape(t, junction=junction)) for t in variants]
    if token.startswith("ال") and len(token) >= 4:
        readings.append((token[1:], arabic_shape(token[1:])))
    for _, sh in readings:
        shapes.setdefault(sh[0], sh)
    if token.endswith("ه") and sum(c.isupper() for c in readings[0][1][0]) <= 1:
        sh = arabic_shape(token, keep_final_h=True, junction=junction)
        shapes.setdefault(sh[0], sh)
    for t, (key, _) in readings:
        if any(key[k] == key[k + 1] for k in range(len(key) - 1)):  # else collapsing changes nothing
            sh = arabic_shape(t, True, junction=_junction(t) if len(t) != len(token) else junction)
            shapes.setdefault(sh[0], sh)
    return tuple(shapes.values())


def arabic_key(token: str) -> str:
    """Phonetic key of a normalised Arabic-script token."""
    return arabic_shape(token)[0]


@lru_cache(maxsize=300_000)
def latin_shapes(token: str) -> tuple[Shape, ...]:
    """Phonetic shapes of a folded Latin token (a few when its spelling is ambiguous)."""
    seqs: list[list[str]] = [[]]
    n = len(token)
    i = 0
    while i < n:
        readings: tuple[str, ...] | None = None
        for size in (3, 2):
            chunk = token[i : i + size]
            if len(chunk) == size and chunk in _LAT_MULTI:
                readings = _LAT_MULTI[chunk]
                i += size
                break
        if readings is None:
            c = token[i]
            nxt = token[i + 1] if i + 1 < n else ""
            r = ""
            if i == 0 and c == "o" and nxt == "u" and n > 2 and token[2] in "aeiy":
                readings = ("W", "ou")  # French spelling of an initial و: Ouadah, Oualid, Ouafa
                i += 1  # (with the u, skipped below)
            elif c == "c":
                r = "S" if nxt in ("e", "i", "y") else "K"
            elif c == "w":
                r = "W" if i == 0 else "w"  # a vowel slot, but one that needs و (Badawi is not بديع)
            elif c == "v":
                readings = ("W", "F") if i == 0 else ("u", "F")  # Persian و = v, European v = ف
            elif c == "y":
                r = "Y" if i == 0 and nxt in _VOWELS else "i"
            else:
                r = _LAT_SINGLE.get(c, "")
            if readings is None:
                readings = (r,)
            i += 1
        if len(readings) == 1 or len(seqs) * len(readings) > _MAX_KEYS:
            for s in seqs:
                s.append(readings[0])
        else:
            seqs = [s + [r] for s in seqs for r in readings]
    final_h_after_vowel = n >= 3 and token[-1] == "h" and token[-2] in _VOWELS
    shapes: dict[str, Shape] = {}
    for s in seqs:
        for din_article in (True, False):  # Hosameldin = حسام الدين, Jamaleddine = جمال الدين
            sh = _finish(s, False, din_article=din_article)
            shapes.setdefault(sh[0], sh)
            if final_h_after_vowel:
                sh = _finish(s, True, din_article=din_article)  # Fatimah / Saleh: ة is silent, ح is not
                shapes.setdefault(sh[0], sh)
    return tuple(shapes.values())


def latin_keys(token: str) -> tuple[str, ...]:
    """Phonetic keys of a folded Latin token."""
    return tuple(k for k, _ in latin_shapes(token))


# Latin vowel pairs that are often short vowels around a silent letter or a hiatus (Saed, Fael).
_SHORT_PAIRS = frozenset({"ae", "ai", "ea", "ia", "io", "ua", "ao", "oa", "eh"})

# Which Latin vowel letters can write an Arabic long vowel.
_SATISFIES = {"a": frozenset("ae"), "u": frozenset("ouw"), "i": frozenset("ie"), "y": frozenset("iea")}


# Latin letters that write one long vowel or diphthong for certain, and the Arabic vowel letters
# (or ع) that can stand for it: where the Arabic writes a long vowel, it must be one of these.
# In the word tables fewer than 1 in 200 such Latin clusters meet an Arabic that writes another.
_LATIN_LONG = (
    (re.compile("[ae]i|ee"), "iy'"),  # Haytham is not حاتم
    (re.compile("ou|oo"), "u'"),  # Zouaoui is not ضياء
    (re.compile("aa"), "a'"),
    (re.compile("w"), "u"),  # a medial Latin w writes و (Badawi = بدوي, Marwan = مروان)
)
_FINAL_SOUNDED = frozenset("aou")  # Latin final vowels Arabic writes with a letter (ا ى ه ة و ع ء)


def _final_vowels_disagree(ar: str, lat: str) -> bool:
    """Whether a name's ending says it is another name: Noura (نوره) is not Nour (نور),
    Lotfia is not Lotfi or Latif, Mahasneh is not Mohsen.

    Arabic always writes a final vowel, and the ta marbuta of feminine names and many family
    names (the `h` left by dropping final ه). A Latin -i/-y needs ي; a Latin -a/-o/-u/-ah/-eh
    needs a final vowel letter, ع or ه; a final ه needs a Latin final vowel. A bare final e
    is French and silent (Boumediene = بومدين), so it says nothing.
    """
    if lat and lat[-1] == "i":
        return "i" not in ar and "y" not in ar
    if not ar:
        return bool(lat) and (lat[-1] in _FINAL_SOUNDED or lat.endswith("eh"))
    if ar[-1] == "h" and "h" not in lat:
        return not lat or lat[-1] not in "aeiou"
    # Alia (علياء) is not Ali (علي); Yahia keeps the ي of يحيى before its final one
    return ar == "y" and lat.endswith(("ia", "ya"))


def _slot_conflicts(ar: str, lv: str, final: bool) -> tuple[int, int, int]:
    """(conflicts, half fit, fit) of one aligned slot: the Arabic and the Latin vowel cluster after
    a consonant, and whether it is the last slot of both shapes (see `vowel_conflicts`)."""
    reqs = [r for r in ar if r in _SATISFIES]
    bad = 0
    for req in reqs:
        if not (_SATISFIES[req] & set(lv)):
            bad += 1
    if final and _final_vowels_disagree(ar, lv):
        bad += 1
    if reqs and any(p.search(lv) and not any(c in ar for c in ok) for p, ok in _LATIN_LONG):
        bad += 1  # Haytham (هيثم) writes a ي that Hatim (حاتم) has not
    if bad:
        return bad, 0, 0
    if not ar and len(lv) >= 2 and lv not in _SHORT_PAIRS:
        return 0, 1, 0  # Latin writes a long vowel (ei, ou, ee) where the Arabic writes none
    return 0, 0, 1


# `_slot_conflicts` per (Arabic cluster, Latin cluster, last slot): a slot's verdict depends on
# nothing else, and a vocabulary's vowel clusters are few (a few thousand pairs of them), while
# the shapes they are aligned in are many.
_SLOTS: dict[tuple[str, str, bool], tuple[int, int, int]] = {}
_SLOTS_MAX = 200_000


def vowel_conflicts(ar: tuple[str, ...], lat: tuple[str, ...], pairs: Sequence[tuple[int, int]]) -> tuple[float, float]:
    """(conflicts, agreement) of an Arabic and a Latin shape at aligned consonants.

    A conflict is an Arabic long vowel the Latin spelling does not write, or a Latin final
    -i/-y that the Arabic lacks (the nisba ending ي is always written). Agreement in [0, 1] is
    the share of aligned slots whose vowels fit (a Latin long vowel where the Arabic writes
    none half fits); it orders spellings that share a skeleton.
    """
    bad = half = agree = 0  # counts: exact, so the floats below are those of summing 1.0s
    last_a = len(ar) - 1
    last_l = len(lat) - 1
    slots = _SLOTS
    for i, j in pairs:
        key = (ar[i], lat[j], i == last_a and j == last_l)
        got = slots.get(key)
        if got is None:
            if len(slots) >= _SLOTS_MAX:
                slots.clear()
            got = slots[key] = _slot_conflicts(*key)
        bad += got[0]
        half += got[1]
        agree += got[2]
    return float(bad) + 0.5 * half, (agree / len(pairs) if pairs else 0.0)


# Per vowel tuple of a shape: its clusters as they are compared (see `arabic_vowel_conflicts`,
# `latin_vowel_conflicts`), worked out once per shape instead of once per slot of every pair.
_AR_PLAIN: dict[tuple[str, ...], tuple[str, ...]] = {}
_LAT_CLASSES: dict[tuple[str, ...], tuple[int, ...]] = {}
_SHAPES_MAX = 200_000


def _arabic_plain(vowels: tuple[str, ...]) -> tuple[str, ...]:
    got = _AR_PLAIN.get(vowels)
    if got is None:
        if len(_AR_PLAIN) >= _SHAPES_MAX:
            _AR_PLAIN.clear()
        got = _AR_PLAIN[vowels] = tuple(v.replace("'", "").replace("y", "i") for v in vowels)
    return got


def arabic_vowel_conflicts(
    a: tuple[str, ...], b: tuple[str, ...], pairs: Sequence[tuple[int, int]]
) -> tuple[float, float]:
    """(conflicts, agreement): aligned consonants whose written long vowels differ (both Arabic)."""
    pa = _AR_PLAIN.get(a) or _arabic_plain(a)
    pb = _AR_PLAIN.get(b) or _arabic_plain(b)
    bad = 0
    for i, j in pairs:
        if pa[i] != pb[j]:
            bad += 1
    return float(bad), (1.0 - bad / len(pairs) if pairs else 0.0)


def coarse(key: str) -> str:
    """Merge classes that transliterators confuse, for a fuzzier comparison."""
    return key.translate(_COARSE)


# Latin vowel letters -> broad classes; e is a wildcard (French e writes the u of Yusuf: Youcef).
_LAT_VOWEL_CLASS = {"a": "A", "e": "AIU", "i": "I", "o": "U", "u": "U", "w": "U", "h": ""}


_CLASS_BITS = {"A": 1, "I": 2, "U": 4}


def _vclass(cluster: str) -> int:
    """The broad classes a Latin vowel cluster can write, as bits (A 1, I 2, U 4)."""
    out = 0
    for ch in cluster:
        for c in _LAT_VOWEL_CLASS.get(ch, ""):
            out |= _CLASS_BITS[c]
    return out


def _latin_classes(vowels: tuple[str, ...]) -> tuple[int, ...]:
    got = _LAT_CLASSES.get(vowels)
    if got is None:
        if len(_LAT_CLASSES) >= _SHAPES_MAX:
            _LAT_CLASSES.clear()
        got = _LAT_CLASSES[vowels] = tuple(_vclass(v) for v in vowels)
    return got


def latin_vowel_conflicts(
    a: tuple[str, ...], b: tuple[str, ...], pairs: Sequence[tuple[int, int]]
) -> tuple[float, float]:
    """(conflicts, agreement) of two Latin shapes: aligned vowels of disjoint classes
    (Hassan / Hussein) conflict; e agrees with anything."""
    ca = _LAT_CLASSES.get(a) or _latin_classes(a)
    cb = _LAT_CLASSES.get(b) or _latin_classes(b)
    bad = 0
    for i, j in pairs:
        x = ca[i]
        y = cb[j]
        if x and y and not (x & y):
            bad += 1
    return float(bad), (1.0 - bad / len(pairs) if pairs else 0.0)
