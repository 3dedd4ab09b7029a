"""Notices through the API: every type's lifecycle, required data, GS review, pre-check, public extract,
screening action and the expiry job. Fictitious people only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from taawun.services.notices import expire_due
from taawun.store.tables import notices
from tests.conftest import User

PASS_ALL = {"neutrality": "pass", "human_rights": "pass", "minimum_data": "pass", "data_quality": "pass"}

RED_DATA: dict[str, Any] = {"summary": "Armed robbery of a jewellery shop in Casablanca; a guard was wounded.",
            "warrant": {"type": "arrest_warrant", "date": "2024-03-02", "issuing_authority":
                        "Investigating judge, Casablanca Court of First Instance",
                        "charges": ["armed robbery", "attempted murder"]},
            "photo_ref": "MAR-PHOTO-0001"}

DATA: dict[str, dict[str, Any]] = {
    "red": RED_DATA,
    "yellow": {"circumstances": "Left school and did not come home.", "last_seen_date": "2025-01-14",
               "last_seen_place": "Fes, near Bab Boujloud"},
    "blue": {"information_sought": "Current location and identity documents used."},
    "black": {"found_date": "2025-02-01", "found_place": "Beach near Tangier",
              "description": "Male, about 40, scar on the left hand, blue jacket."},
    "green": {"summary": "Repeated sale of counterfeit medicines across borders."},
    "orange": {"threat": "Plans to send parcel bombs hidden in printer cartridges."},
    "purple": {"modus_operandi": "Cocaine concealed in hollowed-out pineapples in refrigerated containers."},
    "un_special": {"unsc_reference": "QDi.999 (fictitious)"},
}

SUBJECT_KIND = {"red": "person", "yellow": "person", "blue": "person", "black": None, "green": "person",
                "orange": "person", "purple": "case", "un_special": "organisation"}


def _record(client: TestClient, user: User, kind: str = "person", **extra: Any) -> dict[str, Any]:
    bodies: dict[str, dict[str, Any]] = {
        "person": {"kind": "person", "names": [{"full": "Karim Benali"}], "birth_date": "1985-04-11",
                   "nationalities": ["MAR"], "person_status": "suspect"},
        "case": {"kind": "case", "summary": "Container concealment method seen in three ports."},
        "organisation": {"kind": "organisation", "names": [{"full": "Fictitious Trading Front"}]},
    }
    r = client.post("/api/v1/records", json={**bodies[kind], **extra}, headers=user.headers)
    assert r.status_code == 201, r.text
    return r.json()


def _draft(client: TestClient, user: User, notice_type: str, subject_id: str | None, data: dict[str, Any],
           **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": notice_type, "data": data, **extra}
    if subject_id:
        body["subject_id"] = subject_id
    r = client.post("/api/v1/notices", json=body, headers=user.headers)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "draft"
    return r.json()


def _post(client: TestClient, user: User, path: str, body: Any = None, status: int = 200) -> dict[str, Any]:
    r = client.post(f"/api/v1{path}", json=body, headers=user.headers)
    assert r.status_code == status, r.text
    return r.json() if r.content else {}


def _publish(client: TestClient, users: dict[str, User], notice_id: str) -> dict[str, Any]:
    assert _post(client, users["mar_officer"], f"/notices/{notice_id}/submit")["status"] == "submitted"
    assert _post(client, users["gs_reviewer"], f"/notices/{notice_id}/review/start")["status"] == "under_review"
    return _post(client, users["gs_reviewer"], f"/notices/{notice_id}/review",
                 {"decision": "publish", "checklist": PASS_ALL})


@pytest.mark.parametrize("notice_type", list(DATA))
def test_lifecycle_of_each_type(client: TestClient, users: dict[str, User], notice_type: str) -> None:
    mar, svk = users["mar_officer"], users["svk_analyst"]
    kind = SUBJECT_KIND[notice_type]
    subject = _record(client, mar, kind)["id"] if kind else None
    draft = _draft(client, mar, notice_type, subject, DATA[notice_type])
    nid = draft["id"]
    # Drafts are the requester's alone: not the GS's, not other members'.
    assert client.get(f"/api/v1/notices/{nid}", headers=svk.headers).status_code == 404
    assert client.get(f"/api/v1/notices/{nid}", headers=users["gs_reviewer"].headers).status_code == 404
    published = _publish(client, users, nid)
    assert published["status"] == "published" and published["action"]
    assert published["expires_on"] == (dt.date.today() + dt.timedelta(days=5 * 365)).isoformat()
    seen = client.get(f"/api/v1/notices/{nid}", headers=svk.headers)
    assert seen.status_code == 200 and seen.json()["review"] is None  # the checklist stays with GS and requester
    listed = client.get("/api/v1/notices", params={"type": notice_type, "status": "published"}, headers=svk.headers)
    assert [n["id"] for n in listed.json()["items"]] == [nid]
    assert _post(client, mar, f"/notices/{nid}/cancel", {"reason": "subject located"})["status"] == "cancelled"
    assert client.get(f"/api/v1/notices/{nid}", headers=svk.headers).status_code == 404
    events = client.get(f"/api/v1/notices/{nid}/events", headers=mar.headers).json()["items"]
    assert [e["action"] for e in events] == ["create", "submit", "review_start", "publish", "cancel"]
    assert events[-1]["reason"] == "subject located" and all(e["at"] and e["by_user"] for e in events)
    assert [e["by_org"] for e in events] == ["MAR", "MAR", "GS", "GS", "MAR"]


@pytest.mark.parametrize(("notice_type", "data", "field"), [
    ("red", {}, "data.warrant"),
    ("red", {"warrant": {"type": "arrest_warrant", "date": "2024-01-01", "charges": ["fraud"]}},
     "data.warrant.issuing_authority"),
    ("yellow", {"circumstances": "Did not come home."}, "data.last_seen_date"),
    ("black", {"found_date": "2025-01-01", "found_place": "Rabat"}, "data.description"),
    ("orange", {}, "data.threat"),
    ("purple", {}, "data.modus_operandi"),
    ("un_special", {}, "data.unsc_reference"),
    ("blue", {}, "data.information_sought"),
])
def test_missing_required_data_is_422_naming_the_field(client: TestClient, users: dict[str, User],
                                                       notice_type: str, data: dict[str, Any], field: str) -> None:
    mar = users["mar_officer"]
    kind = SUBJECT_KIND[notice_type]
    subject = _record(client, mar, kind)["id"] if kind else None
    nid = _draft(client, mar, notice_type, subject, data)["id"]
    r = client.post(f"/api/v1/notices/{nid}/submit", headers=mar.headers)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in r.json()["errors"]], r.json()


def test_red_notice_needs_identity_to_avoid_false_arrest(client: TestClient, users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    r = client.post("/api/v1/records", json={"kind": "person", "names": [{"full": "Nabil Ouazzani"}]},
                    headers=mar.headers)
    nid = _draft(client, mar, "red", r.json()["id"], RED_DATA)["id"]
    r = client.post(f"/api/v1/notices/{nid}/submit", headers=mar.headers)
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["subject.birth_date"]
    # A subject is required and must be a person the requester owns.
    nid = _draft(client, mar, "red", None, RED_DATA)["id"]
    r = client.post(f"/api/v1/notices/{nid}/submit", headers=mar.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "subject_id"
    foreign = _record(client, users["svk_officer"])["id"]
    r = client.post("/api/v1/notices", json={"type": "red", "subject_id": foreign}, headers=mar.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "subject_id"


def test_refusal_and_amendment(client: TestClient, users: dict[str, User]) -> None:
    mar, gs = users["mar_officer"], users["gs_reviewer"]
    subject = _record(client, mar)["id"]
    nid = _draft(client, mar, "red", subject, RED_DATA)["id"]
    _post(client, mar, f"/notices/{nid}/submit")
    _post(client, gs, f"/notices/{nid}/review/start")
    # Returning needs reasons and a decision on every checklist item.
    r = client.post(f"/api/v1/notices/{nid}/review", json={"decision": "return", "checklist": PASS_ALL},
                    headers=gs.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reasons"
    r = client.post(f"/api/v1/notices/{nid}/review", json={"decision": "publish", "checklist": {"neutrality": "pass"}},
                    headers=gs.headers)
    assert r.status_code == 422 and "checklist.human_rights" in [e["field"] for e in r.json()["errors"]]
    returned = _post(client, gs, f"/notices/{nid}/review", {
        "decision": "return", "reasons": "State the facts of the robbery more precisely.",
        "checklist": {**PASS_ALL, "data_quality": {"mark": "fail", "note": "facts too vague"}}})
    assert returned["status"] == "returned"
    assert returned["review"]["checklist"]["data_quality"] == {"mark": "fail", "note": "facts too vague"}
    inbox = client.get("/api/v1/inbox", headers=mar.headers).json()["items"]
    assert any(n["type"] == "notice_decision" and n["detail"]["decision"] == "return" for n in inbox)
    # The requester amends and resubmits; then it is published.
    patched = client.patch(f"/api/v1/notices/{nid}", json={"data": {**RED_DATA, "summary": "On 1 March 2024 ..."}},
                           headers=mar.headers)
    assert patched.status_code == 200 and patched.json()["data"]["summary"].startswith("On 1 March")
    assert _publish(client, users, nid)["status"] == "published"
    # A published notice is no longer editable.
    r = client.patch(f"/api/v1/notices/{nid}", json={"data": RED_DATA}, headers=mar.headers)
    assert r.status_code == 409
    # A second red notice is refused, with its reasons stored in the events.
    nid2 = _draft(client, mar, "red", _record(client, mar, names=[{"full": "Samir Tazi"}])["id"], RED_DATA)["id"]
    _post(client, mar, f"/notices/{nid2}/submit")
    _post(client, gs, f"/notices/{nid2}/review/start")
    refused = _post(client, gs, f"/notices/{nid2}/review", {
        "decision": "refuse", "reasons": "Predominantly political.", "checklist": {**PASS_ALL, "neutrality": "fail"}})
    assert refused["status"] == "refused"
    events = client.get(f"/api/v1/notices/{nid2}/events", headers=mar.headers).json()["items"]
    assert events[-1]["action"] == "refuse" and events[-1]["reason"] == "Predominantly political."
    assert client.get(f"/api/v1/notices/{nid2}", headers=users["svk_analyst"].headers).status_code == 404


def test_withdraw_before_publication(client: TestClient, users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    nid = _draft(client, mar, "blue", _record(client, mar)["id"], DATA["blue"])["id"]
    _post(client, mar, f"/notices/{nid}/submit")
    assert _post(client, mar, f"/notices/{nid}/withdraw", {"reason": "found him"})["status"] == "withdrawn"
    r = client.post(f"/api/v1/notices/{nid}/review/start", headers=users["gs_reviewer"].headers)
    assert r.status_code == 409


def test_only_gs_reviewers_publish_and_never_their_own(client: TestClient, users: dict[str, User],
                                                       engine: Engine) -> None:
    mar = users["mar_officer"]
    nid = _draft(client, mar, "red", _record(client, mar)["id"], RED_DATA)["id"]
    _post(client, mar, f"/notices/{nid}/submit")
    for who in ("mar_officer", "gs_admin"):
        r = client.post(f"/api/v1/notices/{nid}/review/start", headers=users[who].headers)
        assert r.status_code == 403, who
    # Another member cannot even see a submitted notice: 404, not 403.
    r = client.post(f"/api/v1/notices/{nid}/review/start", headers=users["svk_officer"].headers)
    assert r.status_code == 404
    _post(client, users["gs_reviewer"], f"/notices/{nid}/review/start")
    r = client.post(f"/api/v1/notices/{nid}/review", json={"decision": "publish", "checklist": PASS_ALL},
                    headers=mar.headers)
    assert r.status_code == 403
    # The guard: a reviewer whose organisation requested the notice may not review it.
    with engine.begin() as conn:
        conn.execute(update(notices).where(notices.c.id == nid).values(requester_org="GS"))
    r = client.post(f"/api/v1/notices/{nid}/review", json={"decision": "publish", "checklist": PASS_ALL},
                    headers=users["gs_reviewer"].headers)
    assert r.status_code == 403 and "own organisation" in r.json()["detail"]


def test_precheck_flags_political_wording_and_duplicates(client: TestClient, users: dict[str, User]) -> None:
    mar, svk, gs = users["mar_officer"], users["svk_officer"], users["gs_reviewer"]
    first = _record(client, mar, names=[{"full": "يوسف عبد الرحمن الحداد"}])["id"]
    n1 = _draft(client, mar, "red", first, RED_DATA)["id"]
    _publish(client, users, n1)
    political = {**RED_DATA, "summary": "Organised an unauthorised protest; insulting the King (lèse-majesté).",
                 "warrant": {**RED_DATA["warrant"], "charges": ["الردة"]}}
    n2 = _draft(client, mar, "red", first, political)["id"]
    _post(client, mar, f"/notices/{n2}/submit")
    other = _record(client, svk, names=[{"full": "Youssef Abderrahmane El Haddad"}], nationalities=["SVK"])["id"]
    n3 = _draft(client, svk, "blue", other, DATA["blue"])["id"]
    _post(client, svk, f"/notices/{n3}/submit")
    assert client.get(f"/api/v1/notices/{n2}/precheck", headers=mar.headers).status_code == 403
    out = client.get(f"/api/v1/notices/{n2}/precheck", headers=gs.headers).json()
    categories = {f["category"] for f in out["political"]}
    assert {"protest", "lese_majeste", "religious_offence"} <= categories
    dup = {f["notice_id"]: f["reason"] for f in out["duplicates"]}
    assert dup == {n1: "same subject record", n3: "similar subject name"}
    # A clean notice has no flags, and the pre-check decided nothing.
    clean = client.get(f"/api/v1/notices/{n3}/precheck", headers=gs.headers).json()
    assert clean["political"] == [] and client.get(f"/api/v1/notices/{n2}", headers=gs.headers).json()["status"] \
        == "submitted"


def test_public_list_shows_only_allowed_extracts(client: TestClient, users: dict[str, User]) -> None:
    mar = users["mar_officer"]

    def red(name: str, **extra: Any) -> str:
        subject = _record(client, mar, names=[{"full": name}])["id"]
        return str(_draft(client, mar, "red", subject, RED_DATA, **extra)["id"])

    shown = red("Omar Fictif", public_extract=True)
    _publish(client, users, shown)
    not_allowed = red("Hamza Inconnu")
    _publish(client, users, not_allowed)
    unpublished = red("Rachid Imaginaire", public_extract=True)
    _post(client, mar, f"/notices/{unpublished}/submit")
    restricted = red("Adil Invente", public_extract=True, restriction={"mode": "only", "members": ["ARE"]})
    _publish(client, users, restricted)
    refused = red("Mehdi Suppose", public_extract=True)
    _post(client, mar, f"/notices/{refused}/submit")
    _post(client, users["gs_reviewer"], f"/notices/{refused}/review/start")
    _post(client, users["gs_reviewer"], f"/notices/{refused}/review",
          {"decision": "refuse", "reasons": "no", "checklist": PASS_ALL})
    r = client.get("/public/notices")
    assert r.status_code == 200
    items = r.json()["items"]
    assert [i["id"] for i in items] == [shown]
    assert items[0] == {"id": shown, "type": "red", "name": "Omar Fictif", "photo_ref": "MAR-PHOTO-0001",
                        "charges": ["armed robbery", "attempted murder"], "nationalities": ["MAR"]}
    # Only red and yellow notices may have a public extract.
    r = client.post("/api/v1/notices", json={"type": "blue", "public_extract": True}, headers=mar.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "public_extract"


def test_no_other_route_works_without_login(client: TestClient) -> None:
    open_paths = {"/public/notices", "/healthz", "/api/v1/auth/token", "/api/v1/openapi.json", "/api/v1/docs",
                  "/api/v1/docs/oauth2-redirect", "/docs/oauth2-redirect"}
    checked = 0
    for route in client.app.routes:  # type: ignore[attr-defined]
        path = getattr(route, "path", "")
        if path in open_paths or not (path.startswith("/api/") or path.startswith("/public")):
            continue  # the web UI's pages (login page, static files) are another helper's concern
        if getattr(getattr(route, "endpoint", None), "__module__", "").startswith("taawun.web."):
            continue  # the HTML page /public (public extracts only) is tested in tests/web/test_notice_pages.py
        url = path.replace("{", "").replace("}", "")
        for param in ("notice_id", "diffusion_id", "record_id", "link_id", "hit_id", "notification_id", "token_id",
                      "user_id", "username"):
            url = url.replace(param, "00000000-0000-0000-0000-000000000001")
        methods: set[str] = set(getattr(route, "methods", None) or ())
        for method in methods - {"HEAD", "OPTIONS"}:
            r = client.request(method, url, json={})
            assert r.status_code == 401, (method, path, r.status_code)
            checked += 1
    assert checked > 20


def test_screening_returns_the_published_notice_action(client: TestClient, users: dict[str, User]) -> None:
    mar, svk = users["mar_officer"], users["svk_officer"]
    published = _record(client, mar, names=[{"full": "Tariq Belhaj"}], birth_date="1979-02-03")["id"]
    nid = _draft(client, mar, "red", published, RED_DATA)["id"]
    _publish(client, users, nid)
    refused = _record(client, mar, names=[{"full": "Zakaria Moutawakil"}], birth_date="1990-06-06")["id"]
    rid = _draft(client, mar, "red", refused, RED_DATA)["id"]
    _post(client, mar, f"/notices/{rid}/submit")
    _post(client, users["gs_reviewer"], f"/notices/{rid}/review/start")
    _post(client, users["gs_reviewer"], f"/notices/{rid}/review",
          {"decision": "refuse", "reasons": "insufficient link to the facts", "checklist": PASS_ALL})

    def screen(name: str, birth: str) -> dict[str, Any]:
        r = client.post("/api/v1/screen/person", json={"names": [name], "birth_date": birth}, headers=svk.headers)
        assert r.status_code == 200, r.text
        return dict(r.json()["hits"][0])

    hit = screen("Tariq Belhaj", "1979-02-03")
    assert hit["record_id"] == published and hit["action"] == "arrest"
    assert hit["notice"] == {"id": nid, "type": "red"}
    hit = screen("Zakaria Moutawakil", "1990-06-06")
    assert hit["record_id"] == refused and "notice" not in hit and hit["action"] == "inform"  # person_status suspect


def test_expiry_job_warns_once_then_expires(client: TestClient, users: dict[str, User], engine: Engine) -> None:
    mar = users["mar_officer"]
    nid = _draft(client, mar, "yellow", _record(client, mar)["id"], DATA["yellow"])["id"]
    expires = dt.date.fromisoformat(_publish(client, users, nid)["expires_on"])

    def run(day: dt.date) -> tuple[list[str], list[str]]:
        with engine.begin() as conn:
            return expire_due(conn, day)

    assert run(expires - dt.timedelta(days=31)) == ([], [])
    assert run(expires - dt.timedelta(days=30)) == ([], [nid])
    assert run(expires - dt.timedelta(days=10)) == ([], [])  # once
    warnings = [n for n in client.get("/api/v1/inbox", headers=mar.headers).json()["items"]
                if n["type"] == "notice_expiring"]
    assert len(warnings) == 1 and warnings[0]["detail"]["notice_id"] == nid
    # The requester extends: five years from today, and a new warning will come in time.
    extended = _post(client, mar, f"/notices/{nid}/extend", {"reason": "still missing"})
    assert extended["expires_on"] == (dt.date.today() + dt.timedelta(days=5 * 365)).isoformat()
    later = dt.date.fromisoformat(extended["expires_on"])
    assert run(later - dt.timedelta(days=5)) == ([], [nid])
    assert run(later) == ([nid], [])
    assert client.get(f"/api/v1/notices/{nid}", headers=mar.headers).json()["status"] == "expired"
    assert client.get(f"/api/v1/notices/{nid}", headers=users["svk_analyst"].headers).status_code == 404
