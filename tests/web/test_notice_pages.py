"""The notice pages through TestClient: list, request form, timeline, GS review, requester steps and the
public page (no sign-in, extracts only). Fictitious people only."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI

from tests.conftest import User
from tests.test_notices import DATA
from tests.web.helpers import Browser, api_create, signed_in
from tests.web.test_pages import _check_page

SUBJECT = {"kind": "person", "names": [{"full": "Karim Benali"}], "birth_date": "1985-04-11",
           "nationalities": ["MAR"], "person_status": "wanted"}
RED_FORM = {"type": "red", "summary": "Armed robbery of a jewellery shop in Casablanca; a guard was wounded.",
            "warrant_type": "arrest_warrant", "warrant_date": "2024-03-02",
            "warrant_authority": "Investigating judge, Casablanca Court of First Instance",
            "warrant_charges": "armed robbery\nattempted murder", "photo_ref": "MAR-PHOTO-0001",
            "restriction_mode": "all_members", "public_extract": "on"}
PASS_ALL = {f"mark_{item}": "pass" for item in ("neutrality", "human_rights", "minimum_data", "data_quality")}


def _subject(app: FastAPI, user: User, **extra: object) -> str:
    return str(api_create(app, user, {**SUBJECT, **extra})["id"])


def _request(officer: Browser, subject_id: str, **extra: str) -> str:
    r = officer.post_form("/notices/new", "/notices/new", {**RED_FORM, "subject_id": subject_id, **extra})
    assert r.status_code == 303, r.text[:2000]
    match = re.fullmatch(r"/notices/([0-9a-f-]{36})", r.headers["location"])
    assert match
    return match.group(1)


def _publish(officer: Browser, reviewer: Browser, nid: str) -> None:
    page = f"/notices/{nid}"
    assert officer.post_form(page, f"{page}/submit", {}).status_code == 303
    assert reviewer.post_form(page, f"{page}/review/start", {}).status_code == 303
    r = reviewer.post_form(page, f"{page}/review", {**PASS_ALL, "note_neutrality": "ordinary crime",
                                                    "decision": "publish"})
    assert r.status_code == 303, r.text[:2000]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_pages_render_for_officer_and_reviewer(app: FastAPI, users: dict[str, User], lang: str) -> None:
    officer = signed_in(app, "mar_officer", lang)
    reviewer = signed_in(app, "gs_reviewer", lang)
    nid = _request(officer, _subject(app, users["mar_officer"]))
    assert officer.post_form(f"/notices/{nid}", f"/notices/{nid}/submit", {}).status_code == 303
    direction = "rtl" if lang == "ar" else "ltr"
    for browser, paths in ((officer, ["/notices", "/notices/new", f"/notices/{nid}"]),
                           (reviewer, ["/notices", f"/notices/{nid}"])):
        for path in paths:
            r = browser.get(path)
            assert r.status_code == 200, (path, r.text[:500])
            assert f'<html lang="{lang}" dir="{direction}">' in r.text
            _check_page(r.text)
    page = reviewer.get(f"/notices/{nid}").text
    assert f'action="/notices/{nid}/review/start"' in page and ("الفحص المسبق" if lang == "ar" else "Pre-check") in page
    assert "/review/start" not in officer.get(f"/notices/{nid}").text
    r = officer.post_form("/notices", "/notices", {"type": "red", "status": "submitted"})
    assert r.status_code == 200 and f"/notices/{nid}" in r.text
    r = officer.post_form("/notices", "/notices", {"type": "yellow", "status": ""})
    assert f"/notices/{nid}" not in r.text


def test_request_review_publish_and_public_page(app: FastAPI, users: dict[str, User]) -> None:
    officer, reviewer = signed_in(app, "mar_officer"), signed_in(app, "gs_reviewer")
    subject = _subject(app, users["mar_officer"],
                       identifiers=[{"type": "passport", "number": "ZZ9988776", "country": "MAR"}])
    nid = _request(officer, subject)
    page = officer.get(f"/notices/{nid}").text
    assert "Investigating judge, Casablanca Court of First Instance" in page and "attempted murder" in page
    # A draft is the requester's alone: the GS and other members get the same 404 as for a missing notice.
    assert reviewer.get(f"/notices/{nid}").status_code == 404
    assert signed_in(app, "svk_analyst").get(f"/notices/{nid}").status_code == 404
    # Deciding needs every checklist item, and reasons to refuse or return (the page says so, 422).
    assert officer.post_form(f"/notices/{nid}", f"/notices/{nid}/submit", {}).status_code == 303
    assert reviewer.post_form(f"/notices/{nid}", f"/notices/{nid}/review/start", {}).status_code == 303
    r = reviewer.post_form(f"/notices/{nid}", f"/notices/{nid}/review", {"decision": "publish"})
    assert r.status_code == 422 and "checklist.neutrality" in r.text
    r = reviewer.post_form(f"/notices/{nid}", f"/notices/{nid}/review", {**PASS_ALL, "decision": "return"})
    assert r.status_code == 422 and "reasons" in r.text
    r = reviewer.post_form(f"/notices/{nid}", f"/notices/{nid}/review",
                           {**PASS_ALL, "note_neutrality": "ordinary crime", "decision": "publish"})
    assert r.status_code == 303
    page = officer.get(f"/notices/{nid}").text
    assert "ordinary crime" in page and "Published" in page
    events = signed_in(app, "mar_officer").get(f"/notices/{nid}").text
    for step in ("Request drafted", "Submitted to the GS", "Review started"):
        assert step in events
    # The requester's inbox says the GS decided, with a link to the notice.
    inbox = officer.get("/inbox").text
    assert "Decision on our notice request" in inbox and f'href="/notices/{nid}"' in inbox
    # Published: other members see it, but not the review record.
    other = signed_in(app, "svk_analyst").get(f"/notices/{nid}")
    assert other.status_code == 200 and "ordinary crime" not in other.text

    # Another red notice, published without a public extract, must not appear on the public page.
    hidden_subject = _subject(app, users["mar_officer"], names=[{"full": "Nabil Ouazzani"}])
    hidden = _request(officer, hidden_subject, public_extract="")
    _publish(officer, reviewer, hidden)

    public = Browser(app).get("/public")
    assert public.status_code == 200
    _check_page(public.text)
    html = public.text
    assert "Karim Benali" in html and "armed robbery" in html and "attempted murder" in html
    assert "MAR-PHOTO-0001" in html and "(MAR)" in html
    for secret in (subject, nid, "ZZ9988776", "1985", "Investigating judge", "jewellery", "Nabil Ouazzani",
                   hidden, hidden_subject, "/notices/", "/records/"):
        assert secret not in html, secret
    # In the reader's language, right to left for Arabic.
    ar = Browser(app).get("/public", headers={"Accept-Language": "ar"})
    assert '<html lang="ar" dir="rtl">' in ar.text and "النشرات العلنية" in ar.text and "Karim Benali" in ar.text

    # The requester ends it: it leaves the public page.
    r = officer.post_form(f"/notices/{nid}", f"/notices/{nid}/cancel", {"reason": "subject arrested"})
    assert r.status_code == 303
    assert "subject arrested" in officer.get(f"/notices/{nid}").text
    assert "Karim Benali" not in Browser(app).get("/public").text


def test_missing_data_and_withdraw(app: FastAPI, users: dict[str, User]) -> None:
    officer = signed_in(app, "mar_officer")
    nid = _request(officer, _subject(app, users["mar_officer"]), warrant_authority="")
    r = officer.post_form(f"/notices/{nid}", f"/notices/{nid}/submit", {})
    assert r.status_code == 422 and "data.warrant.issuing_authority" in r.text
    # Amend the draft through the edit form, then withdraw it.
    r = officer.post_form(f"/notices/{nid}/edit", f"/notices/{nid}/edit",
                          {**RED_FORM, "subject_id": _subject(app, users["mar_officer"]),
                           "warrant_authority": "Court of Appeal, Rabat"})
    assert r.status_code == 303
    assert "Court of Appeal, Rabat" in officer.get(f"/notices/{nid}").text
    assert officer.post_form(f"/notices/{nid}", f"/notices/{nid}/withdraw", {"reason": "duplicate"}).status_code == 303
    assert "Withdrawn" in officer.get(f"/notices/{nid}").text
    # Bad input comes back as the form with the errors, not as a crash.
    r = officer.post_form("/notices/new", "/notices/new", {**RED_FORM, "warrant_date": "yesterday"})
    assert r.status_code == 422 and "warrant" in r.text
    r = officer.post_form("/notices/new", "/notices/new", {**RED_FORM, "subject_id": "not-a-record"})
    assert r.status_code == 422 and "subject_id" in r.text


def test_yellow_notice_form(app: FastAPI, users: dict[str, User]) -> None:
    officer, reviewer = signed_in(app, "mar_officer"), signed_in(app, "gs_reviewer")
    subject = _subject(app, users["mar_officer"], names=[{"full": "Salma Idrissi"}], person_status="missing")
    form = {"type": "yellow", "subject_id": subject, "restriction_mode": "all_members", "public_extract": "on",
            **DATA["yellow"]}
    r = officer.post_form("/notices/new", "/notices/new", form)
    assert r.status_code == 303
    nid = r.headers["location"].rsplit("/", 1)[1]
    _publish(officer, reviewer, nid)
    assert "Salma Idrissi" in Browser(app).get("/public").text


def test_hidden_notice_is_404_and_roles(app: FastAPI, users: dict[str, User]) -> None:
    officer = signed_in(app, "mar_officer")
    nid = _request(officer, _subject(app, users["mar_officer"]), restriction_mode="only", members="FRA")
    _publish(officer, signed_in(app, "gs_reviewer"), nid)
    # Published but restricted to FRA: SVK may not see it, and cannot tell it from a notice that does not exist.
    svk = signed_in(app, "svk_analyst")
    assert svk.get(f"/notices/{nid}").status_code == 404
    assert svk.get("/notices/00000000-0000-0000-0000-000000000000").status_code == 404
    assert svk.get("/notices/nonsense").status_code == 404
    assert f"/notices/{nid}" not in svk.get("/notices").text
    # Restricted notices are never public.
    assert "Karim Benali" not in Browser(app).get("/public").text
    # Only officers request notices; only the requester's officers act on them.
    assert signed_in(app, "mar_frontline").get("/notices/new").status_code == 403
    svk_officer = signed_in(app, "svk_officer")
    assert svk_officer.post_form("/notices", f"/notices/{nid}/cancel", {}).status_code == 404
    # Forms without the CSRF token are refused.
    assert officer.client.post(f"/notices/{nid}/cancel", data={"reason": "x"}).status_code == 403
    assert "Published" in officer.get(f"/notices/{nid}").text
    # Without sign-in the notice pages send to the sign-in page; the public page does not.
    assert Browser(app).get("/notices").status_code == 303
    assert Browser(app).get("/public").status_code == 200
