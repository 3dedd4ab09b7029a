"""Signing in to the pages as a browser would: cookies, the CSRF token from the form, POSTed forms."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import PASSWORD, User

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF field in the page"
    return match.group(1)


class Browser:
    """One person's browser: its own cookie jar on the shared app."""

    def __init__(self, app: FastAPI, **kwargs: object) -> None:
        self.client = TestClient(app, follow_redirects=False, **kwargs)  # type: ignore[arg-type]

    def get(self, path: str, **kwargs: object) -> Response:
        return self.client.get(path, **kwargs)  # type: ignore[arg-type]

    def post_form(self, page: str, action: str, data: dict[str, object], **kwargs: object) -> Response:
        """Open ``page``, take its CSRF token, and submit ``data`` to ``action``."""
        token = csrf_of(self.get(page).text)
        return self.client.post(action, data={"csrf": token, **data}, **kwargs)  # type: ignore[arg-type]

    def login(self, username: str, password: str = PASSWORD) -> Response:
        return self.post_form("/login", "/login", {"username": username, "password": password})

    def language(self, lang: str) -> None:
        r = self.post_form("/login" if not self.client.cookies.get("taawun_session") else "/dashboard", "/language",
                           {"lang": lang, "back": "/dashboard"})
        assert r.status_code == 303


def signed_in(app: FastAPI, username: str, lang: str | None = None) -> Browser:
    browser = Browser(app)
    r = browser.login(username)
    assert r.status_code == 303, r.text[:500]
    if lang:
        browser.language(lang)
    return browser


def api_create(app: FastAPI, user: User, body: dict) -> dict:
    """Create a record through the API (the pages under test read it, they do not make it)."""
    r = TestClient(app).post("/api/v1/records", json=body, headers=user.headers)
    assert r.status_code == 201, r.text
    return r.json()
