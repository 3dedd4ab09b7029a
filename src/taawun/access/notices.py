"""The gate for notices: who sees one, who may move it along its workflow, and the audit of each step.

Visibility: the requesting member always sees its notices; the GS sees them once submitted (a draft
is the member's own business); everyone else only when published and not restricted from them.
Whatever is hidden is answered with 404, as for records. Every state change is stored as an event
(when, by whom, why) and audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, true

from taawun.access import audit
from taawun.access.actor import Actor
from taawun.access.policy import Audience, allowed, can_see, role_word, visible_clause
from taawun.access.records import sees
from taawun.domain.enums import Role
from taawun.domain.errors import Conflict, Forbidden, NotFound
from taawun.domain.notices import ACTIONS, OPEN_STATUSES, NoticeStatus, NoticeType
from taawun.store import notices as store
from taawun.store import records as record_store
from taawun.store.records import RecordRow
from taawun.store.screening import insert_notifications
from taawun.store.tables import notices

Notice = dict[str, Any]


def _check_id(notice_id: str) -> None:
    try:
        uuid.UUID(notice_id)
    except ValueError:
        raise NotFound("no notice '%(id)s'", id=notice_id[:40]) from None


def can_see_notice(actor: Actor, notice: Notice) -> bool:
    if actor.org_code == notice["requester_org"]:
        return True
    if actor.is_gs:
        return notice["submitted_at"] is not None
    if notice["status"] != NoticeStatus.PUBLISHED.value:
        return False
    return can_see(actor, notice["requester_org"],
                   Audience.from_json(notice["restriction_mode"], notice["restriction"]))


def is_requester(actor: Actor, notice: Notice) -> bool:
    """Only the requesting member's officers change, submit, cancel or extend its notices."""
    return actor.org_code == notice["requester_org"] and allowed(actor, "write")


class NoticeAccess:
    def __init__(self, conn: Connection, actor: Actor) -> None:
        self.conn = conn
        self.actor = actor

    def _load(self, notice_id: str) -> Notice:
        _check_id(notice_id)
        notice = store.get_notice(self.conn, notice_id)
        if notice is None or not can_see_notice(self.actor, notice):
            raise NotFound("no notice %(id)s", id=notice_id)
        return notice

    def get(self, notice_id: str) -> Notice:
        notice = self._load(notice_id)
        audit.record(self.conn, self.actor, "notice.read", notice_id)
        return notice

    def find(self, notice_type: str | None, status: str | None, limit: int) -> list[Notice]:
        where: ColumnElement[bool] = true()
        if notice_type:
            where = where & (notices.c.type == notice_type)
        if status:
            where = where & (notices.c.status == status)
        rows = store.notices_in_sight(self.conn, self.actor.org_code, self.actor.is_gs, where, limit)
        out = [n for n in rows if can_see_notice(self.actor, n)]
        audit.record(self.conn, self.actor, "notice.list", None, type=notice_type, status=status,
                     returned=[n["id"] for n in out])
        return out

    def for_requester(self, notice_id: str) -> Notice:
        notice = self._load(notice_id)
        if not is_requester(self.actor, notice):
            raise Forbidden("only officers of %(org)s may change this notice", org=notice["requester_org"])
        return notice

    def for_reviewer(self, notice_id: str) -> Notice:
        """GS reviewers only, and never on a request from their own organisation."""
        notice = self._load(notice_id)
        if not (self.actor.is_gs and self.actor.role == Role.REVIEWER):
            raise Forbidden("only General Secretariat reviewers review and publish notices")
        if self.actor.org_code == notice["requester_org"]:
            raise Forbidden("a reviewer may not review a request from its own organisation")
        return notice

    def events(self, notice_id: str) -> list[dict[str, Any]]:
        self._load(notice_id)
        audit.record(self.conn, self.actor, "notice.events", notice_id)
        return store.events_of(self.conn, notice_id)

    # --- writes ----------------------------------------------------------------------------
    def _event(self, notice_id: str, action: str, before: str | None, after: str, reason: str | None,
               detail: dict[str, Any], at: dt.datetime) -> None:
        store.insert_event(self.conn, {"notice_id": notice_id, "at": at, "by_user": self.actor.user_id,
                                       "by_org": self.actor.org_code, "action": action, "from_status": before,
                                       "to_status": after, "reason": reason, "detail": detail})
        audit.record(self.conn, self.actor, f"notice.{action}", notice_id, from_status=before, to_status=after,
                     reason=reason, **detail)

    def create(self, values: Notice) -> None:
        if not allowed(self.actor, "write"):
            raise Forbidden("the role %(role)s may not request notices", role=role_word(self.actor.role))
        store.insert_notice(self.conn, values)
        self._event(values["id"], "create", None, values["status"], None, {"type": values["type"]},
                    values["created_at"])

    def change(self, notice: Notice, action: str, values: Notice, reason: str | None = None,
               detail: dict[str, Any] | None = None) -> Notice:
        """Store a step of the workflow (or an edit) with its event; 409 if the notice moved meanwhile."""
        now = audit.utcnow()
        values = {**values, "updated_at": now}
        if not store.update_notice(self.conn, notice["id"], notice["version"], values):
            raise Conflict("notice %(id)s was changed by someone else; reload it and try again", id=notice["id"])
        after = str(values.get("status", notice["status"]))
        self._event(notice["id"], action, notice["status"], after, reason, detail or {}, now)
        return {**notice, **values, "version": notice["version"] + 1}

    def notify(self, org_code: str, kind: str, notice_id: str, detail: dict[str, Any]) -> None:
        if org_code == self.actor.org_code:
            return
        insert_notifications(self.conn, [{
            "id": str(uuid.uuid4()), "org_code": org_code, "type": kind, "hit_id": None, "record_id": None,
            "from_org": self.actor.org_code, "at": audit.utcnow(), "read": False,
            "detail": {"notice_id": notice_id, **detail}}])


def published_notices_for(conn: Connection, actor: Actor, record_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The newest published, unexpired notice on each record that the searcher may see (for screening hits).

    No audit of its own: the screening that asks is audited with its hits.
    """
    out: dict[str, dict[str, Any]] = {}
    for notice in store.published_for_subjects(conn, record_ids, audit.utcnow().date()):
        if notice["subject_id"] in out or not can_see_notice(actor, notice):
            continue
        out[notice["subject_id"]] = {"id": notice["id"], "type": notice["type"],
                                     "action": ACTIONS[NoticeType(notice["type"])]}
    return out


def public_extracts(conn: Connection) -> list[dict[str, Any]]:
    """What anyone may read without logging in: the allowed extracts of published, unrestricted notices."""
    today = audit.utcnow().date()
    rows = store.list_notices(conn, (notices.c.status == NoticeStatus.PUBLISHED.value)
                              & notices.c.public_extract_allowed.is_(True) & (notices.c.expires_on > today)
                              & (notices.c.restriction_mode == "all_members"), limit=1000)
    out = [{"id": n["id"], "type": n["type"], **(n["public_extract"] or {})} for n in rows
           if n["public_extract"] and not n["restriction"].get("partners")]
    audit.record(conn, None, "notice.public_list", None, returned=len(out))
    return out


def subjects_for_review(conn: Connection, actor: Actor, subject_ids: Sequence[str]) -> dict[str, RecordRow]:
    """Subject records of several notices at once, as the reviewer may see them (for duplicate checks)."""
    ids = sorted(set(subject_ids))
    rows = record_store.get_records(conn, ids, visible_clause(actor)) if ids else []
    out = {r.id: r for r in rows if sees(actor, r)}
    audit.record(conn, actor, "notice.subjects", None, returned=sorted(out))
    return out


def open_notices(conn: Connection, actor: Actor, limit: int = 5000) -> list[Notice]:
    """Notices still standing that the actor may see, with a subject (candidates for duplicates)."""
    open_values = [s.value for s in OPEN_STATUSES]
    rows = store.list_notices(conn, notices.c.status.in_(open_values) & notices.c.subject_id.is_not(None), limit)
    return [n for n in rows if can_see_notice(actor, n)]
