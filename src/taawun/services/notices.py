"""Notice use cases: draft, edit, submit, review, publish, cancel, withdraw, extend, expire.

The workflow is a small state machine; each transition names the statuses it starts from, so an
out-of-turn request (publishing a draft, editing a published notice) is a clear 409 and never a
silent change. The reviewer decides; the pre-check (services/notice_precheck.py) only flags.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Connection

from taawun.access import audit
from taawun.access.actor import SYSTEM, Actor
from taawun.access.notices import NoticeAccess
from taawun.access.records import RecordAccess
from taawun.domain.errors import Conflict, InvalidInput, NotFound
from taawun.domain.messages import N_, Message
from taawun.domain.notices import (
    ACTIONS,
    EXPIRY_WARNING_DAYS,
    PUBLIC_EXTRACT_TYPES,
    ChecklistItem,
    ChecklistMark,
    NoticeData,
    NoticeIn,
    NoticePatch,
    NoticeStatus,
    NoticeType,
    ReviewDecision,
    expiry_from,
    missing_data,
)
from taawun.services.records import row_to_payload
from taawun.store import notices as store
from taawun.store.records import RecordRow

Notice = dict[str, Any]
S = NoticeStatus

EDITABLE = (S.DRAFT, S.RETURNED)
WITHDRAWABLE = (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED)


def _require_status(notice: Notice, allowed: tuple[NoticeStatus, ...], doing: str) -> None:
    """``doing`` is a marked template (N_) so that the sentence can be shown translated."""
    if notice["status"] not in {s.value for s in allowed}:
        raise Conflict("a %(status)s notice cannot be %(doing)s (only %(allowed)s)", status=notice["status"],
                       doing=Message(doing), allowed=", ".join(s.value for s in allowed))


def _subject(conn: Connection, actor: Actor, subject_id: str | None) -> RecordRow | None:
    """The subject record, read through the gate; a notice is only about a record its requester owns."""
    if subject_id is None:
        return None
    try:
        row = RecordAccess(conn, actor).get(subject_id)
    except NotFound:  # unknown, hidden or malformed id: one answer for all
        raise InvalidInput("subject %(id)s does not exist or is not visible to you",
                           [{"field": "subject_id", "message": Message("unknown record")}], id=subject_id) from None
    if row.owner != actor.org_code:
        raise InvalidInput("a notice can only be about a record your organisation owns",
                           [{"field": "subject_id", "message": Message("owned by %(owner)s", owner=row.owner)}])
    return row


def _check_extract(notice_type: str, allowed: bool) -> None:
    if allowed and NoticeType(notice_type) not in PUBLIC_EXTRACT_TYPES:
        raise InvalidInput("only red and yellow notices may have a public extract",
                           [{"field": "public_extract", "message": Message("not for this notice type")}])


def create(conn: Connection, actor: Actor, body: NoticeIn) -> Notice:
    _subject(conn, actor, body.subject_id)
    _check_extract(body.type.value, body.public_extract)
    restriction = body.restriction.model_dump(mode="json")
    now = audit.utcnow()
    values: Notice = {
        "id": str(uuid.uuid4()), "type": body.type.value, "status": S.DRAFT.value, "requester_org": actor.org_code,
        "created_by": actor.user_id, "created_at": now, "updated_at": now, "version": 1,
        "subject_id": body.subject_id, "data": body.data.model_dump(mode="json", exclude_none=True),
        "restriction_mode": restriction.pop("mode"), "restriction": restriction,
        "public_extract_allowed": body.public_extract, "public_extract": None, "submitted_at": None,
        "published_at": None, "expires_on": None, "expiry_warned": False, "review": None,
    }
    NoticeAccess(conn, actor).create(values)
    return values


def get(conn: Connection, actor: Actor, notice_id: str) -> Notice:
    return NoticeAccess(conn, actor).get(notice_id)


def find(conn: Connection, actor: Actor, notice_type: str | None, status: str | None, limit: int) -> list[Notice]:
    return NoticeAccess(conn, actor).find(notice_type, status, limit)


def events(conn: Connection, actor: Actor, notice_id: str) -> list[dict[str, Any]]:
    return NoticeAccess(conn, actor).events(notice_id)


def update(conn: Connection, actor: Actor, notice_id: str, patch: NoticePatch) -> Notice:
    gate = NoticeAccess(conn, actor)
    notice = gate.for_requester(notice_id)
    _require_status(notice, EDITABLE, N_("edited"))
    values: Notice = {}
    given = patch.model_fields_set
    if "subject_id" in given:
        _subject(conn, actor, patch.subject_id)
        values["subject_id"] = patch.subject_id
    if patch.data is not None:
        values["data"] = patch.data.model_dump(mode="json", exclude_none=True)
    if patch.restriction is not None:
        restriction = patch.restriction.model_dump(mode="json")
        values["restriction_mode"] = restriction.pop("mode")
        values["restriction"] = restriction
    if patch.public_extract is not None:
        _check_extract(notice["type"], patch.public_extract)
        values["public_extract_allowed"] = patch.public_extract
    if not values:
        raise InvalidInput("nothing to change", [{"field": "body", "message": Message("empty")}])
    return gate.change(notice, "update", values, detail={"fields": sorted(values)})


def _subject_payload(row: RecordRow | None) -> dict[str, Any] | None:
    return {**row_to_payload(row), "kind": row.kind} if row else None


def submit(conn: Connection, actor: Actor, notice_id: str) -> Notice:
    """Send a draft (or a returned notice, once amended) to the GS, if it has the data its type needs."""
    gate = NoticeAccess(conn, actor)
    notice = gate.for_requester(notice_id)
    _require_status(notice, EDITABLE, N_("submitted"))
    subject = _subject(conn, actor, notice["subject_id"])
    missing = missing_data(NoticeType(notice["type"]), NoticeData.model_validate(notice["data"]),
                           _subject_payload(subject))
    if missing:
        raise InvalidInput("the %(type)s notice is not complete: %(field)s: %(message)s", missing, type=notice["type"],
                           field=missing[0]["field"], message=missing[0]["message"])
    return gate.change(notice, "submit", {"status": S.SUBMITTED.value, "submitted_at": audit.utcnow()})


def start_review(conn: Connection, actor: Actor, notice_id: str) -> Notice:
    gate = NoticeAccess(conn, actor)
    notice = gate.for_reviewer(notice_id)
    _require_status(notice, (S.SUBMITTED,), N_("taken for review"))
    return gate.change(notice, "review_start", {"status": S.UNDER_REVIEW.value})


def _checklist(marks: dict[ChecklistItem, ChecklistMark], decision: ReviewDecision) -> None:
    missing = [i for i in ChecklistItem if i not in marks]
    if missing:
        raise InvalidInput("the reviewer records a decision for every checklist item",
                           [{"field": f"checklist.{i.value}", "message": Message("no decision recorded")}
                            for i in missing])
    failed = [i for i in ChecklistItem if marks[i] == ChecklistMark.FAIL]
    if decision == ReviewDecision.PUBLISH and failed:
        raise InvalidInput("a notice failing a checklist item cannot be published",
                           [{"field": f"checklist.{i.value}", "message": Message("failed")} for i in failed])


def _public_extract(conn: Connection, actor: Actor, notice: Notice) -> dict[str, Any] | None:
    """The four fields a member may make public, fixed at publication (name, photo, charges, nationality)."""
    if not notice["public_extract_allowed"] or NoticeType(notice["type"]) not in PUBLIC_EXTRACT_TYPES:
        return None
    subject = RecordAccess(conn, actor).get(notice["subject_id"]) if notice["subject_id"] else None
    names = (subject.data.get("names") or []) if subject else []
    primary = next((n["full"] for n in names if n.get("type") == "primary"), names[0]["full"] if names else None)
    warrant = notice["data"].get("warrant") or {}
    return {"name": primary, "photo_ref": notice["data"].get("photo_ref"), "charges": warrant.get("charges", []),
            "nationalities": subject.data.get("nationalities", []) if subject else []}


def review(conn: Connection, actor: Actor, notice_id: str, decision: ReviewDecision,
           marks: dict[ChecklistItem, ChecklistMark], notes: dict[str, str], reasons: str | None) -> Notice:
    gate = NoticeAccess(conn, actor)
    notice = gate.for_reviewer(notice_id)
    _require_status(notice, (S.UNDER_REVIEW,), N_("decided (start the review first)"))
    _checklist(marks, decision)
    if decision != ReviewDecision.PUBLISH and not reasons:
        raise InvalidInput("refusing or returning a notice needs reasons",
                           [{"field": "reasons", "message": Message("required")}])
    now = audit.utcnow()
    record = {"decision": decision.value, "by_user": actor.user_id, "at": now.isoformat(), "reasons": reasons,
              "checklist": {i.value: {"mark": marks[i].value, "note": notes.get(i.value)} for i in ChecklistItem}}
    values: Notice = {"review": record}
    if decision == ReviewDecision.PUBLISH:
        values.update(status=S.PUBLISHED.value, published_at=now, expires_on=expiry_from(now.date()),
                      expiry_warned=False, public_extract=_public_extract(conn, actor, notice))
    else:
        values["status"] = (S.REFUSED if decision == ReviewDecision.REFUSE else S.RETURNED).value
    action = {"publish": "publish", "refuse": "refuse", "return": "return"}[decision.value]
    out = gate.change(notice, action, values, reasons, {"checklist": record["checklist"]})
    gate.notify(notice["requester_org"], "notice_decision", notice_id, {"decision": decision.value})
    return out


def cancel(conn: Connection, actor: Actor, notice_id: str, reason: str | None) -> Notice:
    """The requester ends a published notice (the person was arrested, found, the warrant lifted...)."""
    gate = NoticeAccess(conn, actor)
    notice = gate.for_requester(notice_id)
    _require_status(notice, (S.PUBLISHED,), N_("cancelled"))
    return gate.change(notice, "cancel", {"status": S.CANCELLED.value}, reason)


def withdraw(conn: Connection, actor: Actor, notice_id: str, reason: str | None) -> Notice:
    """The requester takes back a request before it is published."""
    gate = NoticeAccess(conn, actor)
    notice = gate.for_requester(notice_id)
    _require_status(notice, WITHDRAWABLE, N_("withdrawn"))
    return gate.change(notice, "withdraw", {"status": S.WITHDRAWN.value}, reason)


def extend(conn: Connection, actor: Actor, notice_id: str, reason: str | None) -> Notice:
    """Another five years from today, after the requester confirms the notice is still needed."""
    gate = NoticeAccess(conn, actor)
    notice = gate.for_requester(notice_id)
    _require_status(notice, (S.PUBLISHED,), N_("extended"))
    new = expiry_from(audit.utcnow().date())
    return gate.change(notice, "extend", {"expires_on": new, "expiry_warned": False}, reason,
                       {"expires_on": new.isoformat()})


def expire_due(conn: Connection, today: dt.date) -> tuple[list[str], list[str]]:
    """The daily job: expire published notices past their date; warn owners 30 days ahead, once.

    Returns (expired ids, warned ids). Runs as the system account, so each step is audited.
    """
    gate = NoticeAccess(conn, SYSTEM)
    expired: list[str] = []
    warned: list[str] = []
    horizon = today + dt.timedelta(days=EXPIRY_WARNING_DAYS)
    for notice in store.published_due(conn, horizon + dt.timedelta(days=1)):
        if notice["expires_on"] <= today:
            gate.change(notice, "expire", {"status": S.EXPIRED.value})
            gate.notify(notice["requester_org"], "notice_expired", notice["id"], {})
            expired.append(notice["id"])
        elif not notice["expiry_warned"]:
            gate.change(notice, "expiry_warning", {"expiry_warned": True})
            gate.notify(notice["requester_org"], "notice_expiring", notice["id"],
                        {"expires_on": notice["expires_on"].isoformat()})
            warned.append(notice["id"])
    return expired, warned


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat() if isinstance(value, dt.date) else value


def view(notice: Notice, actor: Actor) -> dict[str, Any]:
    """A notice as the caller may see it: the review record only for the requester and the GS."""
    iso = _iso
    insider = actor.is_gs or actor.org_code == notice["requester_org"]
    return {
        "id": notice["id"], "type": notice["type"], "status": notice["status"],
        "requester": notice["requester_org"], "created_by": notice["created_by"],
        "created_at": iso(notice["created_at"]), "updated_at": iso(notice["updated_at"]),
        "version": notice["version"], "subject_id": notice["subject_id"], "data": notice["data"],
        "restriction": {"mode": notice["restriction_mode"], **notice["restriction"]},
        "public_extract": notice["public_extract_allowed"], "submitted_at": iso(notice["submitted_at"]),
        "published_at": iso(notice["published_at"]), "expires_on": iso(notice["expires_on"]),
        "action": ACTIONS[NoticeType(notice["type"])] if notice["status"] == S.PUBLISHED.value else None,
        "review": notice["review"] if insider else None,
    }


def event_view(event: dict[str, Any]) -> dict[str, Any]:
    return {"at": _iso(event["at"]), "by_user": event["by_user"], "by_org": event["by_org"],
            "action": event["action"], "from_status": event["from_status"], "to_status": event["to_status"],
            "reason": event["reason"], "detail": event["detail"]}
