"""What the operator does from the command line: manage users and tokens on the system's authority.

The CLI runs on the server with direct access to the database, so it acts as the GS system account
(``SYSTEM``) rather than as a logged-in user; every action is still written to the audit log under
that account, so an operator's changes are as traceable as a user's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select

from taawun.access import audit, identity, reference
from taawun.access.actor import SYSTEM, Actor
from taawun.domain.enums import Role
from taawun.domain.errors import InvalidInput, NotFound
from taawun.store import accounts as store
from taawun.store.tables import tokens


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise InvalidInput("unknown role '%(role)s'; a role is one of %(known)s", role=value, known=known) from None


def parse_org(conn: Connection, value: str) -> str:
    code = value.strip().upper()
    if not reference.organisation_exists(conn, code):
        raise InvalidInput("unknown organisation '%(org)s'; use an ISO 3166 alpha-3 member code, GS, or a partner "
                           "code such as UN", org=value)
    return code


def add_user(conn: Connection, *, org: str, role: str, username: str, password: str) -> str:
    return identity.add_user(conn, SYSTEM, username=username, org_code=parse_org(conn, org), role=parse_role(role),
                             password=password)


def list_users(conn: Connection, org: str) -> list[dict[str, Any]]:
    return store.users_of(conn, parse_org(conn, org))


def issue_token_for(conn: Connection, username: str, hours: float, label: str | None) -> identity.IssuedToken:
    """A bearer token for ``username``, e.g. for a script or a machine; the operator's part is audited too."""
    user = store.user_by_username(conn, username)
    if user is None:
        raise NotFound("no user named '%(username)s'", username=username)
    if not user["active"]:
        raise InvalidInput("the account '%(username)s' is disabled", username=username)
    issued = identity.issue_token(conn, identity.actor_for(conn, user), dt.timedelta(hours=hours), label)
    audit.record(conn, SYSTEM, "auth.token_issued_by_cli", issued.token_id, username=username)
    return issued


def acting_user(conn: Connection, username: str, org: str | None = None) -> Actor:
    """The user a command acts as (e.g. the officer a file import is made by); ``org``, when given,
    must be that user's organisation, a guard against importing under the wrong country."""
    user = store.user_by_username(conn, username)
    if user is None:
        raise NotFound("no user named '%(username)s'", username=username)
    if not user["active"]:
        raise InvalidInput("the account '%(username)s' is disabled", username=username)
    if org is not None and parse_org(conn, org) != user["org_code"]:
        raise InvalidInput("%(username)s belongs to %(org)s, not %(given)s", username=username,
                           org=user["org_code"], given=org.upper())
    return identity.actor_for(conn, user)


def revoke_token(conn: Connection, token_id: str) -> None:
    row = conn.execute(select(tokens.c.id, tokens.c.revoked_at).where(tokens.c.id == token_id)).first()
    if row is None:
        raise NotFound("no token with id '%(id)s'", id=token_id)
    if row.revoked_at is not None:
        raise InvalidInput("token %(id)s was already revoked", id=token_id)
    store.revoke_token(conn, token_id, audit.utcnow())
    audit.record(conn, SYSTEM, "auth.token_revoked", token_id, by="cli")
