"""Who someone is: passwords (argon2id), bearer tokens (random, stored hashed), lockout, user admin.

Tokens are 256-bit random strings; only their SHA-256 is stored, so a copy of the database does not
hand out working tokens. A slow hash is not needed for them (unlike passwords) because they are not
guessable, and a fast lookup keeps every API call cheap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection

from taawun.access import audit
from taawun.access.actor import Actor
from taawun.access.policy import require
from taawun.domain import world
from taawun.domain.enums import OrgKind, Role
from taawun.domain.errors import Forbidden, InvalidInput, NotAuthenticated, NotFound
from taawun.domain.messages import Message
from taawun.store import accounts as store

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
DEFAULT_TOKEN_LIFETIME = dt.timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10
_DUMMY_HASH = _hasher.hash("not-a-real-password")
_USERNAME = re.compile(r"[A-Za-z0-9._-]{1,64}")


@dataclass(frozen=True)
class IssuedToken:
    token: str
    token_id: str
    expires_at: dt.datetime


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def actor_for(conn: Connection, user: dict) -> Actor:  # type: ignore[type-arg]
    org = store.organisation(conn, user["org_code"])
    assert org is not None
    return Actor(user["id"], user["username"], user["org_code"], OrgKind(org["kind"]), Role(user["role"]),
                 store.regions_of(conn, user["org_code"]))


def check_password(conn: Connection, username: str, password: str) -> Actor:
    """Verify a login; repeated failures lock the account for a while. Audited either way."""
    # A name no user can have (e.g. with a NUL, which PostgreSQL refuses in text) is simply unknown.
    user = store.user_by_username(conn, username) if _USERNAME.fullmatch(username) else None
    now = audit.utcnow()
    if user is None or not user["active"]:
        _safe_verify(_DUMMY_HASH, password)  # same cost as a real check: no user enumeration by timing
        audit.record(conn, None, "auth.login_failed", None, username=username[:64].replace("\x00", ""),
                     reason="unknown user")
        raise NotAuthenticated("wrong username or password")
    locked_until = _aware(user["locked_until"])
    if locked_until and locked_until > now:
        audit.record(conn, None, "auth.login_refused", user["id"], username=username, reason="locked")
        raise NotAuthenticated("this account is locked after repeated failed logins; try again later")
    if not _safe_verify(user["password_hash"], password):
        failures = user["failed_logins"] + 1
        lock = now + LOCKOUT if failures >= MAX_FAILED_LOGINS else None
        store.update_user(conn, user["id"], failed_logins=0 if lock else failures, locked_until=lock)
        audit.record(conn, None, "auth.login_failed", user["id"], username=username, locked=bool(lock))
        raise NotAuthenticated("wrong username or password")
    if user["failed_logins"] or user["locked_until"]:
        store.update_user(conn, user["id"], failed_logins=0, locked_until=None)
    actor = actor_for(conn, user)
    audit.record(conn, actor, "auth.login", user["id"])
    return actor


def _safe_verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(conn: Connection, actor: Actor, lifetime: dt.timedelta = DEFAULT_TOKEN_LIFETIME,
                label: str | None = None) -> IssuedToken:
    if lifetime <= dt.timedelta(0) or lifetime > dt.timedelta(days=366):
        raise InvalidInput("a token lives between a second and a year")
    token = "tw_" + secrets.token_urlsafe(32)
    now = audit.utcnow()
    token_id = str(uuid.uuid4())
    expires = now + lifetime
    store.insert_token(conn, {"id": token_id, "user_id": actor.user_id, "token_hash": _token_hash(token),
                              "label": label, "created_at": now, "expires_at": expires})
    audit.record(conn, actor, "auth.token_issued", token_id, label=label, expires_at=expires.isoformat())
    return IssuedToken(token, token_id, expires)


def authenticate(conn: Connection, token: str) -> tuple[Actor, str]:
    """The actor behind a bearer token, and the token's id; raises NotAuthenticated."""
    return _checked(store.token_user(conn, _token_hash(token)) if token else None)


def authenticate_with_feed(conn: Connection, token: str) -> tuple[Actor, str, int]:
    """`authenticate`, and the change feed's newest number read by the same statement (a screening needs both
    before it searches; the token is checked exactly as `authenticate` checks it)."""
    row = store.token_user(conn, _token_hash(token), with_feed=True) if token else None
    actor, token_id = _checked(row)
    assert row is not None
    return actor, token_id, int(row["feed_seq"])


def _checked(row: dict[str, Any] | None) -> tuple[Actor, str]:
    if row is None:
        raise NotAuthenticated("invalid token")
    if row["revoked_at"] is not None:
        raise NotAuthenticated("this token was revoked")
    expires_at = _aware(row["expires_at"])
    assert expires_at is not None
    if expires_at <= audit.utcnow():
        raise NotAuthenticated("this token has expired")
    if not row["active"]:
        raise NotAuthenticated("this account is disabled")
    actor = Actor(row["id"], row["username"], row["org_code"], OrgKind(row["org_kind"]), Role(row["role"]),
                  row["regions"])
    return actor, row["token_id"]


def revoke_token(conn: Connection, actor: Actor, token_id: str) -> None:
    tokens = {t["id"] for t in store.tokens_of(conn, actor.user_id)}
    if token_id not in tokens:
        raise NotFound("no token %(id)s", id=token_id)
    store.revoke_token(conn, token_id, audit.utcnow())
    audit.record(conn, actor, "auth.token_revoked", token_id)


def language_of(conn: Connection, actor: Actor) -> str | None:
    """The interface language saved for the signed-in user's own account."""
    user = store.user_by_id(conn, actor.user_id)
    return str(user["language"]) if user else None


def set_language(conn: Connection, actor: Actor, language: str) -> None:
    """Each user chooses their own language (no role needed: it changes nothing anyone else sees)."""
    if language not in world.LANGUAGES:
        raise InvalidInput("unknown language '%(language)s'",
                           [{"field": "language", "message": Message("ar, en, fr or es")}],
                           language=language[:10])
    if store.user_by_id(conn, actor.user_id) is None:
        raise NotFound("no user %(id)s", id=actor.user_id)
    store.update_user(conn, actor.user_id, language=language)
    audit.record(conn, actor, "user.language", actor.user_id, language=language)


def add_user(conn: Connection, actor: Actor, *, username: str, org_code: str, role: Role, password: str,
             language: str = "en", password_hash: str | None = None) -> str:
    """Admins manage their own organisation's users; the system account manages all.

    ``password_hash`` (from hash_password(password)) lets a bulk set-up whose accounts share one
    published password, such as the demo, pay for the deliberately slow hash once instead of per user."""
    if actor.username != "system":
        require(actor, "manage_users")
        if org_code != actor.org_code:
            raise Forbidden("admins manage only their own organisation's users")
    org = store.organisation(conn, org_code)
    if org is None:
        raise InvalidInput("unknown organisation '%(org)s'", [{"field": "org", "message": Message("unknown")}],
                           org=org_code)
    if role == Role.REVIEWER and org["kind"] != OrgKind.GS.value:
        raise InvalidInput("reviewers belong to the General Secretariat",
                           [{"field": "role", "message": Message("GS only")}])
    if not _USERNAME.fullmatch(username):
        raise InvalidInput("a username is 1-64 letters, digits, '.', '-' or '_'",
                           [{"field": "username", "message": Message("invalid")}])
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("a password has at least %(min)s characters",
                           [{"field": "password", "message": Message("too short")}], min=MIN_PASSWORD_LENGTH)
    if store.user_by_username(conn, username) is not None:
        raise InvalidInput("username '%(username)s' is taken", [{"field": "username", "message": Message("taken")}],
                           username=username)
    user_id = str(uuid.uuid4())
    store.insert_user(conn, {"id": user_id, "username": username, "org_code": org_code, "role": role.value,
                             "password_hash": password_hash or hash_password(password), "active": True,
                             "language": language,
                             "failed_logins": 0, "created_at": audit.utcnow()})
    audit.record(conn, actor, "user.create", user_id, username=username, org=org_code, role=role.value)
    return user_id
