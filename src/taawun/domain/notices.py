"""Notices and diffusions: their types, workflow states and the data each type needs.

Pure rules, no I/O: the service layer feeds a notice's data and its subject record in and gets
back the list of what is missing, so the API, the CLI and the reviewers' pre-check agree on one
definition of "complete enough to submit".
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import Field

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


def _missing(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


_TYPE_FIELDS: dict[NoticeType, list[tuple[str, str]]] = {
    NoticeType.YELLOW: [
        ("circumstances", "the circumstances of the disappearance are required"),
        ("last_seen_date", "the date the person was last seen is required"),
        ("last_seen_place", "the place the person was last seen is required"),
    ],
    NoticeType.BLUE: [("information_sought", "say what information on identity, location or activities is sought")],
    NoticeType.BLACK: [
        ("found_date", "the date the body was found is required"),
        ("found_place", "the place the body was found is required"),
        ("description", "a description of the body (marks, clothing, estimated age) is required"),
    ],
    NoticeType.GREEN: [("summary", "describe the criminal activities the warning is about")],
    NoticeType.ORANGE: [("threat", "describe the imminent threat (person, object, event or modus operandi)")],
    NoticeType.PURPLE: [("modus_operandi", "describe the modus operandi, objects, devices or concealment method")],
    NoticeType.UN_SPECIAL: [("unsc_reference", "the UN Security Council sanctions committee reference is required")],
}


def _red_requirements(data: NoticeData) -> list[dict[str, str]]:
    warrant = data.warrant
    if warrant is None:
        return [_missing("data.warrant", "a red notice needs an arrest warrant or judicial decision")]
    out = []
    if warrant.type is None:
        out.append(_missing("data.warrant.type", "say whether it is an arrest_warrant or a judicial_decision"))
    if warrant.date is None:
        out.append(_missing("data.warrant.date", "the date of the warrant or decision is required"))
    if warrant.issuing_authority is None:
        out.append(_missing("data.warrant.issuing_authority", "the issuing judicial authority is required"))
    if not warrant.charges:
        out.append(_missing("data.warrant.charges", "at least one charge is required"))
    return out


def _person_identity(subject: dict[str, Any]) -> list[dict[str, str]]:
    """Enough to tell the wanted person from a namesake: a name and a birth date, document or description."""
    out = []
    if not subject.get("names"):
        out.append(_missing("subject.names", "the subject needs a name"))
    if not (subject.get("birth_date") or subject.get("identifiers") or subject.get("description")):
        out.append(_missing("subject.birth_date",
                            "to avoid a false arrest the subject needs a birth date, a document number or a "
                            "description"))
    return out


def missing_data(notice_type: NoticeType, data: NoticeData, subject: dict[str, Any] | None) -> list[dict[str, str]]:
    """What a notice of this type still lacks before it can be submitted (empty when complete).

    ``subject`` is the subject record's payload with ``kind`` (None when there is none).
    """
    out: list[dict[str, str]] = []
    kinds, required = SUBJECT_KINDS[notice_type]
    if subject is None:
        if required:
            out.append(_missing("subject_id", f"a {notice_type.value} notice needs a subject record "
                                              f"({' or '.join(sorted(kinds))})"))
    elif subject.get("kind") not in kinds:
        out.append(_missing("subject_id", f"the subject of a {notice_type.value} notice must be a "
                                          f"{' or '.join(sorted(kinds))}, not a {subject.get('kind')}"))
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
