"""The forms of the other record kinds and of links, through the pages, and what they must not reveal."""

from __future__ import annotations

import re

from fastapi import FastAPI
from sqlalchemy import Engine, text

from tests.conftest import User
from tests.test_screening import WANTED
from tests.web.helpers import api_create, signed_in

SHARING = {"restriction_mode": "all_members", "hit_disclosure": "contact_owner", "handling": "H0"}


def _create(browser, kind: str, form: dict) -> str:  # type: ignore[no-untyped-def]
    r = browser.post_form(f"/records/new/{kind}", f"/records/new/{kind}", {**SHARING, **form})
    assert r.status_code == 303, r.text[:2000]
    return str(r.headers["location"]).rsplit("/", 1)[1]


def test_every_kind_created_and_edited_through_its_form(app: FastAPI) -> None:
    officer = signed_in(app, "mar_officer")
    forms = {
        "travel_document": {"number": "QX1234567", "country": "mar", "document_type": "passport",
                            "document_status": "stolen"},
        "vehicle": {"plate": "12345-A-6", "plate_country": "MAR", "make": "Dacia", "model": "Logan"},
        "firearm": {"serial": "GL-778812", "make": "Glock", "calibre": "9 mm"},
        "organisation": {"name_0": "Atlas Freight Brokers", "name_type_0": "primary", "organisation_type": "company"},
        "case": {"summary": "Container of stolen cars seized at Tanger Med", "date": "2026-02", "place": "Tanger"},
    }
    for kind, form in forms.items():
        record_id = _create(officer, kind, {**form, "crime_areas": ["organised_crime"]})
        page = officer.get(f"/records/{record_id}").text
        for value in form.values():
            if value not in ("passport", "stolen", "company", "primary", "mar", "2026-02"):
                assert value in page, (kind, value)
        if kind == "case":
            assert "Feb 2026" in page  # the partial date in the page's language
        edit = officer.get(f"/records/{record_id}/edit")
        assert edit.status_code == 200 and 'name="version" value="1"' in edit.text
        # Edit: H2 handling and a narrower audience; the page says so in words.
        r = officer.post_form(f"/records/{record_id}/edit", f"/records/{record_id}/edit",
                              {**SHARING, **form, "handling": "H2", "restriction_mode": "only",
                               "restriction_members": "ESP", "version": "1"})
        assert r.status_code == 303, (kind, r.text[:2000])
        page = officer.get(f"/records/{record_id}").text
        assert "not to be passed on without our permission" in page
        assert signed_in(app, "fra_analyst").get(f"/records/{record_id}").status_code == 404


def test_bad_input_gives_the_form_back_with_messages(app: FastAPI) -> None:
    officer = signed_in(app, "mar_officer")
    r = officer.post_form("/records/new/vehicle", "/records/new/vehicle", {**SHARING, "make": "Dacia"})
    assert r.status_code == 422 and "a vehicle needs a VIN or a plate" in r.text and "Dacia" in r.text
    r = officer.post_form("/records/new/case", "/records/new/case", {**SHARING, "summary": "x", "date": "2026-13"})
    assert r.status_code == 422 and "date" in r.text
    r = officer.post_form("/records/new/firearm", "/records/new/firearm",
                          {**SHARING, "serial": "A1", "restriction_mode": "only"})
    assert r.status_code == 422 and "mode only needs" in r.text
    assert officer.get("/records/new/spaceship").status_code == 404
    assert signed_in(app, "mar_analyst").get("/records/new/vehicle").status_code == 403


def test_link_vehicle_to_case_shows_on_both_pages(app: FastAPI) -> None:
    officer = signed_in(app, "mar_officer")
    vehicle = _create(officer, "vehicle", {"plate": "77-B-900", "make": "Renault"})
    case = _create(officer, "case", {"summary": "Smuggling ring using hired vans"})
    form = officer.get(f"/records/new/link?source={vehicle}").text
    assert f'value="{vehicle}"' in form and "77-B-900" in form
    r = officer.post_form(f"/records/new/link?source={vehicle}", "/records/new/link",
                          {**SHARING, "source_id": vehicle, "target_id": case, "link_type": "used",
                           "note": "rented under a false name"})
    assert r.status_code == 303 and r.headers["location"] == f"/records/{vehicle}"
    page = officer.get(f"/records/{vehicle}").text
    assert "Smuggling ring using hired vans" in page and "used" in page and "rented under a false name" in page
    assert "77-B-900" in officer.get(f"/records/{case}").text
    # A link to a record that does not exist is refused with a message, not a 500.
    r = officer.post_form("/records/new/link", "/records/new/link",
                          {**SHARING, "source_id": vehicle, "target_id": "00000000-0000-0000-0000-000000000000",
                           "link_type": "used"})
    assert r.status_code == 422 and "unknown record" in r.text
    r = officer.post_form("/records/new/link", "/records/new/link",
                          {**SHARING, "source_id": vehicle, "target_id": "not a number", "link_type": "used"})
    assert r.status_code == 422


def test_hidden_record_cannot_be_reached_through_any_record_page(app: FastAPI, users: dict[str, User]) -> None:
    hidden = api_create(app, users["mar_officer"],
                         {**WANTED, "restriction": {"mode": "only", "members": ["ARE"]}})["id"]
    visible = api_create(app, users["svk_officer"], {"kind": "vehicle", "plate": "SK-001-AA"})["id"]
    outsider = signed_in(app, "svk_officer")
    for path in (f"/records/{hidden}", f"/records/{hidden}/edit", f"/records/new/link?source={hidden}"):
        r = outsider.get(path)
        assert r.status_code == 404, path
        assert "Haddad" not in r.text and "الحداد" not in r.text
    # Linking one's own record to the hidden one is refused exactly as a record that does not exist.
    r = outsider.post_form("/records/new/link", "/records/new/link",
                           {**SHARING, "source_id": visible, "target_id": hidden, "link_type": "used"})
    assert r.status_code == 422 and "unknown record" in r.text and "Haddad" not in r.text
    # Editing someone else's visible record through the form is refused as well.
    r = outsider.post_form(f"/records/{visible}", f"/records/{hidden}/edit", {**SHARING, "plate": "X"})
    assert r.status_code == 404
    # The owner's link between its hidden person and a shared vehicle is not shown to the outsider.
    owner = signed_in(app, "mar_officer")
    r = owner.post_form("/records/new/link", "/records/new/link",
                        {**SHARING, "source_id": hidden, "target_id": visible, "link_type": "used"})
    assert r.status_code == 303
    page = outsider.get(f"/records/{visible}").text
    assert "No links you can see." in page and "Haddad" not in page and hidden not in page


def _stat(html: str, label: str) -> int:
    match = re.search(r'<p class="stat">([\d,]+)</p>\s*<p class="stat-label">(?:<a[^>]*>)?' + re.escape(label), html)
    assert match, label
    return int(match.group(1).replace(",", ""))


def test_dashboard_counts_only_what_the_viewer_may_see(app: FastAPI, users: dict[str, User],
                                                       engine: Engine) -> None:
    before = _stat(signed_in(app, "svk_analyst").get("/dashboard").text, "active records you can see")
    api_create(app, users["mar_officer"], {**WANTED, "crime_areas": ["cultural_property"],
                                            "restriction": {"mode": "only", "members": ["ARE"]}})
    api_create(app, users["mar_officer"], {"kind": "firearm", "serial": "AK-1", "crime_areas": ["firearms"]})
    outsider = signed_in(app, "svk_analyst").get("/dashboard").text
    assert _stat(outsider, "active records you can see") == before + 1
    assert "Firearms trafficking" in outsider and "Cultural property" not in outsider
    insider = signed_in(app, "are_analyst").get("/dashboard").text
    assert "Cultural property" in insider and "Firearms trafficking" in insider
    owner = signed_in(app, "mar_analyst").get("/dashboard").text
    assert _stat(owner, "of them are your organisation") == 2
    # Reading the figures is audited for the viewer.
    with engine.connect() as conn:
        actions = [r[0] for r in conn.execute(text(
            "SELECT action FROM audit_log WHERE username = 'svk_analyst'"))]
    assert "stats.records" in actions and "stats.hits" in actions


def test_delete_needs_confirmation_and_ownership(app: FastAPI, users: dict[str, User]) -> None:
    vehicle = api_create(app, users["mar_officer"], {"kind": "vehicle", "plate": "DEL-1"})["id"]
    path = f"/records/{vehicle}"
    # Another country's officer who may see it may not delete it (403, as in the API); one who may not see it: 404.
    assert signed_in(app, "svk_officer").post_form(path, f"{path}/delete", {"confirm": "yes"}).status_code == 403
    hidden = api_create(app, users["mar_officer"], {"kind": "vehicle", "plate": "DEL-2",
                                                     "restriction": {"mode": "only", "members": ["ARE"]}})["id"]
    r = signed_in(app, "svk_officer").post_form(path, f"/records/{hidden}/delete", {"confirm": "yes"})
    assert r.status_code == 404 and "DEL-2" not in r.text
    owner = signed_in(app, "mar_officer")
    assert owner.post_form(path, f"{path}/delete", {}).status_code == 303
    assert owner.get(path).status_code == 200  # not ticked: nothing happened
    assert owner.post_form(path, f"{path}/delete", {"confirm": "yes"}).status_code == 303
    assert owner.get(path).status_code == 404


def test_link_form_finds_the_other_end_through_the_gate(app: FastAPI, users: dict[str, User]) -> None:
    hidden = api_create(app, users["mar_officer"], {**WANTED, "restriction": {"mode": "only", "members": ["ARE"]}})
    shared = api_create(app, users["mar_officer"], {**WANTED, "names": [{"full": "Youssef Haddad Benkirane"}]})
    officer = signed_in(app, "svk_officer")
    own = _create(officer, "vehicle", {"plate": "BA-123-XY"})
    base = {**SHARING, "source_id": own, "link_type": "used", "target_id": "", "note": "kept"}
    r = officer.post_form(f"/records/{own}", "/records/new/link/find", {**base, "find": "Haddad"})
    assert r.status_code == 200 and "Youssef Haddad Benkirane" in r.text and 'value="kept"' in r.text
    assert hidden["id"] not in r.text and "Youssef El Haddad" not in r.text  # the restricted one is not offered
    r = officer.post_form(f"/records/{own}", "/records/new/link/find", {**base, "pick": shared["id"]})
    assert r.status_code == 200 and f'name="target_id" value="{shared["id"]}"' in r.text
    r = officer.post_form(f"/records/{own}", "/records/new/link/find", {**base, "pick": hidden["id"]})
    assert r.status_code == 404 and "Haddad" not in r.text
    # Enter with nothing to search for saves the link.
    r = officer.post_form(f"/records/{own}", "/records/new/link/find", {**base, "target_id": shared["id"]})
    assert r.status_code == 303 and r.headers["location"] == f"/records/{own}"


def test_export_from_the_list_respects_visibility_and_h2(app: FastAPI, users: dict[str, User]) -> None:
    import json

    shared = api_create(app, users["mar_officer"], {"kind": "vehicle", "plate": "EXP-1", "crime_areas": ["drugs"]})
    h2 = api_create(app, users["mar_officer"], {"kind": "vehicle", "plate": "EXP-2", "handling": "H2",
                                                 "crime_areas": ["drugs"]})
    hidden = api_create(app, users["mar_officer"], {"kind": "vehicle", "plate": "EXP-3", "crime_areas": ["drugs"],
                                                     "restriction": {"mode": "only", "members": ["ARE"]}})
    analyst = signed_in(app, "svk_analyst")
    r = analyst.post_form("/records", "/records/export", {"kind": "vehicle", "crime_area": "drugs"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    exported = {json.loads(line)["id"] for line in r.text.splitlines()}
    assert exported == {shared["id"]}  # the H2 record stays with its owner; the hidden one is not there at all
    owner = signed_in(app, "mar_analyst").post_form("/records", "/records/export", {"kind": "vehicle"})
    assert {shared["id"], h2["id"], hidden["id"]} <= {json.loads(line)["id"] for line in owner.text.splitlines()}
    assert signed_in(app, "mar_frontline").post_form("/dashboard", "/records/export", {}).status_code == 403


NASTY = ["", "x" * 20_000, "\x00\x01", "<script>alert(1)</script>", "1984-02-30", "not-a-uuid", "ZZZ", "-1",
         "٣٤٥", "H9", "all_members"]


def test_nasty_input_never_gives_a_500_or_a_record(app: FastAPI, engine: Engine) -> None:
    from taawun.web import kind_forms

    officer = signed_in(app, "mar_officer")
    with engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM records")).scalar_one()
    for kind, fields in kind_forms.KIND_FIELDS.items():
        for i, junk in enumerate(NASTY):
            form = {f.name: junk for f in fields}
            form.update({"restriction_mode": NASTY[(i + 1) % len(NASTY)], "handling": NASTY[(i + 2) % len(NASTY)],
                         "hit_disclosure": junk, "crime_areas": [junk], "restriction_regions": [junk],
                         "evaluation_source": "A" if i % 2 else "", "evaluation_information": junk, "review_due": junk})
            r = officer.post_form(f"/records/new/{kind}", f"/records/new/{kind}", form)
            assert r.status_code in (404, 422), (kind, junk[:20], r.status_code)
            assert "<script>alert(1)</script>" not in r.text
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM records")).scalar_one() == before
