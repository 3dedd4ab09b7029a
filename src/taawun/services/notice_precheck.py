"""The automatic pre-check a GS reviewer sees before deciding on a notice.

It only flags: wording that often signals a case of a predominantly political, military, religious
or racial character (INTERPOL Constitution, Art. 3), in the four working languages, and notices
that may already exist for the same person. A flag is a reason to look closer, never a decision.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection

from taawun.access.actor import Actor
from taawun.access.notices import NoticeAccess, open_notices, subjects_for_review
from taawun.names import DEFAULT_THRESHOLD, compare

# Category → keywords (English, French, Spanish, Arabic). Matched after case and accent folding.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "offence_against_the_state": (
        "against the state", "state security", "treason", "sedition", "subversion", "undermining the state",
        "atteinte a la surete de l'etat", "trahison", "surete de l'etat",
        "contra el estado", "traicion", "sedicion", "subversion",
        "أمن الدولة", "الخيانة", "قلب نظام الحكم", "تقويض النظام",
    ),
    "opposition_activity": (
        "opposition", "dissident", "anti-government", "disidente", "oposicion", "antigouvernemental",
        "المعارضة", "معارض", "مناهضة الحكومة",
    ),
    "insult_to_officials": (
        "insulting the president", "insulting officials", "insult to", "defamation of the head of state",
        "outrage a", "offense au chef de l'etat", "desacato", "injurias al", "ultraje",
        "إهانة", "الإساءة إلى رئيس", "الإساءة للموظفين",
    ),
    "lese_majeste": (
        "lese-majeste", "lese majeste", "lese majesty", "insulting the king", "lesa majestad",
        "الذات الملكية", "العيب في الذات",
    ),
    "religious_offence": (
        "apostasy", "blasphemy", "heresy", "apostasie", "blaspheme", "apostasia", "blasfemia",
        "الردة", "ازدراء الأديان", "التجديف", "المرتد",
    ),
    "political_party": (
        "political party", "banned party", "parti politique", "partido politico",
        "حزب سياسي", "الانتماء إلى حزب", "حزب محظور",
    ),
    "journalism": (
        "journalist", "journalism", "blogger", "publishing articles", "journaliste", "periodista", "periodismo",
        "صحفي", "صحافي", "الصحافة", "مدون",
    ),
    "protest": (
        "protest", "demonstration", "unauthorised assembly", "unauthorized assembly", "rally",
        "manifestation", "manifestant", "manifestacion", "protesta",
        "مظاهرة", "احتجاج", "تظاهر", "المظاهرات",
    ),
}


def fold(text: str) -> str:
    """Case fold and drop accents and Arabic diacritics, so that 'lèse-majesté' meets 'lese-majeste'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("\u0640", ""))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _pattern(keyword: str) -> re.Pattern[str]:
    folded = re.escape(fold(keyword))
    # Latin words must start at a word boundary ("rally" is not in "morally"); Arabic takes prefixes (و، ب، ال).
    return re.compile(folded if not keyword.isascii() else rf"\b{folded}")


_PATTERNS = {cat: [(kw, _pattern(kw)) for kw in kws] for cat, kws in KEYWORDS.items()}


def _texts(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, f"{path}[{i}]")


def political_flags(data: dict[str, Any]) -> list[dict[str, str]]:
    flags = []
    for field, text in _texts(data, "data"):
        folded = fold(text)
        for category, patterns in _PATTERNS.items():
            for keyword, pattern in patterns:
                if pattern.search(folded):
                    flags.append({"check": "neutrality", "category": category, "field": field, "keyword": keyword})
                    break
    return flags


def _names(row: Any) -> list[str]:
    return [n["full"] for n in (row.data.get("names") or []) if n.get("full")] if row is not None else []


def duplicate_flags(conn: Connection, actor: Actor, notice: dict[str, Any]) -> list[dict[str, Any]]:
    others = [n for n in open_notices(conn, actor) if n["id"] != notice["id"]]
    if notice["subject_id"] is None or not others:
        return []
    subjects = subjects_for_review(conn, actor, [notice["subject_id"], *(n["subject_id"] for n in others)])
    mine = _names(subjects.get(notice["subject_id"]))
    flags: list[dict[str, Any]] = []
    for other in others:
        base = {"check": "duplicate", "notice_id": other["id"], "type": other["type"], "status": other["status"],
                "requester": other["requester_org"]}
        if other["subject_id"] == notice["subject_id"]:
            flags.append({**base, "reason": "same subject record"})
            continue
        best = max((compare(a, b) for a in mine for b in _names(subjects.get(other["subject_id"]))),
                   key=lambda s: s.score, default=None)
        if best is not None and best.score >= DEFAULT_THRESHOLD:
            flags.append({**base, "reason": "similar subject name", "score": round(best.score, 4),
                          "names": [best.a, best.b]})
    return flags


def precheck(conn: Connection, actor: Actor, notice_id: str) -> dict[str, Any]:
    """Flags for the reviewer (GS reviewers only); the decision stays with the reviewer."""
    notice = NoticeAccess(conn, actor).for_reviewer(notice_id)
    political = political_flags(notice["data"])
    duplicates = duplicate_flags(conn, actor, notice)
    return {"notice_id": notice_id, "flags": political + duplicates, "political": political,
            "duplicates": duplicates, "decides": "reviewer"}
