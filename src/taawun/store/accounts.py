"""Organisations, regions, users and API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from taawun.store.tables import changes, organisations, region_members, regions, tokens, users


def seed_organisations(conn: Connection, orgs: list[dict[str, Any]], region_rows: list[dict[str, Any]],
                       memberships: list[dict[str, str]]) -> None:
    """Insert reference data once; existing rows are left alone so re-running init is harmless."""
    known = set(conn.execute(select(organisations.c.code)).scalars())
    new_orgs = [o for o in orgs if o["code"] not in known]
    if new_orgs:
        conn.execute(insert(organisations), new_orgs)
    known_regions = set(conn.execute(select(regions.c.code)).scalars())
    new_regions = [r for r in region_rows if r["code"] not in known_regions]
    if new_regions:
        conn.execute(insert(regions), new_regions)
    existing = {(m.region_code, m.org_code) for m in conn.execute(select(region_members))}
    new_members = [m for m in memberships if (m["region_code"], m["org_code"]) not in existing]
    if new_members:
        conn.execute(insert(region_members), new_members)


def organisation(conn: Connection, code: str) -> dict[str, Any] | None:
    row = conn.execute(select(organisations).where(organisations.c.code == code)).mappings().first()
    return dict(row) if row else None


def all_organisations(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(organisations).order_by(organisations.c.code)).mappings()]


_REGIONS_OF = select(region_members.c.region_code).where(region_members.c.org_code == bindparam("org_code"))


def regions_of(conn: Connection, org_code: str) -> frozenset[str]:
    return frozenset(conn.execute(_REGIONS_OF, {"org_code": org_code}).scalars())


def all_regions(conn: Connection) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in conn.execute(select(region_members).order_by(region_members.c.org_code)):
        out.setdefault(row.region_code, []).append(row.org_code)
    return out


def insert_user(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(users), values)


def user_by_username(conn: Connection, username: str) -> dict[str, Any] | None:
    row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
    return dict(row) if row else None


def user_by_id(conn: Connection, user_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    return dict(row) if row else None


def users_of(conn: Connection, org_code: str) -> list[dict[str, Any]]:
    query = select(users).where(users.c.org_code == org_code).order_by(users.c.username)
    return [dict(r) for r in conn.execute(query).mappings()]


def update_user(conn: Connection, user_id: str, **values: Any) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(**values))


def insert_token(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(tokens), values)


def token_by_hash(conn: Connection, token_hash: str) -> dict[str, Any] | None:
    row = conn.execute(select(tokens).where(tokens.c.token_hash == token_hash)).mappings().first()
    return dict(row) if row else None


# Every API call checks its token: one prepared statement (built once, its cache key memoised) reads the
# token, its user, the user's organisation kind and the organisation's regions together (one row per
# region, or one row with no region) instead of four queries: each is a round trip on every request.
_TOKEN_USER = (
    select(tokens.c.id.label("token_id"), tokens.c.revoked_at, tokens.c.expires_at, users.c.id, users.c.username,
           users.c.org_code, users.c.role, users.c.active, organisations.c.kind.label("org_kind"),
           region_members.c.region_code)
    .join(users, users.c.id == tokens.c.user_id)
    .join(organisations, organisations.c.code == users.c.org_code)
    .outerjoin(region_members, region_members.c.org_code == users.c.org_code)
    .where(tokens.c.token_hash == bindparam("token_hash"))
)
# The same with the change feed's newest number (an uncorrelated subquery, evaluated once): a screening checks
# its token and asks how far the feed has gone before every search, and this makes the two one round trip.
_TOKEN_USER_AND_FEED = _TOKEN_USER.add_columns(
    select(func.coalesce(func.max(changes.c.seq), 0)).scalar_subquery().label("feed_seq"))


def token_user(conn: Connection, token_hash: str, *, with_feed: bool = False) -> dict[str, Any] | None:
    """The token with this hash, with its user's id, name, organisation, role, active flag, organisation kind and
    the organisation's regions (``regions``, a frozenset); ``with_feed``: also ``feed_seq``, the change feed's
    newest number, read by the same statement."""
    query = _TOKEN_USER_AND_FEED if with_feed else _TOKEN_USER
    rows = conn.execute(query, {"token_hash": token_hash}).mappings().all()
    if not rows:
        return None
    out = dict(rows[0])
    del out["region_code"]
    out["regions"] = frozenset(r["region_code"] for r in rows if r["region_code"] is not None)
    return out


def tokens_of(conn: Connection, user_id: str) -> list[dict[str, Any]]:
    query = select(tokens).where(tokens.c.user_id == user_id).order_by(tokens.c.created_at)
    return [dict(r) for r in conn.execute(query).mappings()]


def revoke_token(conn: Connection, token_id: str, at: dt.datetime) -> int:
    result = conn.execute(
        update(tokens).where(tokens.c.id == token_id, tokens.c.revoked_at.is_(None)).values(revoked_at=at)
    )
    return int(result.rowcount)
