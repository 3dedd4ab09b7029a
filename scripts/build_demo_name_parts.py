"""Build src/taawun/services/data/demo_name_parts.json: name PARTS for the fictitious demo world.

The demo generator composes fictitious persons from given names and family names. It must run on a
fresh clone (no ../shared at run time), so the parts are shipped as a small file built here, once,
from /work/shared/data/names-dev.tsv (see that folder's README for its provenance and licence).

What is kept, and why it identifies nobody:
* only single name PARTS (a given name, or a family name), never a full name or a row;
* only parts carried by at least MIN_PERSONS distinct persons of the source, so a rare family name
  that could point at one real person is dropped;
* for each Arabic part, its most frequent attested Latin spellings (the variation the matcher must
  handle: محمد -> Mohammed / Muhammad / Mohamed).
Parts are aligned word by word only on rows whose Arabic and Latin sides have the same number of
words once compounds (عبد الـ..., أبو, بن) are joined. European parts are not in the source; a short
hand-written list of common European given and family names is added below.

Usage: .venv/bin/python scripts/build_demo_name_parts.py [--data /work/shared/data]
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import re
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "taawun" / "services" / "data" / "demo_name_parts.json"
MIN_PERSONS = 5  # a part must be used by this many distinct persons of the source
MAX_SPELLINGS = 4
LIMITS = {"given_m": 160, "given_f": 60, "family": 170}

ARAB_COUNTRIES = {"DZ", "EG", "MA", "TN", "IQ", "SA", "LB", "SY", "PS", "JO", "AE", "YE", "KW", "QA", "SD", "BH",
                  "SO", "LY", "MR", "OM", "KM", "DJ"}
PERSIAN_SOUTH_ASIAN = {"IR", "PK", "AF"}

_AR_JOIN_NEXT = {"عبد", "ابو", "أبو", "بن", "ابن", "بنت", "ال", "آل", "ام", "أم"}
_LAT_JOIN_NEXT = {"abd", "abdel", "abdul", "abdal", "abd-al", "abd-el", "abu", "abou", "bou", "bin", "ben", "ibn",
                  "bint", "el", "al", "ul", "ould", "umm", "um", "aal", "al-", "el-"}
# Second halves of compounds (نور الدين, عبد الله written apart): joined to the word before them.
_AR_JOIN_PREV = {"الدين", "الله", "الرحمن"}
_LAT_JOIN_PREV = {"eddine", "ed-din", "el-din", "eldin", "al-din", "ad-din", "ud-din", "uddin", "allah", "ullah",
                  "ul-lah", "errahmane", "rahman", "al-rahman", "ar-rahman"}
_TITLES_AR = {"الشيخ", "شيخ", "الدكتور", "السيد", "سيد", "الحاج", "حاج", "الامير", "الأمير", "المهندس", "ملا"}
_TITLES_LAT = {"sheikh", "shaikh", "sheik", "dr", "dr.", "sayyid", "syed", "sayed", "hajj", "haji", "prince",
               "mullah", "mulla", "mr", "mr."}
# Arabic feminine given names that do not end in ta marbuta, and masculine ones that do.
_FEMALE_AR = {"مريم", "زينب", "نور", "هند", "سعاد", "ليلى", "ليلي", "سلمى", "سلمي", "هدى", "هدي", "منى", "مني",
              "نجوى", "رشا", "دعاء", "اسماء", "أسماء", "شيماء", "هيفاء", "وفاء", "صفاء", "رجاء", "نجاح", "ابتسام",
              "احلام", "أحلام", "سهام", "وئام", "مرام", "ريم", "رحاب", "ايمان", "إيمان", "حنان", "جنان", "سوزان",
              "كوثر", "زهور", "نسرين", "ياسمين", "شيرين", "جيهان", "نوال", "امال", "آمال", "سناء", "هناء", "دنيا",
              "علياء", "لمياء", "رانيا", "سميرة", "زهرا", "زهراء", "فاطمه", "مهناز", "شهناز", "ناهيد", "پروین",
              "سوسن", "نادين", "غادة", "بشرى", "بشري", "ضحى", "سارا", "سارة", "رغد", "وداد", "نهاد", "سمر",
              "عبير", "اعتدال", "پروين", "فردوس", "منال", "ابتهال", "امل", "أمل", "نسيبة"}
_MALE_ENDING_TA = {"حمزة", "اسامة", "أسامة", "طلحة", "عبيدة", "معاوية", "عطية", "عكرمة", "عروة", "قتادة", "حذيفة",
                   "خليفة", "عقبة", "جبلة", "ربيعة", "مسلمة", "سلامة", "عمارة", "حمادة", "عبادة", "شحاتة", "بوعلامة"}
_ARABIC = re.compile(r"^[\u0600-\u06FF]+$")
_LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ'’\-]+$")

# Not in the source: common European name parts (hand-written), Latin script with usual variant spellings.
EUROPEAN = {
    "given_m": [["Jan"], ["Peter", "Petr"], ["Martin"], ["Marek"], ["Tomas", "Tomáš", "Thomas"], ["Lukas", "Lukáš"],
                ["Michal", "Michael"], ["Jozef", "Josef"], ["Milan"], ["Pavol", "Pavel", "Paul"], ["Andrej", "Andrei"],
                ["Stefan", "Štefan", "Stephan"], ["Juraj", "Georg"], ["Miroslav"], ["Ivan"], ["Dmitri", "Dmitry"],
                ["Luca"], ["Marco"], ["Jean"], ["Pierre"], ["Karim"], ["Nikola", "Nicola"], ["Aleksandar", "Alexander"],
                ["Goran"], ["Viktor", "Victor"], ["Erik", "Eric"], ["Johan", "Johann"], ["Sergei", "Sergey"]],
    "given_f": [["Anna"], ["Maria", "Mária"], ["Eva"], ["Zuzana"], ["Katarina", "Katarína", "Catherine"],
                ["Jana"], ["Elena", "Helena"], ["Ivana"], ["Petra"], ["Sofia", "Sophia"], ["Lucia"], ["Natalia"],
                ["Olga"], ["Marta", "Martha"]],
    "family": [["Novak", "Novák"], ["Horvath", "Horváth"], ["Kovac", "Kováč", "Kovach"], ["Varga"], ["Toth", "Tóth"],
               ["Nagy"], ["Balaz", "Baláž"], ["Molnar", "Molnár"], ["Hudak", "Hudák"], ["Kral", "Král"],
               ["Petrovic", "Petrović"], ["Jovanovic", "Jovanović"], ["Popescu"], ["Ivanov"], ["Petrov"],
               ["Kowalski"], ["Nowak"], ["Rossi"], ["Bianchi"], ["Dubois"], ["Moreau"], ["Muller", "Müller", "Mueller"],
               ["Schmidt"], ["Fischer"], ["Weber"], ["Janssen"], ["Garcia", "García"], ["Fernandez", "Fernández"],
               ["Lopez", "López"], ["Silva"], ["Nielsen"], ["Lindqvist", "Lindquist"]],
}


def _join_ar(tokens: list[str]) -> list[str]:
    out: list[str] = []
    carry = ""
    for tok in tokens:
        if tok in _AR_JOIN_PREV and out and not carry:
            out[-1] = f"{out[-1]} {tok}"
            continue
        if tok in _AR_JOIN_NEXT:
            carry = f"{carry} {tok}".strip()
            continue
        out.append(f"{carry} {tok}".strip())
        carry = ""
    if carry:
        out.append(carry)
    return out


def _join_lat(tokens: list[str]) -> list[str]:
    out: list[str] = []
    carry = ""
    for tok in tokens:
        if tok.lower() in _LAT_JOIN_PREV and out and not carry:
            out[-1] = f"{out[-1]} {tok}"
            continue
        if tok.lower() in _LAT_JOIN_NEXT:
            carry = f"{carry} {tok}".strip()
            continue
        out.append(f"{carry} {tok}".strip())
        carry = ""
    if carry:
        out.append(carry)
    return out


def _sex(part: str) -> str:
    if part in _FEMALE_AR:
        return "f"
    if part.endswith("ة") and part not in _MALE_ENDING_TA and " " not in part:
        return "f"
    return "m"


def build(data: Path) -> dict[str, object]:
    # (group, slot, arabic part) -> Latin spelling -> persons; and the persons using the part.
    spellings: dict[tuple[str, str, str], collections.Counter[str]] = collections.defaultdict(collections.Counter)
    persons: dict[tuple[str, str, str], set[str]] = collections.defaultdict(set)
    with (data / "names-dev.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            country = row["country"]
            group = ("arabic" if country in ARAB_COUNTRIES
                     else "persian_south_asian" if country in PERSIAN_SOUTH_ASIAN else None)
            if group is None:
                continue
            ar = _join_ar([t for t in row["arabic"].split() if t not in _TITLES_AR])
            lat = _join_lat([t for t in row["latin"].replace(",", " ").split() if t.lower() not in _TITLES_LAT])
            if not ar or len(ar) != len(lat):
                continue
            if not all(_ARABIC.match(p.replace(" ", "")) for p in ar):
                continue
            if not all(_LATIN.match(p.replace(" ", "")) for p in lat):
                continue
            for index, (a, latin) in enumerate(zip(ar, lat, strict=True)):
                slot = "family" if len(ar) > 1 and index == len(ar) - 1 else "given"
                key = (group, slot, a)
                spellings[key][latin] += 1
                persons[key].add(row["arabic"])
    out: dict[str, dict[str, list[dict[str, object]]]] = {}
    for group in ("arabic", "persian_south_asian"):
        slots: dict[str, list[dict[str, object]]] = {"given_m": [], "given_f": [], "family": []}
        for (grp, slot, part), counter in sorted(spellings.items(), key=lambda kv: -len(persons[kv[0]])):
            if grp != group or len(persons[(grp, slot, part)]) < MIN_PERSONS:
                continue
            total = sum(counter.values())
            latin = [s for s, n in counter.most_common(MAX_SPELLINGS) if n >= 2 and n / total >= 0.05]
            if not latin:
                continue
            target = slot if slot == "family" else f"given_{_sex(part)}"
            if len(slots[target]) < LIMITS[target]:
                slots[target].append({"ar": part, "latin": latin})
        out[group] = slots
    out["european"] = {slot: [{"ar": None, "latin": forms} for forms in parts] for slot, parts in EUROPEAN.items()}
    return {
        "about": ("Name PARTS for the fictitious demo persons (never full names). Arabic and Persian/South Asian "
                  "parts with their attested Latin spellings, aligned word by word from names-dev.tsv (Wikidata "
                  "labels CC0 and Algerian name corpora, via arabic-name-romanizer 0.2.0, MIT), keeping only parts "
                  f"used by at least {MIN_PERSONS} distinct persons; European parts hand-written. "
                  "Rebuild with scripts/build_demo_name_parts.py."),
        "groups": out,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    args = parser.parse_args()
    table = build(args.data)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    groups = table["groups"]
    assert isinstance(groups, dict)
    for name, slots in groups.items():
        print(name, {slot: len(parts) for slot, parts in slots.items()})
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
