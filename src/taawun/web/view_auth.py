"""Signing in and out, and switching language (on any page, signed in or not)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from taawun.access import identity
from taawun.domain.errors import NotAuthenticated
from taawun.web import i18n
from taawun.web.render import render, tr
from taawun.web.routing import WebActor, WebRoute, begin, web_actor
from taawun.web.security import LANG_COOKIE, SESSION_COOKIE, clear_cookie, safe_next, set_cookie

router = APIRouter(route_class=WebRoute)
YEAR = 366 * 24 * 3600


@router.get("/")
def home(request: Request) -> Response:
    target = "/dashboard" if request.cookies.get(SESSION_COOKIE) else "/login"
    return RedirectResponse(target, status_code=303)


@router.get("/login")
def login_page(request: Request) -> Response:
    return render(request, "login.html", {"username": ""})


@router.post("/login")
def login(request: Request, username: Annotated[str, Form(max_length=200)] = "",
          password: Annotated[str, Form(max_length=1000)] = "") -> Response:
    # Its own transaction, as in the API: a refused login must still commit its failure count
    # (that is what locks an account after repeated failures) and its audit entry.
    with begin(request) as conn:
        try:
            actor = identity.check_password(conn, username, password)
        except NotAuthenticated as exc:
            refused: NotAuthenticated | None = exc
        else:
            refused = None
            issued = identity.issue_token(conn, actor, label="web session")
            language = identity.language_of(conn, actor)
    if refused is not None:
        if "locked" in refused.detail:
            message = tr(request, "This account is locked after repeated failed sign-ins. "
                                       "Try again in 15 minutes or ask your administrator.")
        else:
            message = tr(request, "Wrong username or password.")
        return render(request, "login.html", {"username": username, "error": message}, status=401)
    response = RedirectResponse("/dashboard", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, issued.token)
    # After sign-in the account's own choice wins over whatever this browser showed before.
    if language in i18n.LANGUAGES:
        set_cookie(request, response, LANG_COOKIE, language, max_age=YEAR)
    return response


@router.post("/logout")
def logout(request: Request, actor: WebActor) -> Response:
    with begin(request) as conn:
        identity.revoke_token(conn, actor, request.state.token_id)
    response = RedirectResponse("/login", status_code=303)
    clear_cookie(request, response, SESSION_COOKIE)
    clear_cookie(request, response, LANG_COOKIE)  # the next person on this browser gets their own language
    return response


@router.post("/language")
def switch_language(request: Request, lang: Annotated[str, Form(max_length=5)],
                    back: Annotated[str, Form(max_length=500)] = "/") -> Response:
    """Before sign-in the choice lives in a cookie; signed in, it is also saved to the account."""
    response = RedirectResponse(safe_next(back), status_code=303)
    if lang in i18n.LANGUAGES:
        set_cookie(request, response, LANG_COOKIE, lang, max_age=YEAR)
        if request.cookies.get(SESSION_COOKIE):
            actor = web_actor(request)  # an expired session goes to the sign-in page (WebRoute)
            with begin(request) as conn:
                identity.set_language(conn, actor, lang)
    return response
