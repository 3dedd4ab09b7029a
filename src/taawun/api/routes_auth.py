"""Login, tokens and the caller's identity."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel, Field

from taawun.access import identity
from taawun.api.deps import Conn, CurrentActor, engine_of
from taawun.domain.errors import NotAuthenticated

router = APIRouter(tags=["auth"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: dt.datetime


@router.post("/auth/token", response_model=TokenOut)
def login(request: Request, username: Annotated[str, Form(max_length=200)],
          password: Annotated[str, Form(max_length=1000)]) -> TokenOut:
    """OAuth2 password flow: exchange a username and password for a bearer token."""
    # Not the request-wide transaction: a failed login must still commit its failure count (for the
    # lockout) and its audit entry, whereas an error response rolls the request's transaction back.
    with engine_of(request).begin() as conn:
        try:
            actor = identity.check_password(conn, username, password)
        except NotAuthenticated as exc:
            refused = exc
        else:
            issued = identity.issue_token(conn, actor, label="login")
            return TokenOut(access_token=issued.token, expires_at=issued.expires_at)
    raise refused


class TokenRequest(BaseModel):
    label: str | None = Field(default=None, max_length=100)
    hours: int = Field(default=12, ge=1, le=366 * 24)


@router.post("/auth/tokens", response_model=TokenOut, status_code=201)
def create_token(conn: Conn, actor: CurrentActor, body: TokenRequest) -> TokenOut:
    """A further token for a script or machine, with its own lifetime (up to a year)."""
    issued = identity.issue_token(conn, actor, dt.timedelta(hours=body.hours), body.label)
    return TokenOut(access_token=issued.token, expires_at=issued.expires_at)


@router.post("/auth/logout", status_code=204)
def logout(request: Request, conn: Conn, actor: CurrentActor) -> None:
    """Revoke the token used for this call."""
    identity.revoke_token(conn, actor, request.state.token_id)


@router.delete("/auth/tokens/{token_id}", status_code=204)
def revoke(conn: Conn, actor: CurrentActor, token_id: str) -> None:
    identity.revoke_token(conn, actor, token_id)


@router.get("/me")
def me(actor: CurrentActor) -> dict[str, Any]:
    return {"user_id": actor.user_id, "username": actor.username, "org": actor.org_code,
            "org_kind": actor.org_kind.value, "role": actor.role.value, "regions": sorted(actor.regions)}
