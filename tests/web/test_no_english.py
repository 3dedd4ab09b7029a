"""No page is left in English: every role's pages, in Arabic, French and Spanish, walked with the test client.

Each role's navigation, a record of every kind (page, edit form, diffusion form), the forms sent back with
validation errors (the model's, pydantic's own, the services' and the gate's), the screening results,
the passenger list, notices through their review, diffusions, the inbox, a hit, the audit trail, user
administration and the error pages are fetched in the language under test. The visible text (text nodes
and the attributes a user sees or hears: placeholder, title, aria-label, alt) is then compared with the
English catalogue: an English message id whose translation differs must not appear. Strings the test
itself stored as record data are not judged (a name is shown as it was recorded).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from taawun.web import i18n, pages
from tests.conftest import User
from tests.test_screening import WANTED
from tests.web.helpers import Browser, api_create, csrf_of, signed_in

CATALOGUES = Path(i18n.__file__).parent / "i18n"
_SEPARATORS = re.compile(r"\s*[·\n|]\s*")
_PLACEHOLDER = re.compile(r"%\(\w+\)s")
_EDGES = " \t:–-—,.;()«»\"'،؛"

RED_FORM = {"type": "red", "summary": "Armed robbery of a jewellery shop; a guard was wounded.",
            "warrant_type": "arrest_warrant", "warrant_date": "2024-03-02",
            "warrant_authority": "Investigating judge, First Instance Court",
            "warrant_charges": "armed robbery", "restriction_mode": "all_members", "public_extract": "on"}
PASS_ALL = {f"mark_{item}": "pass" for item in ("neutrality", "human_rights", "minimum_data", "data_quality")}
SHARING = {"restriction_mode": "all_members", "hit_disclosure": "contact_owner", "handling": "H0"}
OTHER_KINDS = {
    "travel_document": {"kind": "travel_document", "number": "QX7788123", "country": "MAR",
                        "document_type": "passport", "document_status": "stolen"},
    "vehicle": {"kind": "vehicle", "plate": "55-C-120", "plate_country": "MAR", "make": "Dacia", "model": "Duster"},
    "firearm": {"kind": "firearm", "serial": "KX-990011", "make": "Beretta", "calibre": "9 mm"},
    "organisation": {"kind": "organisation", "names": [{"full": "Sahel Transit Traders"}],
                     "organisation_type": "criminal_group"},
    "case": {"kind": "case", "summary": "Stolen cars shipped through the port of Tanger Med", "date": "2025-11"},
}


def _norm(text: str) -> str:
    return " ".join(text.split()).strip(_EDGES)


class _English:
    """The English message ids a page in ``lang`` must not show (those whose translation differs)."""

    def __init__(self, lang: str) -> None:
        with open(CATALOGUES / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
            translated = {m.id: m.string for m in read_po(fh, locale=lang) if m.id and isinstance(m.id, str)}
        ids = [msgid for msgid, text in translated.items() if text and text != msgid]
        self.plain = {_norm(m) for m in ids if not _PLACEHOLDER.search(m) and _norm(m)}
        self.long = [_norm(m) for m in ids if not _PLACEHOLDER.search(m) and len(_norm(m)) >= 20]
        self.patterns = []
        for msgid in ids:
            # Literal parts joined by "anything"; a leading or trailing placeholder adds nothing to a search.
            # A single word ("version %(v)s") would also match data, so a pattern needs some words to go on.
            literals = [_norm(p) for p in _PLACEHOLDER.split(msgid) if _norm(p)]
            if _PLACEHOLDER.search(msgid) and sum(len(p.split()) for p in literals) >= 2:
                parts = [re.escape(p) for p in literals]
                self.patterns.append((msgid, re.compile(r".+?".join(parts).replace(r"\ ", r"\s+"))))
        # One search per text finds whether any long id or pattern is there; the slow loop only names it.
        alternatives = [re.escape(m) for m in self.long] + [p.pattern for _, p in self.patterns]
        self.any_long = re.compile("|".join(f"(?:{a})" for a in alternatives))

    def found_in(self, text: str) -> list[str]:
        found = []
        if not self.any_long.search(text):
            return [_norm(p) for p in [text, *_SEPARATORS.split(text)] if _norm(p) in self.plain]
        for piece in [text, *_SEPARATORS.split(text)]:
            if _norm(piece) in self.plain:
                found.append(_norm(piece))
        found += [m for m in self.long if m in text]
        found += [msgid for msgid, pattern in self.patterns if pattern.search(text)]
        return found


class _Visible(HTMLParser):
    """Text nodes of the page (title included, scripts and styles not) and the attributes people read or hear."""

    SKIP = {"script", "style", "svg"}
    DATA_CLASSES = {"detail-json"}  # the audit trail's event details: stored data (codes, ids), shown as JSON
    ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in self.SKIP or self.DATA_CLASSES & set((values.get("class") or "").split()):
            self._skip += 1
            self._skipping.append(tag)
        self.texts += [v for k, v in attrs if k in self.ATTRIBUTES and v]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield _norm(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


class Walk:
    """Fetches pages in one language and keeps every English string found, with the page it was on."""

    def __init__(self, app: FastAPI, users: dict[str, User], lang: str) -> None:
        self.app, self.users, self.lang = app, users, lang
        self.english = _English(lang)
        self.data: set[str] = set()
        self.found: list[tuple[str, str]] = []
        self.pages = 0
        self.browsers: dict[str, Browser] = {}

    def as_(self, username: str) -> Browser:
        if username not in self.browsers:
            self.browsers[username] = signed_in(self.app, username, self.lang)
        return self.browsers[username]

    def record(self, body: dict[str, Any], user: str = "mar_officer") -> str:
        self.data |= set(_strings(body))
        if body["kind"] == "link":
            r = TestClient(self.app).post("/api/v1/links", json=body, headers=self.users[user].headers)
            assert r.status_code == 201, r.text
            return str(r.json()["id"])
        return str(api_create(self.app, self.users[user], body)["id"])

    def check(self, where: str, r: Response, status: int | tuple[int, ...] = 200) -> Response:
        expected = (status,) if isinstance(status, int) else status
        assert r.status_code in expected, (where, r.status_code, r.text[:800])
        if r.status_code in (303, 204):
            return r
        assert f'<html lang="{self.lang}"' in r.text, where
        parser = _Visible()
        parser.feed(r.text)
        self.pages += 1
        for text in parser.texts:
            if _norm(text) in self.data:
                continue
            self.found += [(where, english) for english in self.english.found_in(text)]
        return r

    def get(self, username: str, path: str, status: int | tuple[int, ...] = 200) -> Response:
        return self.check(f"{username} GET {path}", self.as_(username).get(path), status)

    def post(self, username: str, page: str, action: str, data: dict[str, Any],
             status: int | tuple[int, ...] = 200) -> Response:
        self.data |= {s for s in _strings(data) if len(s) > 3}
        r = self.as_(username).post_form(page, action, data)
        return self.check(f"{username} POST {action} {sorted(data)[:4]}", r, status)


def _records(w: Walk) -> dict[str, str]:
    ids = {"person": w.record(WANTED)}
    ids.update({kind: w.record(body) for kind, body in OTHER_KINDS.items()})
    ids["link"] = w.record({"kind": "link", "link_type": "member_of", "source_id": ids["person"],
                            "target_id": ids["organisation"]})
    return ids


def _navigation(w: Walk) -> None:
    for username in ("mar_officer", "mar_analyst", "mar_frontline", "mar_admin", "gs_reviewer", "un_analyst"):
        for page in pages.nav_for(w.users[username].actor):
            w.get(username, page.path)


def _record_pages(w: Walk, ids: dict[str, str]) -> None:
    for kind, record_id in ids.items():
        w.get("mar_officer", f"/records/{record_id}")
        w.get("mar_officer", f"/records/{record_id}/edit")
        w.get("mar_officer", f"/records/new/{kind}")
        w.get("mar_officer", f"/diffusions/new?record={record_id}")
        w.get("svk_analyst", f"/records/{record_id}")
    w.post("svk_analyst", "/records", "/records", {"q": "Haddad", "kind": "person"})
    w.post("svk_analyst", "/records", "/records", {"q": "!!!"}, status=(200, 422))


def _record_form_errors(w: Walk, ids: dict[str, str]) -> None:
    person = "/records/new/person"
    bad_person = {**SHARING, "name_0": "Nadia Fictive", "name_type_0": "primary", "birth_date": "1984-13-45",
                  "nationalities": "XXQ", "handling": "H3", "id_type_0": "passport", "id_number_0": "P" * 70,
                  "id_country_0": "QQQ"}
    w.post("mar_officer", person, person, bad_person, status=422)
    w.post("mar_officer", person, person, {**SHARING, "name_0": "N" * 400}, status=422)  # too long
    w.post("mar_officer", person, person, {**SHARING, "name_0": "Nadia Fictive", "birth_date": "2999"}, status=422)
    w.post("mar_officer", person, person, {**SHARING}, status=422)  # no name at all
    w.post("mar_officer", person, person, {**SHARING, "name_0": "Nadia Fictive", "restriction_mode": "only"},
           status=422)
    w.post("mar_officer", person, person, {**SHARING, "name_0": "Nadia Fictive", "restriction_mode": "only",
                                           "restriction_members": "FRA, QQQ"}, status=422)
    w.post("mar_officer", person, person, {**SHARING, "name_0": "Nadia Fictive", "review_due": "soon"}, status=422)
    w.post("mar_officer", "/records/new/vehicle", "/records/new/vehicle", {**SHARING, "make": "Dacia"}, status=422)
    w.post("mar_officer", "/records/new/case", "/records/new/case", {**SHARING, "summary": "x", "date": "2026-13"},
           status=422)
    w.post("mar_officer", "/records/new/travel_document", "/records/new/travel_document",
           {**SHARING, "number": "", "country": "MAR"}, status=422)
    w.post("mar_officer", "/records/new/link", "/records/new/link",
           {**SHARING, "source_id": ids["person"], "target_id": ids["person"], "link_type": "same_as"}, status=422)
    w.post("mar_officer", "/records/new/link", "/records/new/link",
           {**SHARING, "source_id": ids["person"], "target_id": "not-a-record", "link_type": "same_as"}, status=422)
    # Someone changed it in the meantime: the version sent is not the record's.
    edit = f"/records/{ids['vehicle']}/edit"
    w.post("mar_officer", edit, edit, {**SHARING, "plate": "55-C-121", "version": "7"}, status=409)


def _screening(w: Walk) -> None:
    w.record({**WANTED, "names": [{"full": "Hamza Fictif Idrissi"}], "birth_date": "1990-02-02",
              "identifiers": [], "restriction": {"mode": "only", "members": ["ARE"]},
              "hit_disclosure": "contact_owner"})
    w.post("svk_analyst", "/screen", "/screen", {"name": "يوسف عبد الرحمن الحداد", "birth_date": "1984-07-12"})
    w.post("svk_analyst", "/screen", "/screen", {"name": "Hamza Fictif Idrissi", "birth_date": "1990-02-02"})
    w.post("svk_analyst", "/screen", "/screen", {"name": "Lukas Novak", "birth_date": "1990-01-01"})
    w.post("mar_frontline", "/screen", "/screen", {"name": "", "document_number": ""}, status=422)
    w.post("mar_frontline", "/screen", "/screen", {"name": "Lukas Novak", "birth_date": "31/02/1990"}, status=422)
    w.post("mar_frontline", "/screen", "/screen", {"name": "Lukas Novak", "nationality": "ZZZ"}, status=422)
    svk = w.as_("svk_analyst")
    token = csrf_of(svk.get("/screen").text)
    for name, body in (("good.csv", "names,birth_date\nLukas Novak,1990-02-03\nيوسف الحداد,1984-07-12\n"),
                       ("columns.csv", "colour\nred\n"),
                       ("rows.csv", "names,birth_date\nLukas Novak,1990-13-03\n,\n"),
                       ("empty.csv", "names\n")):
        r = svk.client.post("/screen/list", data={"csrf": token},
                            files={"passengers": (name, body.encode(), "text/csv")})
        w.check(f"svk_analyst POST /screen/list {name}", r, (200, 422))
    r = svk.client.post("/screen/list", data={"csrf": token})
    w.check("svk_analyst POST /screen/list without a file", r, (200, 422))


def _inbox_and_hit(w: Walk) -> None:
    inbox = w.get("mar_officer", "/inbox").text
    hit = re.search(r'href="(/hits/[^"]+)"', inbox)
    assert hit, "the hit of the screening step is in the owner's inbox"
    w.get("mar_officer", hit.group(1))
    w.post("mar_officer", hit.group(1), f"{hit.group(1)}/answer", {"decision": "maybe"}, status=(200, 422))
    w.post("mar_officer", hit.group(1), f"{hit.group(1)}/answer", {"decision": "confirmed", "note": "warrant valid"},
           status=303)
    w.get("svk_analyst", "/inbox")
    w.get("svk_analyst", hit.group(1))


def _notices(w: Walk, ids: dict[str, str]) -> None:
    w.get("mar_officer", "/notices/new")
    w.post("mar_officer", "/notices/new", "/notices/new", {**RED_FORM, "subject_id": ids["person"],
                                                          "warrant_date": "2024-02-31"}, status=422)
    w.post("mar_officer", "/notices/new", "/notices/new", {**RED_FORM, "type": ""}, status=422)
    w.post("mar_officer", "/notices/new", "/notices/new", {**RED_FORM, "type": "red", "subject_id": ids["vehicle"]},
           status=(200, 303, 422))
    w.post("mar_officer", "/notices/new", "/notices/new", {**RED_FORM, "type": "blue", "subject_id": ids["person"]},
           status=(200, 303, 422))
    r = w.post("mar_officer", "/notices/new", "/notices/new",
               {**RED_FORM, "subject_id": ids["person"], "warrant_authority": ""}, status=303)
    incomplete = r.headers["location"]
    w.get("mar_officer", incomplete)
    w.post("mar_officer", incomplete, f"{incomplete}/submit", {}, status=422)
    r = w.post("mar_officer", "/notices/new", "/notices/new", {**RED_FORM, "subject_id": ids["person"]}, status=303)
    notice = r.headers["location"]
    w.get("mar_officer", f"{notice}/edit")
    w.post("mar_officer", notice, f"{notice}/submit", {}, status=303)
    w.post("mar_officer", notice, f"{notice}/submit", {}, status=409)  # already submitted
    w.get("gs_reviewer", notice)
    w.post("gs_reviewer", notice, f"{notice}/review/start", {}, status=303)
    w.post("gs_reviewer", notice, f"{notice}/review", {"decision": "publish"}, status=422)
    w.post("gs_reviewer", notice, f"{notice}/review", {**PASS_ALL, "decision": "return"}, status=422)
    w.post("gs_reviewer", notice, f"{notice}/review", {**PASS_ALL}, status=422)
    w.post("gs_reviewer", notice, f"{notice}/review", {**PASS_ALL, "decision": "publish"}, status=303)
    w.get("mar_officer", notice)
    w.get("svk_analyst", notice)
    w.post("mar_officer", "/notices", "/notices", {"type": "red", "status": "published"})
    public = Browser(w.app)
    public.language(w.lang)
    w.check("anonymous GET /public", public.get("/public"))
    w.check("anonymous GET /login", public.get("/login"))
    w.check("anonymous POST /login", public.post_form("/login", "/login", {"username": "mar_officer",
                                                                           "password": "wrong"}), 401)


def _diffusions(w: Walk, ids: dict[str, str]) -> None:
    for kind in ("vehicle", "person", "travel_document"):
        page = f"/diffusions/new?record={ids[kind]}"
        r = w.post("mar_officer", page, "/diffusions/new", {"record_id": ids[kind], "request": "arrest",
                                                            "members": "SVK"}, status=303)
        w.get("mar_officer", r.headers["location"])
        w.get("svk_officer", r.headers["location"])
    page = f"/diffusions/new?record={ids['firearm']}"
    w.post("mar_officer", page, "/diffusions/new", {"record_id": ids["firearm"], "request": "locate", "members": ""},
           status=422)
    w.post("mar_officer", page, "/diffusions/new", {"record_id": ids["firearm"], "request": "locate",
                                                    "members": "XXQ"}, status=422)
    w.get("svk_officer", "/diffusions")
    w.get("svk_officer", "/inbox")


def _admin_and_errors(w: Walk, ids: dict[str, str]) -> None:
    w.post("mar_admin", "/admin/users", "/admin/users", {"username": "x y", "role": "frontline",
                                                         "password": "short"}, status=422)
    w.post("mar_admin", "/admin/users", "/admin/users", {"username": "mar_officer", "role": "reviewer",
                                                         "password": "a-long-password-1"}, status=422)
    w.get("mar_admin", "/audit")
    w.get("mar_admin", "/audit?action=record.read")
    w.get("fra_analyst", f"/records/{ids['person']}-0", status=404)
    w.get("mar_analyst", "/records/new/vehicle", status=403)
    w.get("mar_officer", "/records/new/spaceship", status=404)
    w.get("svk_officer", f"/records/{ids['vehicle']}/edit", status=(403, 404))


@pytest.mark.parametrize("lang", ["ar", "fr", "es"])
def test_no_page_is_left_in_english(app: FastAPI, users: dict[str, User], lang: str) -> None:
    w = Walk(app, users, lang)
    ids = _records(w)
    _navigation(w)
    _record_pages(w, ids)
    _record_form_errors(w, ids)
    _screening(w)
    _inbox_and_hit(w)
    _notices(w, ids)
    _diffusions(w, ids)
    _admin_and_errors(w, ids)
    _navigation(w)  # again, now that the dashboards, lists and inboxes have content
    assert w.pages > 100
    report = sorted({f"{where}: {english!r}" for where, english in w.found})
    assert not report, f"{len(report)} English strings on {lang} pages:\n" + "\n".join(report[:60])


def test_the_walk_finds_english_when_a_translation_is_missing(app: FastAPI, users: dict[str, User]) -> None:
    """The check above can fail: an English page judged as if it were French shows the French msgids' English."""
    w = Walk(app, users, "en")
    w.english = _English("fr")
    w.post("mar_officer", "/records/new/vehicle", "/records/new/vehicle", {**SHARING, "make": "Dacia"}, status=422)
    found = {english for _, english in w.found}
    assert "a vehicle needs a VIN or a plate" in found and "Please check the form" in found
