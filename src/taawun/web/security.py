"""Cookies, CSRF tokens and security headers for the pages.

The session cookie carries an API token issued at login (access/identity.py), so a web session is
a server-side session: it can be revoked, it expires, and only its hash is stored. The CSRF token
of a logged-in page is derived from that secret token (session-bound: another site can neither
read nor guess it); before login a random pre-session cookie plays the same part (double submit),
so the login form is protected too. Every cookie is HttpOnly and SameSite=Strict, and Secure when
the request came over TLS, directly or through a proxy that says so in X-Forwarded-Proto.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

SESSION_COOKIE = "taawun_session"
PRE_COOKIE = "taawun_csrf"
LANG_COOKIE = "taawun_lang"
CSRF_FIELD = "csrf"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",  # pages hold shared police data: never left in a browser or proxy cache
}


def is_tls(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="strict",
                        secure=is_tls(request))


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="strict", secure=is_tls(request))


def add_headers(response: Response) -> Response:
    for key, value in HEADERS.items():
        response.headers.setdefault(key, value)
    return response


def _derive(session_token: str) -> str:
    return hmac.new(session_token.encode(), b"taawun-csrf-v1", hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token forms of this page must send back; creates the pre-session one when needed."""
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        return _derive(session)
    pre = request.cookies.get(PRE_COOKIE) or getattr(request.state, "new_pre_csrf", None)
    if not pre:
        pre = secrets.token_urlsafe(32)
        request.state.new_pre_csrf = pre  # set on the response by the page renderer
    return _derive(pre)


def csrf_valid(request: Request, sent: str | None) -> bool:
    secret = request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRE_COOKIE)
    if not secret or not sent:
        return False
    return hmac.compare_digest(_derive(secret), sent)


def safe_next(path: str | None) -> str:
    """A redirect target from a form: only a path on this site (no scheme, no //host)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path
