"""Account facts the pages need that access/identity.py does not offer yet.

The API's user administration (api/routes_admin.py) reads the users table through the store after
the gate's `require(actor, "manage_users")`; the pages do exactly the same, here and only here, so
that when identity gains `users_of` this file is the one place to change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from taawun.access.actor import Actor
from taawun.access.policy import require
from taawun.store import accounts as store


def users_of_own_organisation(conn: Connection, actor: Actor) -> list[dict[str, Any]]:
    require(actor, "manage_users")
    return [{"id": u["id"], "username": u["username"], "role": u["role"], "active": u["active"],
             "language": u["language"], "locked_until": u["locked_until"], "created_at": u["created_at"]}
            for u in store.users_of(conn, actor.org_code)]
