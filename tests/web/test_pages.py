"""The web pages through FastAPI's TestClient: every page for every role and language, the security
properties (CSRF, CSP, cookies, 404 for hidden records, lockout) and the main flows."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from taawun.web import pages
from tests.conftest import User
from tests.test_screening import WANTED
from tests.web.helpers import Browser, api_create, csrf_of, signed_in

ROLES = ["mar_officer", "mar_analyst", "mar_frontline", "mar_admin", "gs_reviewer", "un_analyst"]
LANGS = ["ar", "en", "fr", "es"]


def _check_page(html: str) -> None:
    """No inline script, inline style or event handler: the CSP would block them anyway."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\sstyle=", html), "inline style attribute"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
    assert "<style" not in html


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_renders_for_every_role(app: FastAPI, users: dict[str, User], lang: str) -> None:
    record = api_create(app, users["mar_officer"], WANTED)
    for username in ROLES:
        browser = signed_in(app, username, lang)
        actor = users[username].actor
        paths = [p.path for p in pages.nav_for(actor)]
        assert "/dashboard" in paths and "/inbox" in paths
        if actor.role.value == "officer":
            paths += ["/records/new/person", f"/records/{record['id']}", f"/records/{record['id']}/edit",
                      f"/records/new/link?source={record['id']}", f"/diffusions/new?record={record['id']}"]
            paths += [f"/records/new/{kind}" for kind in ("travel_document", "vehicle", "firearm", "organisation",
                                                          "case", "link")]
        for path in paths:
            r = browser.get(path)
            assert r.status_code == 200, (username, lang, path, r.text[:500])
            assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in r.text
            _check_page(r.text)
        # The navigation matches the role: frontline screens, admins manage users, no one else does.
        assert ("/screen" in paths) == (actor.role.value in ("frontline", "analyst", "officer"))
        assert ("/admin/users" in paths) == (actor.role.value == "admin")
        assert ("/records" in paths) == (actor.role.value in ("analyst", "officer", "reviewer"))


def test_translations_are_used(app: FastAPI) -> None:
    words = {"ar": "تسجيل الدخول", "en": "Sign in", "fr": "Se connecter", "es": "Iniciar sesión"}
    for lang, word in words.items():
        browser = Browser(app)
        browser.language(lang)
        assert word in browser.get("/login").text
    # Without a choice, the browser's language decides; then the account's language after sign-in.
    assert "Se connecter" in Browser(app).get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).text


def test_pages_need_sign_in(app: FastAPI) -> None:
    browser = Browser(app)
    for path in ("/dashboard", "/screen", "/records", "/inbox", "/audit", "/admin/users"):
        r = browser.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/login", path


def test_role_without_permission_gets_403_page(app: FastAPI) -> None:
    frontline = signed_in(app, "mar_frontline")
    for path in ("/records", "/admin/users", "/records/new/person"):
        r = frontline.get(path)
        assert r.status_code == 403 and "text/html" in r.headers["content-type"], path
    assert signed_in(app, "gs_reviewer").get("/screen").status_code == 403


def test_csrf_is_enforced(app: FastAPI) -> None:
    browser = signed_in(app, "mar_frontline")
    assert browser.client.post("/screen", data={"name": "Lukas Novak"}).status_code == 403
    assert browser.client.post("/screen", data={"name": "Lukas Novak", "csrf": "x" * 64}).status_code == 403
    assert browser.client.post("/logout").status_code == 403
    assert browser.get("/dashboard").status_code == 200  # still signed in: the forged logout did nothing
    r = browser.post_form("/screen", "/screen", {"name": "Lukas Novak"})
    assert r.status_code == 200
    # The login form too (pre-session double submit): no token, or one from another browser, is refused.
    other = Browser(app)
    token = csrf_of(other.get("/login").text)
    fresh = Browser(app)
    fresh.get("/login")
    r = fresh.client.post("/login", data={"username": "mar_officer", "password": "x", "csrf": token})
    assert r.status_code == 403


def test_security_headers_and_cookie_flags(app: FastAPI) -> None:
    browser = Browser(app)
    r = browser.get("/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["cache-control"] == "no-store"
    r = browser.login("mar_officer")
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("taawun_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Secure" not in cookie  # plain HTTP in this test: a Secure cookie would never come back
    behind_tls = Browser(app)
    token = csrf_of(behind_tls.get("/login").text)
    r = behind_tls.client.post("/login", data={"username": "mar_officer", "password": "correct-horse-battery",
                                               "csrf": token}, headers={"X-Forwarded-Proto": "https"})
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("taawun_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie
    # The API keeps its own docs page working (it needs inline script), so the policy is for pages only.
    assert "content-security-policy" not in TestClient(app).get("/api/v1/openapi.json").headers


def test_hidden_record_is_a_404_page(app: FastAPI, users: dict[str, User]) -> None:
    body = {**WANTED, "restriction": {"mode": "only", "members": ["ARE", "SVK"]}}
    record = api_create(app, users["mar_officer"], body)
    r = signed_in(app, "fra_analyst").get(f"/records/{record['id']}")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    assert "الحداد" not in r.text and "Haddad" not in r.text
    assert signed_in(app, "fra_analyst").get("/records/not-a-uuid").status_code == 404
    seen = signed_in(app, "are_analyst").get(f"/records/{record['id']}")
    assert seen.status_code == 200 and "الحداد" in seen.text
    assert signed_in(app, "are_analyst").get(f"/records/{record['id']}/edit").status_code == 403


def test_lockout_after_repeated_failures(app: FastAPI) -> None:
    browser = Browser(app)
    for _ in range(5):
        r = browser.login("mar_analyst", "wrong-password-123")
        assert r.status_code == 401 and "Wrong username or password." in r.text
    r = browser.login("mar_analyst")  # the right password, but the account is now locked
    assert r.status_code == 401 and "locked" in r.text
    assert "taawun_session" not in browser.client.cookies


def test_logout_revokes_the_session(app: FastAPI) -> None:
    browser = signed_in(app, "mar_officer")
    old = browser.client.cookies.get("taawun_session")
    assert browser.post_form("/dashboard", "/logout", {}).status_code == 303
    thief = Browser(app)
    thief.client.cookies.set("taawun_session", old or "")
    assert thief.get("/dashboard").status_code == 303  # the token was revoked, not just forgotten


def test_screening_verdicts(app: FastAPI, users: dict[str, User]) -> None:
    api_create(app, users["mar_officer"], WANTED)
    svk = signed_in(app, "svk_analyst")
    r = svk.post_form("/screen", "/screen", {"name": "يوسف عبد الرحمن الحداد", "birth_date": "1984-07-12"})
    assert r.status_code == 200 and 'data-result="hit"' in r.text and "HIT" in r.text
    assert "Youssef Abderrahmane El Haddad" in r.text  # the other script beside the recorded one
    r = svk.post_form("/screen", "/screen", {"name": "Lukas Novak", "birth_date": "1990-01-01"})
    assert 'data-result="no_hit"' in r.text and "NO HIT" in r.text
    r = svk.post_form("/screen", "/screen", {"name": "", "document_number": ""})
    assert r.status_code == 422 and "alert-error" in r.text
    # htmx asks for the result area only; errors come back as 200 so that htmx shows them.
    r = svk.post_form("/screen", "/screen", {"name": ""}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "alert-error" in r.text


def test_screening_hidden_record_contact_owner(app: FastAPI, users: dict[str, User]) -> None:
    body = {**WANTED, "restriction": {"mode": "only", "members": ["ARE"]}, "hit_disclosure": "contact_owner"}
    record = api_create(app, users["mar_officer"], body)
    r = signed_in(app, "mar_frontline").get("/screen")
    assert r.status_code == 200
    r = signed_in(app, "svk_analyst").post_form("/screen", "/screen", {"name": "Youssef El Haddad",
                                                                      "birth_date": "1984-07-12"})
    assert 'data-result="possible_hit"' in r.text and "MAR" in r.text
    assert record["id"] not in r.text and "الحداد" not in r.text


def test_passenger_list_and_csv_download(app: FastAPI, users: dict[str, User]) -> None:
    api_create(app, users["mar_officer"], WANTED)
    svk = signed_in(app, "svk_analyst")
    csv_text = ("names,birth_date,nationalities,reference\n"
                "Lukas Novak,1990-02-03,SVK,a\n"
                "يوسف الحداد,1984-07-12,MAR,b\n"
                "=cmd|' /C calc'!A0,1980,,c\n")
    token = csrf_of(svk.get("/screen").text)
    r = svk.client.post("/screen/list", data={"csrf": token},
                        files={"passengers": ("list.csv", csv_text.encode(), "text/csv")})
    assert r.status_code == 200, r.text[:500]
    link = re.search(r'href="(/screen/list/[^"]+/results\.csv)"', r.text)
    assert link
    download = svk.get(link.group(1))
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("line,reference,names")
    assert ",a,Lukas Novak,1990-02-03,no_hit," in lines[1] and ",b,يوسف الحداد,1984-07-12,hit,MAR," in lines[2]
    assert ",'=cmd" in lines[3]  # a formula in a passenger list is neutralised for spreadsheets
    assert signed_in(app, "are_analyst").get(link.group(1)).status_code == 404  # only for the uploader
    bad = svk.client.post("/screen/list", data={"csrf": token},
                          files={"passengers": ("list.csv", b"colour\nred\n", "text/csv")})
    assert bad.status_code == 422 and "unexpected columns" in bad.text


def test_create_edit_person_with_restriction(app: FastAPI) -> None:
    officer = signed_in(app, "mar_officer")
    form = {"name_0": "Karim Benali", "name_type_0": "primary", "name_1": "كريم بن علي",
            "name_type_1": "original_script",
            "birth_date": "1979-03", "nationalities": "MAR", "person_status": "wanted", "crime_areas": ["drugs"],
            "restriction_mode": "only", "restriction_members": "ARE, SVK", "hit_disclosure": "silent",
            "handling": "H2", "id_type_0": "passport", "id_number_0": "ZK 123 456", "id_country_0": "MAR"}
    r = officer.post_form("/records/new/person", "/records/new/person", form)
    assert r.status_code == 303, r.text[:1000]
    path = r.headers["location"]
    page = officer.get(path).text
    assert "Karim Benali" in page and "كريم بن علي" in page and "H2" in page
    assert "Only the countries, regions and partners listed may see it." in page
    assert signed_in(app, "fra_analyst").get(path).status_code == 404
    assert signed_in(app, "svk_analyst").get(path).status_code == 200
    # Edit: widen to all members, clear the birth date; history shows two versions.
    edit = {**form, "restriction_mode": "all_members", "restriction_members": "", "birth_date": "", "version": "1"}
    r = officer.post_form(f"{path}/edit", f"{path}/edit", edit)
    assert r.status_code == 303, r.text[:1000]
    assert signed_in(app, "fra_analyst").get(path).status_code == 200
    page = officer.get(path).text
    assert "1979" not in page and "Changed" in page
    # A refused form comes back filled in, with the reason.
    r = officer.post_form("/records/new/person", "/records/new/person", {**form, "handling": "H3"})
    assert r.status_code == 422 and "handling_note" in r.text and "Karim Benali" in r.text


def test_records_list_filters_by_post(app: FastAPI, users: dict[str, User]) -> None:
    api_create(app, users["mar_officer"], WANTED)
    analyst = signed_in(app, "svk_analyst")
    r = analyst.post_form("/records", "/records", {"q": "Haddad", "kind": "person", "crime_area": "terrorism"})
    assert r.status_code == 200 and "يوسف عبد الرحمن الحداد" in r.text
    r = analyst.post_form("/records", "/records", {"q": "Haddad", "crime_area": "drugs"})
    assert "الحداد" not in r.text
    # Forms that carry names are POSTed, never GET (names would otherwise land in URLs and logs).
    for path in ("/records", "/screen", "/dashboard"):
        html = analyst.get(path).text
        for form in re.findall(r"<form[^>]*>", html):
            assert 'method="post"' in form, form


def test_inbox_and_answering_a_hit(app: FastAPI, users: dict[str, User]) -> None:
    api_create(app, users["mar_officer"], WANTED)
    signed_in(app, "svk_analyst").post_form("/screen", "/screen", {"name": "Youssef El Haddad",
                                                                  "location": "BTS T1"})
    officer = signed_in(app, "mar_officer")
    # The unread count is in the navigation of every page; other organisations' inboxes are not counted.
    assert re.search(r'Inbox <span class="badge nav-badge">1<span class="visually-hidden"> unread',
                     officer.get("/records").text)
    assert "nav-badge" not in signed_in(app, "are_analyst").get("/dashboard").text
    inbox = officer.get("/inbox").text
    hit_path = re.search(r'href="(/hits/[^"]+)"', inbox)
    assert hit_path and "BTS T1" in inbox
    page = officer.get(hit_path.group(1)).text
    assert "Is this the person of your record?" in page
    r = officer.post_form(hit_path.group(1), f"{hit_path.group(1)}/answer", {"decision": "confirmed",
                                                                            "note": "warrant valid"})
    assert r.status_code == 303
    answers = signed_in(app, "svk_analyst").get("/inbox").text
    assert 'Inbox <span class="badge nav-badge">1<' in answers
    assert "Answer to our hit" in answers and "warrant valid" in answers
    assert signed_in(app, "are_analyst").get(hit_path.group(1)).status_code == 404


def test_a_document_hit_asks_the_owner_about_the_document(app: FastAPI, users: dict[str, User]) -> None:
    api_create(app, users["mar_officer"], {"kind": "travel_document", "number": "QX7788123", "country": "MAR",
                                           "document_type": "passport", "document_status": "stolen",
                                           "restriction": {"mode": "all_members"}})
    r = signed_in(app, "svk_analyst").post_form("/screen", "/screen", {"document_number": "QX 778 8123",
                                                                      "document_country": "MAR"})
    assert r.status_code == 200, r.text[:500]
    officer = signed_in(app, "mar_officer")
    hit_path = re.search(r'href="(/hits/[^"]+)"', officer.get("/inbox").text)
    assert hit_path
    page = officer.get(hit_path.group(1)).text
    assert "Is this the document of your record?" in page and "not the same document" in page
    assert "person of your record" not in page


def test_audit_trail_and_user_admin(app: FastAPI) -> None:
    admin = signed_in(app, "mar_admin")
    r = admin.post_form("/admin/users", "/admin/users", {"username": "mar_new_frontline", "role": "frontline",
                                                          "password": "a-long-password-1", "language": "ar"})
    assert r.status_code == 303
    page = admin.get(r.headers["location"]).text
    assert "mar_new_frontline" in page and "العربية" in page
    r = admin.post_form("/admin/users", "/admin/users", {"username": "x", "role": "frontline", "password": "short"})
    assert r.status_code == 422
    newcomer = Browser(app)
    assert newcomer.login("mar_new_frontline", "a-long-password-1").status_code == 303
    assert 'lang="ar" dir="rtl"' in newcomer.get("/dashboard").text  # the account's language
    trail = admin.get("/audit").text
    assert "user.create" in trail and "auth.login" in trail
    assert admin.get("/audit?action=user.create").status_code == 200
    # Another organisation's admin does not see MAR's trail.
    assert "mar_new_frontline" not in signed_in(app, "gs_reviewer").get("/admin/users").text


def test_language_switch_redirects_only_within_the_site(app: FastAPI) -> None:
    browser = Browser(app)
    token = csrf_of(browser.get("/login").text)
    for back, expected in (("/screen", "/screen"), ("https://evil.example/", "/"), ("//evil.example", "/")):
        r = browser.client.post("/language", data={"csrf": token, "lang": "es", "back": back})
        assert r.status_code == 303 and r.headers["location"] == expected


def test_dashboard_charts_are_inline_svg(app: FastAPI, users: dict[str, User]) -> None:
    api_create(app, users["mar_officer"], WANTED)
    signed_in(app, "svk_analyst").post_form("/screen", "/screen", {"name": "Youssef El Haddad"})
    for lang in ("en", "ar"):
        html = signed_in(app, "mar_officer", lang).get("/dashboard").text
        assert html.count("<svg") >= 2 and 'role="img"' in html and "chart-bar" in html
        _check_page(html)
    # The hit is counted on today's date (UTC), in the table beside the chart, for the owner only.
    import datetime as dt

    from taawun.web.i18n import format_day

    today = format_day(dt.datetime.now(dt.UTC).date(), "en")
    assert f"<tr><td>{today}</td><td>1</td></tr>" in signed_in(app, "mar_officer", "en").get("/dashboard").text
    assert f"<tr><td>{today}</td><td>1</td></tr>" not in signed_in(app, "svk_analyst").get("/dashboard").text


def test_language_is_saved_to_the_account(app: FastAPI) -> None:
    # Before sign-in the browser's Accept-Language chooses; the account's saved language wins after it.
    fresh = Browser(app, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert '<html lang="fr"' in fresh.get("/login").text
    officer = signed_in(app, "mar_officer")
    officer.language("ar")
    assert '<html lang="ar" dir="rtl">' in officer.get("/dashboard").text
    assert officer.post_form("/dashboard", "/logout", {}).status_code == 303
    assert '<html lang="en"' in officer.get("/login").text  # the next person on this browser: not ar
    # Another browser, whose language is Spanish, signs in as the same user: Arabic, as saved.
    elsewhere = Browser(app, headers={"Accept-Language": "es"})
    assert elsewhere.login("mar_officer").status_code == 303
    assert '<html lang="ar" dir="rtl">' in elsewhere.get("/dashboard").text
    # Another user is not affected.
    assert '<html lang="en"' in signed_in(app, "mar_analyst").get("/dashboard").text
    elsewhere.language("zz")  # an unknown language changes nothing
    assert '<html lang="ar"' in elsewhere.get("/dashboard").text
