"""How every page request runs: language, CSRF check, sign-in, errors as pages, security headers.

`WebRoute` wraps each page handler. Errors from the services and the gate (`TaawunError`) become
HTML pages with the same status the API would give (404 for a record the user may not see), and a
missing or expired session becomes a redirect to the sign-in page.

Transactions are opened inside the handlers (`with begin(request) as conn:`) rather than through a
yield dependency: FastAPI runs a dependency's exit after the route handler has returned, so an
error turned into a page here would otherwise commit the half-done work instead of rolling it back.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from sqlalchemy import Connection

from taawun.access.actor import Actor
from taawun.access.identity import authenticate
from taawun.api.deps import engine_of
from taawun.domain.errors import NotAuthenticated, TaawunError
from taawun.web import i18n, pages
from taawun.web.render import render, tr
from taawun.web.security import (
    CSRF_FIELD,
    LANG_COOKIE,
    SESSION_COOKIE,
    add_headers,
    clear_cookie,
    csrf_valid,
)

_MESSAGES = {
    403: i18n.N_("You may not do this with your role."),
    404: i18n.N_("This page or record does not exist, or you may not see it."),
    409: i18n.N_("Someone changed this in the meantime. Reload the page and try again."),
    422: i18n.N_("The information sent is not valid."),
}
_UNKNOWN = i18n.N_("Something went wrong.")


@contextmanager
def begin(request: Request) -> Iterator[Connection]:
    """One transaction: committed if the block ends normally, rolled back if it raises."""
    with engine_of(request).begin() as conn:
        yield conn


def web_actor(request: Request) -> Actor:
    """The signed-in user, from the session cookie (an API token issued at sign-in)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotAuthenticated("not signed in")
    with begin(request) as conn:
        actor, token_id = authenticate(conn, token)
        request.state.badges = pages.badges_for(conn, actor)
    request.state.web_actor = actor
    request.state.token_id = token_id
    return actor


WebActor = Annotated[Actor, Depends(web_actor)]


def error_page(request: Request, status: int, detail: str | None = None) -> Response:
    message = tr(request, _MESSAGES.get(status, _UNKNOWN))
    return render(request, "error.html", {"status": status, "message": message, "detail": detail}, status=status)


def to_login(request: Request) -> Response:
    target = "/login"
    if request.headers.get("hx-request"):
        response: Response = Response(status_code=204, headers={"HX-Redirect": target})
    else:
        response = RedirectResponse(target, status_code=303)
    if request.cookies.get(SESSION_COOKIE):
        clear_cookie(request, response, SESSION_COOKIE)
    return response


class WebRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            request.state.lang = i18n.pick(request.cookies.get(LANG_COOKIE), None,
                                           request.headers.get("accept-language"))
            try:
                if request.method == "POST":
                    form = await request.form()
                    sent = form.get(CSRF_FIELD)
                    if not csrf_valid(request, sent if isinstance(sent, str) else None):
                        return add_headers(render(request, "error.html", {
                            "status": 403, "message": tr(
                                request, "This form has expired or did not come from this site. "
                                         "Go back, reload the page and send it again.")}, status=403))
                response = await handler(request)
            except NotAuthenticated:
                response = to_login(request)
            except TaawunError as exc:
                response = error_page(request, exc.status, exc.detail if exc.status in (409, 422) else None)
            return add_headers(response)

        return run
