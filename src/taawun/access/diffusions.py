"""The gate for diffusions: alerts sent straight to chosen members, their replies and withdrawal.

A diffusion is seen by its sender and its recipients only (anyone else: 404). Forwarding someone
else's record must respect the owner's choices: H2 records are not passed on, and every recipient
must be allowed to see the record by its restriction. Each step is audited and lands in the inbox.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from taawun.access import audit
from taawun.access.actor import Actor
from taawun.access.policy import Audience, can_pass_on, can_see, require
from taawun.domain.enums import OrgKind, Role
from taawun.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from taawun.domain.messages import Message
from taawun.domain.world import is_member
from taawun.store import accounts as account_store
from taawun.store import diffusions as store
from taawun.store.records import RecordRow
from taawun.store.screening import insert_notifications

Diffusion = dict[str, Any]


def _check_id(diffusion_id: str) -> None:
    try:
        uuid.UUID(diffusion_id)
    except ValueError:
        raise NotFound("no diffusion '%(id)s'", id=diffusion_id[:40]) from None


class DiffusionAccess:
    def __init__(self, conn: Connection, actor: Actor) -> None:
        self.conn = conn
        self.actor = actor

    def _recipients(self, members: Sequence[str], regions: Sequence[str]) -> dict[str, frozenset[str]]:
        """Recipient member → its regions (to check what each may see)."""
        by_region = account_store.all_regions(self.conn)
        regions_of: dict[str, set[str]] = {}
        for region, orgs in by_region.items():
            for org in orgs:
                regions_of.setdefault(org, set()).add(region)
        unknown = [m for m in members if not is_member(m)]
        if unknown:
            raise InvalidInput("%(code)s is not a member", [{"field": "members", "message": Message("unknown member")}],
                               code=unknown[0])
        chosen = set(members) | {o for r in regions for o in by_region.get(r, []) if is_member(o)}
        chosen.discard(self.actor.org_code)
        if not chosen:
            raise InvalidInput("a diffusion needs at least one recipient other than yourself",
                               [{"field": "members", "message": Message("no recipient")}])
        return {org: frozenset(regions_of.get(org, set())) for org in sorted(chosen)}

    def send(self, row: RecordRow, snapshot: dict[str, Any], request: str, message: str | None,
             members: Sequence[str], regions: Sequence[str]) -> Diffusion:
        require(self.actor, "write")
        if not can_pass_on(self.actor, row.owner, row.handling):
            raise Forbidden("record %(id)s is under handling code H2: only its owner %(owner)s may pass it on",
                            id=row.id, owner=row.owner)
        recipients = self._recipients(members, regions)
        if row.owner != self.actor.org_code:
            audience = Audience.from_json(row.restriction_mode, row.restriction)
            blocked = [org for org, org_regions in recipients.items() if not can_see(
                Actor("", "", org, OrgKind.MEMBER, Role.ANALYST, org_regions), row.owner, audience)]
            if blocked:
                raise InvalidInput("the owner %(owner)s does not share this record with %(blocked)s",
                                   [{"field": "members", "message": Message("%(org)s may not see the record", org=org)}
                                    for org in blocked], owner=row.owner, blocked=", ".join(blocked))
        now = audit.utcnow()
        values: Diffusion = {
            "id": str(uuid.uuid4()), "sender_org": self.actor.org_code, "created_by": self.actor.user_id,
            "created_at": now, "record_id": row.id, "request": request, "message": message,
            "targets": {"members": sorted(set(members)), "regions": sorted(set(regions))}, "record": snapshot,
            "status": "active", "withdrawn_at": None, "withdrawn_reason": None,
        }
        store.insert_diffusion(self.conn, values, list(recipients))
        self._notify(list(recipients), "diffusion", values["id"], {"request": request})
        audit.record(self.conn, self.actor, "diffusion.send", values["id"], record_id=row.id, request=request,
                     recipients=list(recipients))
        return values

    def _notify(self, orgs: Sequence[str], kind: str, diffusion_id: str, detail: dict[str, Any]) -> None:
        now = audit.utcnow()
        insert_notifications(self.conn, [{
            "id": str(uuid.uuid4()), "org_code": org, "type": kind, "hit_id": None, "record_id": None,
            "from_org": self.actor.org_code, "at": now, "read": False,
            "detail": {"diffusion_id": diffusion_id, **detail}} for org in orgs])

    def _load(self, diffusion_id: str) -> tuple[Diffusion, list[str]]:
        _check_id(diffusion_id)
        found = store.get_diffusion(self.conn, diffusion_id)
        if found is None:
            raise NotFound("no diffusion %(id)s", id=diffusion_id)
        recipients = store.recipients_of(self.conn, diffusion_id)
        if self.actor.org_code != found["sender_org"] and self.actor.org_code not in recipients:
            raise NotFound("no diffusion %(id)s", id=diffusion_id)
        return found, recipients

    def get(self, diffusion_id: str) -> tuple[Diffusion, list[str], list[dict[str, Any]]]:
        """The diffusion, its recipients and the replies the caller may read (the sender: all; a recipient: its own)."""
        require(self.actor, "read")
        found, recipients = self._load(diffusion_id)
        sender = self.actor.org_code == found["sender_org"]
        replies = store.replies_of(self.conn, diffusion_id, None if sender else self.actor.org_code)
        audit.record(self.conn, self.actor, "diffusion.read", diffusion_id)
        return found, recipients, replies

    def find(self, limit: int) -> list[Diffusion]:
        require(self.actor, "read")
        rows = store.for_org(self.conn, self.actor.org_code, limit)
        audit.record(self.conn, self.actor, "diffusion.list", None, returned=[d["id"] for d in rows])
        return rows

    def reply(self, diffusion_id: str, text: str) -> dict[str, Any]:
        found, recipients = self._load(diffusion_id)  # 404 before 403: a stranger learns nothing
        require(self.actor, "write")
        if self.actor.org_code not in recipients:
            raise Forbidden("only the recipients of a diffusion reply to it")
        if found["status"] != "active":
            raise Conflict("this diffusion was withdrawn by its sender")
        values = {"id": str(uuid.uuid4()), "diffusion_id": diffusion_id, "from_org": self.actor.org_code,
                  "by_user": self.actor.user_id, "at": audit.utcnow(), "text": text}
        store.insert_reply(self.conn, values)
        self._notify([found["sender_org"]], "diffusion_reply", diffusion_id, {"reply_id": values["id"]})
        audit.record(self.conn, self.actor, "diffusion.reply", diffusion_id, reply_id=values["id"])
        return values

    def withdraw(self, diffusion_id: str, reason: str | None) -> None:
        found, recipients = self._load(diffusion_id)
        if self.actor.org_code != found["sender_org"] or self.actor.role != Role.OFFICER:
            raise Forbidden("only the sender's officers withdraw a diffusion")
        if not store.withdraw(self.conn, diffusion_id, {"withdrawn_at": audit.utcnow(), "withdrawn_reason": reason}):
            raise Conflict("this diffusion is already withdrawn")
        self._notify(recipients, "diffusion_withdrawn", diffusion_id, {})
        audit.record(self.conn, self.actor, "diffusion.withdraw", diffusion_id, reason=reason)
