"""The sharing rules of DESIGN.md, stated once, in Python and as the equivalent SQL condition.

`can_see` decides for one loaded record; `visible_clause` gives the same decision to the database
so that lists and searches page over what the caller may see. Property tests check that the two
agree for random actors and restrictions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, FromClause, and_, exists, false, not_, or_, select, true

from taawun.access.actor import Actor
from taawun.domain.enums import Handling, RecordStatus, RestrictionMode, Role
from taawun.domain.errors import Forbidden
from taawun.domain.messages import N_, Message
from taawun.store.tables import record_audience, records


@dataclass(frozen=True)
class Audience:
    mode: RestrictionMode
    members: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    partners: frozenset[str] = frozenset()

    @classmethod
    def from_json(cls, mode: str, restriction: dict[str, list[str]]) -> Audience:
        return cls(
            RestrictionMode(mode),
            frozenset(restriction.get("members", ())),
            frozenset(restriction.get("regions", ())),
            frozenset(restriction.get("partners", ())),
        )


def can_see(actor: Actor, owner: str, audience: Audience) -> bool:
    """May ``actor`` see a record owned by ``owner`` with this audience?"""
    if actor.org_code == owner or actor.is_gs:
        return True
    if not actor.is_member:  # a partner
        return actor.org_code in audience.partners
    if audience.mode == RestrictionMode.ALL_MEMBERS:
        return True
    named = actor.org_code in audience.members or bool(actor.regions & audience.regions)
    if audience.mode == RestrictionMode.ONLY:
        return named
    return not named  # all_except


def visible_clause(actor: Actor, table: FromClause = records) -> ColumnElement[bool]:
    """SQL condition on ``records`` (or an alias of it) equal to ``can_see`` for every row."""
    if actor.is_gs:
        return true()
    own = table.c.owner == actor.org_code

    def named(entry_type: str, codes: Iterable[str]) -> ColumnElement[bool]:
        codes = list(codes)
        if not codes:
            return false()
        return exists(
            select(record_audience.c.record_id).where(
                record_audience.c.record_id == table.c.id,
                record_audience.c.entry_type == entry_type,
                record_audience.c.code.in_(codes),
            )
        )

    if not actor.is_member:
        return or_(own, named("partner", [actor.org_code]))
    listed = or_(named("member", [actor.org_code]), named("region", actor.regions))
    return or_(
        own,
        table.c.restriction_mode == RestrictionMode.ALL_MEMBERS.value,
        and_(table.c.restriction_mode == RestrictionMode.ONLY.value, listed),
        and_(table.c.restriction_mode == RestrictionMode.ALL_EXCEPT.value, not_(listed)),
    )


def live_clause(include_expired: bool = False) -> ColumnElement[bool]:
    statuses = [RecordStatus.ACTIVE.value]
    if include_expired:
        statuses.append(RecordStatus.EXPIRED.value)
    return records.c.status.in_(statuses)


# What each role may do. Reading shared data is for analysts and officers (and the GS roles);
# frontline officers only screen; admins manage users and read their organisation's audit trail.
_ACTIONS: dict[str, frozenset[Role]] = {
    "read": frozenset({Role.ANALYST, Role.OFFICER, Role.REVIEWER}),
    "export": frozenset({Role.ANALYST, Role.OFFICER, Role.REVIEWER}),
    "write": frozenset({Role.OFFICER}),
    "screen": frozenset({Role.FRONTLINE, Role.ANALYST, Role.OFFICER}),
    "review": frozenset({Role.REVIEWER}),
    "manage_users": frozenset({Role.ADMIN}),
    "read_audit": frozenset({Role.ADMIN, Role.OFFICER, Role.REVIEWER, Role.ANALYST}),
}


# Roles and actions in words, for the refusal's sentence (translated on pages).
ROLE_WORDS = {Role.FRONTLINE: N_("frontline officer"), Role.ANALYST: N_("analyst"), Role.OFFICER: N_("NCB officer"),
              Role.REVIEWER: N_("reviewer"), Role.ADMIN: N_("administrator")}
_ACTION_WORDS = {"read": N_("read"), "export": N_("export"), "write": N_("write"), "screen": N_("screen"),
                 "review": N_("review"), "manage_users": N_("manage users"), "read_audit": N_("read audit")}


def role_word(role: Role) -> Message:
    return Message(ROLE_WORDS.get(role, role.value))


def allowed(actor: Actor, action: str) -> bool:
    return actor.role in _ACTIONS[action]


def require(actor: Actor, action: str) -> None:
    if not allowed(actor, action):
        raise Forbidden("the role %(role)s may not %(action)s", role=role_word(actor.role),
                        action=Message(_ACTION_WORDS[action]))


def can_write_for(actor: Actor, owner: str) -> bool:
    """Only the owner's own officers create or change its records."""
    return allowed(actor, "write") and actor.org_code == owner


def can_pass_on(actor: Actor, owner: str, handling: str) -> bool:
    """H2 forbids passing information on (export, forwarding) without the owner's permission."""
    return handling != Handling.H2.value or actor.org_code == owner
