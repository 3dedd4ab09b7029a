"""Request-scoped dependencies: one transaction per request, and the caller's identity."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Connection, Engine

from taawun.access.actor import Actor
from taawun.access.identity import authenticate, authenticate_with_feed
from taawun.domain.errors import NotAuthenticated
from taawun.store.db import quick_read

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def transaction(request: Request) -> Iterator[Connection]:
    """Everything a request does commits together or not at all."""
    with engine_of(request).begin() as conn:
        yield conn


# scope="function": the transaction commits when the route function returns, before the response is sent.
# With the default (request) scope FastAPI runs a yield dependency's exit after sending the response, so a
# client could be told 201 for a record not yet committed (or never, if the commit fails), and another
# worker asked at once would not see it yet.
Conn = Annotated[Connection, Depends(transaction, scope="function")]


def identify(request: Request, conn: Connection, token: str | None) -> Actor:
    """The caller behind the bearer token, remembered on the request (logout revokes that token)."""
    if not token:
        raise NotAuthenticated("this call needs a bearer token (POST /api/v1/auth/token to get one)")
    actor, token_id = authenticate(conn, token)
    request.state.actor = actor
    request.state.token_id = token_id
    return actor


def identify_with_feed(request: Request, conn: Connection, token: str | None) -> tuple[Actor, int]:
    """`identify`, and the change feed's newest number from the same statement (for screenings)."""
    if not token:
        raise NotAuthenticated("this call needs a bearer token (POST /api/v1/auth/token to get one)")
    actor, token_id, feed_seq = authenticate_with_feed(conn, token)
    request.state.actor = actor
    request.state.token_id = token_id
    return actor, feed_seq


def current_actor(request: Request, conn: Conn, token: Annotated[str | None, Depends(oauth2)]) -> Actor:
    return identify(request, conn, token)


CurrentActor = Annotated[Actor, Depends(current_actor)]


def actor_without_transaction(request: Request, token: Annotated[str | None, Depends(oauth2)]) -> Actor:
    """For routes that run their own transactions (screening, long batches): authenticate and let go of the
    database. Checking a token only reads, so it takes no write lock (on SQLite, BEGIN instead of BEGIN
    IMMEDIATE): a screening then waits for the write lock once, for its own writes, not twice."""
    with quick_read(engine_of(request)) as conn:
        return identify(request, conn, token)


ActorOnly = Annotated[Actor, Depends(actor_without_transaction)]
