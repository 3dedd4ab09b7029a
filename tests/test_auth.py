"""Authentication: nothing but login and the health check answers without a valid bearer token."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from taawun import compiled
from taawun.access import identity
from taawun.store.tables import audit_log, tokens
from taawun.store.tables import users as users_table
from tests.conftest import PASSWORD, User, person

API = "/api/v1"
PUBLIC = {("POST", f"{API}/auth/token"), ("GET", "/healthz"),
          ("GET", "/public/notices")}  # issue 5: public extracts of published notices, no login
# Framework pages that describe the API and carry no data (the browsable docs cannot send a bearer token).
DOC_PATHS = {f"{API}/openapi.json", f"{API}/docs", "/docs/oauth2-redirect", f"{API}/docs/oauth2-redirect"}


def _operations(client: TestClient) -> list[tuple[str, str]]:
    """Every (method, concrete path) the application serves, path parameters filled with a fresh UUID."""
    out = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if not isinstance(route, APIRoute):
            assert route.path in DOC_PATHS | {"/static"}, f"unexpected non-API route {route.path}"  # type: ignore[attr-defined]
            continue
        if route.endpoint.__module__.startswith("taawun.web."):
            continue  # the pages sign in with a session cookie and redirect to /login: tests/web/test_pages.py
        path = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), route.path)
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            out.append((method, path))
    return out


def _assert_401(response: Any) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert body["status"] == 401 and body["title"] and body["type"] and body["detail"]


def _login(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    return client.post(f"{API}/auth/token", data={"username": username, "password": password})


def test_every_route_but_login_and_health_needs_a_token(client: TestClient) -> None:
    operations = _operations(client)
    openapi = client.get(f"{API}/openapi.json").json()["paths"]
    documented = {(m.upper(), p) for p, item in openapi.items() for m in item}
    served = {(m, r.path) for r in client.app.routes if isinstance(r, APIRoute)  # type: ignore[attr-defined]
              for m in r.methods - {"HEAD", "OPTIONS"}}
    assert documented <= served and len(operations) >= 15
    bad_tokens: list[dict[str, str]] = [{}, {"Authorization": "Bearer"}, {"Authorization": "Bearer tw_forged"},
                                        {"Authorization": "Basic bWFyOnB3"}, {"Authorization": "Bearer " + "x" * 5000}]
    checked = 0
    for method, path in operations:
        if (method, path) in PUBLIC:
            continue
        for headers in bad_tokens:
            _assert_401(client.request(method, path, headers=headers, json={}))
            checked += 1
    assert checked >= 15 * len(bad_tokens)
    assert client.get("/healthz").json() == {"status": "ok", "engine": compiled.engine()}


def test_login_gives_a_working_token(client: TestClient, engine: Engine) -> None:
    r = _login(client, "svk_analyst")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["access_token"].startswith("tw_")
    expires = dt.datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert dt.timedelta(hours=1) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=12)
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json()["username"] == "svk_analyst" and me.json()["org"] == "SVK"
    with engine.connect() as conn:  # only the token's hash is stored
        stored = conn.execute(select(tokens.c.token_hash)).scalars().all()
    assert body["access_token"] not in stored


@pytest.mark.parametrize(("username", "password"), [
    ("svk_analyst", "wrong-password-1"), ("svk_analyst", ""), ("nobody_here", PASSWORD),
    ("SVK_ANALYST", PASSWORD), ("svk_analyst\x00", PASSWORD), ("", ""),
])
def test_wrong_credentials_are_refused_alike(client: TestClient, username: str, password: str) -> None:
    r = _login(client, username, password)
    assert r.status_code in (401, 422), r.text
    assert r.headers["content-type"] == "application/problem+json"
    if r.status_code == 401:  # unknown user and wrong password say the same thing
        assert r.json()["detail"] == "wrong username or password"
    assert "access_token" not in r.text


def test_failed_logins_are_audited(client: TestClient, engine: Engine) -> None:
    assert _login(client, "svk_analyst", "wrong-password-1").status_code == 401
    assert _login(client, "ghost_user", "wrong-password-1").status_code == 401
    with engine.connect() as conn:
        failed = conn.execute(select(audit_log.c.action, audit_log.c.detail)
                              .where(audit_log.c.action == "auth.login_failed")).all()
    assert {f.detail["username"] for f in failed} == {"svk_analyst", "ghost_user"}


def test_lockout_after_five_failures(client: TestClient, engine: Engine) -> None:
    for _ in range(4):
        assert _login(client, "mar_analyst", "wrong-password-1").status_code == 401
    assert _login(client, "mar_analyst").status_code == 200  # a success resets the count
    for _ in range(5):
        assert _login(client, "mar_analyst", "wrong-password-1").status_code == 401
    r = _login(client, "mar_analyst")  # now even the right password fails
    assert r.status_code == 401 and "locked" in r.json()["detail"]
    assert _login(client, "mar_officer").status_code == 200  # other accounts are not affected
    with engine.begin() as conn:  # once the lock has passed, the right password works again
        conn.execute(update(users_table).where(users_table.c.username == "mar_analyst")
                     .values(locked_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    assert _login(client, "mar_analyst").status_code == 200


def test_logout_revokes_the_token(client: TestClient) -> None:
    token = _login(client, "are_analyst").json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{API}/records", headers=headers).status_code == 200
    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    for method, path in (("GET", "/records"), ("GET", "/me"), ("POST", "/auth/logout")):
        r = client.request(method, API + path, headers=headers)
        _assert_401(r)
        assert "revoked" in r.json()["detail"]


def test_revoking_a_token_by_id(client: TestClient, users: dict[str, User]) -> None:
    officer = users["mar_officer"]
    r = client.post(f"{API}/auth/tokens", json={"label": "import script", "hours": 2}, headers=officer.headers)
    assert r.status_code == 201, r.text
    script = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert client.get(f"{API}/me", headers=script).status_code == 200
    with client.app.state.engine.connect() as conn:  # type: ignore[attr-defined]
        token_id = conn.execute(select(tokens.c.id).where(tokens.c.label == "import script")).scalar_one()
    # Someone else cannot revoke it, nor learn that it exists.
    assert client.delete(f"{API}/auth/tokens/{token_id}", headers=users["svk_officer"].headers).status_code == 404
    assert client.get(f"{API}/me", headers=script).status_code == 200
    assert client.delete(f"{API}/auth/tokens/{token_id}", headers=officer.headers).status_code == 204
    _assert_401(client.get(f"{API}/me", headers=script))
    assert client.get(f"{API}/me", headers=officer.headers).status_code == 200  # the other token still works


@pytest.mark.parametrize("body", [{"hours": 0}, {"hours": -5}, {"hours": 10**11}, {"hours": 24 * 367},
                                  {"label": "x" * 101}, {"hours": "many"}])
def test_token_lifetime_and_label_are_bounded(client: TestClient, users: dict[str, User], body: dict[str, Any]) -> None:
    r = client.post(f"{API}/auth/tokens", json=body, headers=users["mar_officer"].headers)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] in ("hours", "label")


def test_expired_token_fails(client: TestClient, engine: Engine, users: dict[str, User]) -> None:
    user = users["fra_analyst"]
    assert client.get(f"{API}/me", headers=user.headers).status_code == 200
    with engine.begin() as conn:
        conn.execute(update(tokens).where(tokens.c.user_id == user.actor.user_id)
                     .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    r = client.get(f"{API}/records", headers=user.headers)
    _assert_401(r)
    assert "expired" in r.json()["detail"]


def test_disabled_account_token_fails(client: TestClient, engine: Engine, users: dict[str, User]) -> None:
    user = users["bhr_analyst"]
    with engine.begin() as conn:
        conn.execute(update(users_table).where(users_table.c.id == user.actor.user_id).values(active=False))
    _assert_401(client.get(f"{API}/me", headers=user.headers))
    assert _login(client, "bhr_analyst").status_code == 401


def test_token_lifetime_is_refused_at_the_library_too(engine: Engine, users: dict[str, User]) -> None:
    from taawun.domain.errors import InvalidInput

    with engine.begin() as conn, pytest.raises(InvalidInput):
        identity.issue_token(conn, users["mar_officer"].actor, dt.timedelta(0))


def test_token_is_bound_to_its_user(client: TestClient, users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    rec = client.post(f"{API}/records", json=person("Karim Benali", restriction={"mode": "only", "members": ["MAR"]}),
                      headers=mar.headers)
    assert rec.status_code == 201
    r = client.get(f"{API}/records/{rec.json()['id']}", headers=users["svk_analyst"].headers)
    assert r.status_code == 404


SCREENINGS = [("person", {"names": ["Karim Benali"], "birth_date": "1980-01-01"}),
              ("document", {"number": "X1234567", "country": "MAR"})]


@pytest.mark.parametrize(("kind", "body"), SCREENINGS)
def test_screenings_refuse_expired_revoked_and_disabled_tokens(client: TestClient, engine: Engine,
                                                               users: dict[str, User], kind: str,
                                                               body: dict[str, Any]) -> None:
    # A screening checks its token with the statement that also reads the change feed: the same refusals apply.
    url = f"{API}/screen/{kind}"
    for username, change in [("fra_analyst", "expire"), ("are_analyst", "revoke"), ("bhr_analyst", "disable")]:
        user = users[username]
        assert client.post(url, json=body, headers=user.headers).status_code == 200
        with engine.begin() as conn:
            if change == "disable":
                conn.execute(update(users_table).where(users_table.c.id == user.actor.user_id).values(active=False))
            else:
                values = ({"expires_at": dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)} if change == "expire"
                          else {"revoked_at": dt.datetime.now(dt.UTC)})
                conn.execute(update(tokens).where(tokens.c.user_id == user.actor.user_id).values(**values))
        _assert_401(client.post(url, json=body, headers=user.headers))
    _assert_401(client.post(url, json=body, headers={"Authorization": "Bearer tw_not-a-token"}))


def test_token_check_with_the_feed_names_the_same_caller_and_the_newest_change(
        client: TestClient, engine: Engine, users: dict[str, User]) -> None:
    from taawun.store.screening import last_change

    mar = users["mar_officer"]
    assert client.post(f"{API}/records", json=person("Karim Benali"), headers=mar.headers).status_code == 201
    token = mar.headers["Authorization"].split(" ", 1)[1]
    with engine.connect() as conn:
        actor, token_id = identity.authenticate(conn, token)
        assert identity.authenticate_with_feed(conn, token) == (actor, token_id, last_change(conn))
        assert last_change(conn) > 0
