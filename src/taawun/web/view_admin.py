"""User administration for an organisation's administrators (their own organisation only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from taawun.access import identity
from taawun.access.actor import Actor
from taawun.access.policy import require
from taawun.domain.enums import OrgKind, Role
from taawun.domain.errors import InvalidInput
from taawun.web import accounts, i18n
from taawun.web.i18n import N_
from taawun.web.pages import Page, can, register
from taawun.web.render import render
from taawun.web.routing import WebActor, WebRoute, begin

router = APIRouter(route_class=WebRoute)
register(Page("users", "/admin/users", N_("Users"), order=80, allowed=can("manage_users")))


def _roles(actor: Actor) -> list[str]:
    return [r.value for r in Role if r != Role.REVIEWER or actor.org_kind == OrgKind.GS]


def _page(request: Request, actor: Actor, values: dict[str, Any], errors: list[dict[str, str]] | None = None,
          created: str | None = None, status: int = 200) -> Response:
    with begin(request) as conn:
        users = accounts.users_of_own_organisation(conn, actor)
    return render(request, "users.html", {"users": users, "values": values, "errors": errors or [],
                                          "roles": _roles(actor), "created": created}, status=status)


@router.get("/admin/users")
def users_page(request: Request, actor: WebActor, created: str | None = None) -> Response:
    require(actor, "manage_users")
    return _page(request, actor, {"username": "", "role": "frontline", "language": request.state.lang},
                 created=created if created and len(created) <= 64 else None)


@router.post("/admin/users")
def add_user(request: Request, actor: WebActor, username: Annotated[str, Form(max_length=64)] = "",
             role: Annotated[str, Form(max_length=16)] = "", password: Annotated[str, Form(max_length=1000)] = "",
             language: Annotated[str, Form(max_length=5)] = "en") -> Response:
    require(actor, "manage_users")
    values = {"username": username.strip(), "role": role, "language": language}
    try:
        with begin(request) as conn:
            identity.add_user(conn, actor, username=values["username"], org_code=actor.org_code,
                              role=Role(role) if role in {r.value for r in Role} else Role.FRONTLINE,
                              password=password, language=language if language in i18n.LANGUAGES else "en")
    except InvalidInput as exc:
        return _page(request, actor, values, exc.errors or [{"field": "", "message": exc.detail}], status=422)
    return RedirectResponse(f"/admin/users?created={values['username']}", status_code=303)
