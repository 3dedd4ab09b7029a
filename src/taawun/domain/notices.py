"""Notices and diffusions: their types, workflow states and the data each type needs.

Pure rules, no I/O: the service layer feeds a notice's data and its subject record in and gets
back the list of what is missing, so the API, the CLI and the reviewers' pre-check agree on one
definition of "complete enough to submit".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from pydantic import Field

from taawun.domain.messages import N_, Message
from taawun.domain.models import LongText, PartialDate, Restriction, ShortText, Strict

NOTICE_PERIOD_DAYS = 5 * 365  # a notice is reviewed (expires) five years after publication
EXPIRY_WARNING_DAYS = 30


class NoticeType(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"
    BLACK = "black"
    GREEN = "green"
    ORANGE = "orange"
    PURPLE = "purple"
    UN_SPECIAL = "un_special"


class NoticeStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    PUBLISHED = "published"
    REFUSED = "refused"
    RETURNED = "returned"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class ReviewDecision(StrEnum):
    PUBLISH = "publish"
    REFUSE = "refuse"
    RETURN = "return"


class ChecklistItem(StrEnum):
    NEUTRALITY = "neutrality"  # INTERPOL Constitution Art. 3: nothing political, military, religious or racial
    HUMAN_RIGHTS = "human_rights"
    MINIMUM_DATA = "minimum_data"
    DATA_QUALITY = "data_quality"


class ChecklistMark(StrEnum):
    PASS = "pass"
    FAIL = "fail"


class DiffusionRequest(StrEnum):
    ARREST = "arrest"
    LOCATE = "locate"
    INFORMATION = "information"


# What whoever meets the subject is asked to do, by notice type (screening shows it on a hit).
ACTIONS: dict[NoticeType, str] = {
    NoticeType.RED: "arrest",
    NoticeType.YELLOW: "locate",
    NoticeType.BLUE: "locate/inform",
    NoticeType.BLACK: "inform",
    NoticeType.GREEN: "inform/alert",
    NoticeType.ORANGE: "inform/alert",
    NoticeType.PURPLE: "inform",
    NoticeType.UN_SPECIAL: "apply sanctions/inform",
}

# Which record kinds a notice of each type may be about, and whether a subject is required.
SUBJECT_KINDS: dict[NoticeType, tuple[frozenset[str], bool]] = {
    NoticeType.RED: (frozenset({"person"}), True),
    NoticeType.YELLOW: (frozenset({"person"}), True),
    NoticeType.BLUE: (frozenset({"person"}), True),
    NoticeType.GREEN: (frozenset({"person", "organisation"}), True),
    NoticeType.ORANGE: (frozenset({"person", "organisation", "case", "vehicle", "firearm"}), True),
    NoticeType.PURPLE: (frozenset({"case", "organisation", "vehicle", "firearm"}), False),
    NoticeType.BLACK: (frozenset({"person", "case"}), False),
    NoticeType.UN_SPECIAL: (frozenset({"person", "organisation"}), True),
}

# Only these types may carry a public extract (wanted and missing persons).
PUBLIC_EXTRACT_TYPES = frozenset({NoticeType.RED, NoticeType.YELLOW})

# Statuses in which a notice still stands (for duplicate detection).
OPEN_STATUSES = frozenset({NoticeStatus.SUBMITTED, NoticeStatus.UNDER_REVIEW, NoticeStatus.PUBLISHED,
                           NoticeStatus.RETURNED})


class Warrant(Strict):
    """The judicial basis of a red notice: without it there is no arrest to request."""

    type: str | None = Field(default=None, pattern="^(arrest_warrant|judicial_decision)$")
    date: PartialDate | None = None
    issuing_authority: ShortText | None = None
    charges: list[ShortText] = Field(default_factory=list, max_length=30)


class NoticeData(Strict):
    """Every field a notice of some type may carry; which ones are required depends on the type."""

    summary: LongText | None = None
    warrant: Warrant | None = None
    information_sought: LongText | None = None
    circumstances: LongText | None = None
    last_seen_date: PartialDate | None = None
    last_seen_place: ShortText | None = None
    found_date: PartialDate | None = None
    found_place: ShortText | None = None
    description: LongText | None = None
    threat: LongText | None = None
    modus_operandi: LongText | None = None
    unsc_reference: ShortText | None = None
    photo_ref: ShortText | None = None


class NoticeIn(Strict):
    type: NoticeType
    subject_id: str | None = Field(default=None, max_length=36)
    data: NoticeData = Field(default_factory=NoticeData)
    restriction: Restriction = Field(default_factory=Restriction)
    public_extract: bool = False


class NoticePatch(Strict):
    subject_id: str | None = Field(default=None, max_length=36)
    data: NoticeData | None = None
    restriction: Restriction | None = None
    public_extract: bool | None = None


def _missing(field: str, template: str, **params: Any) -> dict[str, str]:
    """One missing item; ``template`` is marked with N_ where it is written, and shown translated on pages."""
    return {"field": field, "message": Message(template, **params)}


_KIND_WORDS = {"person": N_("person"), "travel_document": N_("travel document"), "vehicle": N_("vehicle"),
               "firearm": N_("firearm"), "organisation": N_("organisation"), "case": N_("case"), "link": N_("link")}


def _kind_words(kinds: Iterable[str]) -> Message:
    """Record kinds as a list of words, each translatable on its own (the template itself has no words)."""
    words = [Message(_KIND_WORDS.get(k, k)) for k in sorted(kinds)]
    template = ", ".join(f"%(k{i})s" for i in range(len(words)))
    return Message(template, **{f"k{i}": w for i, w in enumerate(words)})


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


_TYPE_FIELDS: dict[NoticeType, list[tuple[str, str]]] = {
    NoticeType.YELLOW: [
        ("circumstances", N_("the circumstances of the disappearance are required")),
        ("last_seen_date", N_("the date the person was last seen is required")),
        ("last_seen_place", N_("the place the person was last seen is required")),
    ],
    NoticeType.BLUE: [("information_sought", N_("say what information on identity, location or activities is sought"))],
    NoticeType.BLACK: [
        ("found_date", N_("the date the body was found is required")),
        ("found_place", N_("the place the body was found is required")),
        ("description", N_("a description of the body (marks, clothing, estimated age) is required")),
    ],
    NoticeType.GREEN: [("summary", N_("describe the criminal activities the warning is about"))],
    NoticeType.ORANGE: [("threat",
                         N_("describe the imminent threat (person, object, event or modus operandi)"))],
    NoticeType.PURPLE: [("modus_operandi", N_("describe the modus operandi, objects, devices or concealment method"))],
    NoticeType.UN_SPECIAL: [("unsc_reference",
                             N_("the UN Security Council sanctions committee reference is required"))],
}


def _red_requirements(data: NoticeData) -> list[dict[str, str]]:
    warrant = data.warrant
    if warrant is None:
        return [_missing("data.warrant", N_("a red notice needs an arrest warrant or judicial decision"))]
    out = []
    if warrant.type is None:
        out.append(_missing("data.warrant.type", N_("say whether it is an arrest_warrant or a judicial_decision")))
    if warrant.date is None:
        out.append(_missing("data.warrant.date", N_("the date of the warrant or decision is required")))
    if warrant.issuing_authority is None:
        out.append(_missing("data.warrant.issuing_authority", N_("the issuing judicial authority is required")))
    if not warrant.charges:
        out.append(_missing("data.warrant.charges", N_("at least one charge is required")))
    return out


def _person_identity(subject: dict[str, Any]) -> list[dict[str, str]]:
    """Enough to tell the wanted person from a namesake: a name and a birth date, document or description."""
    out = []
    if not subject.get("names"):
        out.append(_missing("subject.names", N_("the subject needs a name")))
    if not (subject.get("birth_date") or subject.get("identifiers") or subject.get("description")):
        out.append(_missing("subject.birth_date",
                            N_("to avoid a false arrest the subject needs a birth date, a document number or a "
                               "description")))
    return out


def missing_data(notice_type: NoticeType, data: NoticeData, subject: dict[str, Any] | None) -> list[dict[str, str]]:
    """What a notice of this type still lacks before it can be submitted (empty when complete).

    ``subject`` is the subject record's payload with ``kind`` (None when there is none).
    """
    out: list[dict[str, str]] = []
    kinds, required = SUBJECT_KINDS[notice_type]
    if subject is None:
        if required:
            out.append(_missing("subject_id", N_("this type of notice needs a subject record (%(kinds)s)"),
                                kinds=_kind_words(kinds)))
    elif subject.get("kind") not in kinds:
        out.append(_missing("subject_id", N_("the subject of this type of notice is one of: %(kinds)s; not a %(kind)s"),
                            kinds=_kind_words(kinds), kind=_kind_words([str(subject.get("kind"))])))
    if notice_type == NoticeType.RED:
        out.extend(_red_requirements(data))
        if subject is not None and subject.get("kind") == "person":
            out.extend(_person_identity(subject))
    for field, message in _TYPE_FIELDS.get(notice_type, []):
        if _empty(getattr(data, field)):
            out.append(_missing(f"data.{field}", message))
    return out


def expiry_from(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=NOTICE_PERIOD_DAYS)
