"""The pages in a real browser: Debian's Chromium driven by Playwright against a real server.

Skipped (with the reason) when Playwright or /usr/bin/chromium is missing, so the suite runs
anywhere; CI installs both. Screenshots of the main pages in Arabic and English go to
test-artifacts/ (git-ignored). Accessibility is checked with axe-core injected into each page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from taawun.access import identity
from taawun.access.actor import SYSTEM
from taawun.domain.enums import Role
from tests.conftest import PASSWORD, User, spawn_server, wait_until_serving

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

sync_api: Any = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not CHROMIUM.exists():
    pytest.skip("no browser at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)

LATIN_RECORD = {
    "kind": "person",
    "names": [{"full": "Youssef Abderrahmane El Haddad"}],
    "birth_date": "1984-07-12", "nationalities": ["MAR"], "sex": "m", "person_status": "wanted",
}
ARABIC_TYPED = "يوسف عبد الرحمن الحداد"
UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name)"""


@pytest.fixture
def server(db_url: str, engine: Engine, users: dict[str, User]) -> Iterator[str]:
    with engine.begin() as conn:
        identity.add_user(conn, SYSTEM, username="svk_frontline", org_code="SVK", role=Role.FRONTLINE,
                          password=PASSWORD)
    proc, url = spawn_server("tests.web.server:create_web_app", db_url)
    try:
        wait_until_serving(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _login(context: Any, url: str, username: str) -> Any:
    page = context.new_page()
    page.goto(f"{url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/dashboard")
    return page


def _axe(page: Any) -> list[dict[str, Any]]:
    """Serious and critical accessibility violations on the page (axe-core's own impact levels)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def _shoot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_restricted_person_screened_across_scripts(server: str, browser: Any) -> None:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    officer = _login(context, server, "mar_officer")
    officer.goto(f"{server}/records/new/person")
    officer.get_by_label("Name 1", exact=True).fill(LATIN_RECORD["names"][0]["full"])
    officer.get_by_label("Birth date").fill(LATIN_RECORD["birth_date"])
    officer.get_by_label("Nationalities (3-letter codes, separated by commas)").fill("MAR")
    officer.get_by_label("Status").select_option("wanted")
    officer.get_by_label("Terrorism").check()
    officer.get_by_label("Only those I list").check()
    officer.get_by_label("Countries to list (3-letter codes, separated by commas)").fill("SVK, ARE")
    officer.get_by_role("button", name="Save").click()
    officer.wait_for_url(f"{server}/records/*")
    assert "Youssef Abderrahmane El Haddad" in officer.content()
    record_url = officer.url
    _shoot(officer, "record-en")

    # Another member's frontline officer screens, typing the name in Arabic, with the keyboard only.
    frontline_context = browser.new_context(locale="en-GB", viewport={"width": 1024, "height": 900})
    frontline = _login(frontline_context, server, "svk_frontline")
    frontline.goto(f"{server}/screen")
    frontline.locator("body").focus()
    frontline.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(40):
        frontline.keyboard.press("Tab")
        if frontline.evaluate("document.activeElement.id") == "name":
            break
    else:
        pytest.fail("the name field cannot be reached with Tab")
    frontline.keyboard.type(ARABIC_TYPED)
    frontline.keyboard.press("Enter")
    verdict = frontline.locator(".verdict")
    verdict.wait_for()
    assert verdict.get_attribute("data-result") == "hit"
    assert "HIT" in verdict.inner_text()
    assert "Youssef Abderrahmane El Haddad" in frontline.content()
    _shoot(frontline, "screen-hit-en")

    # A member outside the restriction is told nothing more than the owner's name.
    are_context = browser.new_context()
    other = _login(are_context, server, "fra_analyst")
    assert other.goto(record_url).status == 404

    # Arabic: the whole page turns right-to-left.
    frontline.get_by_role("button", name="العربية").click()
    frontline.wait_for_load_state()
    assert frontline.evaluate("document.documentElement.dir") == "rtl"
    assert frontline.evaluate("document.documentElement.lang") == "ar"
    assert frontline.evaluate("getComputedStyle(document.body).direction") == "rtl"


def test_screenshots_and_accessibility(server: str, browser: Any) -> None:
    owner = httpx.post(f"{server}/api/v1/auth/token", data={"username": "mar_officer", "password": PASSWORD}).json()
    body = {**LATIN_RECORD, "names": [{"full": ARABIC_TYPED}, {"full": "Youssef El Haddad", "type": "transliteration"}],
            "crime_areas": ["terrorism", "drugs"]}
    record = httpx.post(f"{server}/api/v1/records", json=body,
                        headers={"Authorization": f"Bearer {owner['access_token']}"}).json()
    pages = {"dashboard": "/dashboard", "screen": "/screen", "records": "/records",
             "record": f"/records/{record['id']}", "person-form": "/records/new/person", "inbox": "/inbox",
             "audit": "/audit"}
    problems: dict[str, list[dict[str, Any]]] = {}
    # axe is injected as a script, which the page's CSP rightly refuses: only the test's context bypasses it.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/login")
    problems["login"] = _axe(page)
    _shoot(page, "login-en")
    page.get_by_label("Username").fill("mar_officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/dashboard")
    for lang, button in (("en", "English"), ("ar", "العربية")):
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state()
        for name, path in pages.items():
            page.goto(f"{server}{path}")
            if name == "screen":
                page.locator("#name").fill("Youssef El Haddad")
                page.locator("#name").press("Enter")
                page.locator(".verdict").wait_for()
            problems[f"{name}-{lang}"] = _axe(page)
            _shoot(page, f"{name}-{lang}")
            # Every form field has a label (or an accessible name given by the page).
            unlabelled = page.evaluate(UNLABELLED)
            assert not unlabelled, (name, lang, unlabelled)
    admin = context.new_page()
    context.clear_cookies()
    admin.goto(f"{server}/login")
    admin.get_by_label("Username").fill("mar_admin")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    admin.goto(f"{server}/admin/users")
    problems["users-en"] = _axe(admin)
    _shoot(admin, "users-en")
    assert not {k: v for k, v in problems.items() if v}, problems


def test_red_notice_requested_published_and_public(server: str, browser: Any) -> None:
    """An officer requests a red notice through the form, a GS reviewer publishes it, the public page shows it."""
    token = httpx.post(f"{server}/api/v1/auth/token", data={"username": "mar_officer", "password": PASSWORD}).json()
    subject = httpx.post(f"{server}/api/v1/records", json=LATIN_RECORD,
                         headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    problems: dict[str, list[dict[str, Any]]] = {}
    officer = _login(browser.new_context(locale="en-GB", bypass_csp=True), server, "mar_officer")
    officer.goto(f"{server}/notices/new")
    problems["notice-form"] = _axe(officer)
    assert not officer.evaluate(UNLABELLED)
    officer.get_by_label("Notice type").select_option("red")
    officer.get_by_label("Subject record id").fill(subject["id"])
    officer.get_by_label("Kind of decision").select_option("arrest_warrant")
    officer.get_by_label("Warrant date").fill("2024-03-02")
    officer.get_by_label("Issuing judicial authority").fill("Investigating judge, Casablanca")
    officer.get_by_label("Charges (one per line)").fill("armed robbery\nattempted murder")
    officer.get_by_label("Allow a public extract", exact=False).check()
    officer.get_by_role("button", name="Save the draft").click()
    officer.wait_for_url(f"{server}/notices/*")
    notice_url = officer.url
    officer.get_by_role("button", name="Submit to the General Secretariat").click()
    officer.wait_for_load_state()
    assert "Submitted" in officer.content()

    reviewer = _login(browser.new_context(locale="en-GB", bypass_csp=True), server, "gs_reviewer")
    reviewer.goto(notice_url)
    reviewer.get_by_role("button", name="Start the review").click()
    reviewer.wait_for_load_state()
    for item in ("neutrality", "human_rights", "minimum_data", "data_quality"):
        reviewer.locator(f'input[name="mark_{item}"][value="pass"]').check()
    reviewer.locator('input[name="decision"][value="publish"]').check()
    problems["notice-review"] = _axe(reviewer)
    assert not reviewer.evaluate(UNLABELLED)
    reviewer.get_by_role("button", name="Record the decision").click()
    reviewer.wait_for_load_state()
    assert "Published" in reviewer.content()
    _shoot(reviewer, "notice-published-en")

    public = browser.new_context(locale="ar", bypass_csp=True).new_page()
    public.goto(f"{server}/public")
    assert public.evaluate("document.documentElement.dir") == "rtl"
    text = public.inner_text("main")
    assert "Youssef Abderrahmane El Haddad" in text and "armed robbery" in text
    assert subject["id"] not in public.content() and "Casablanca" not in text and "1984" not in text
    problems["public-ar"] = _axe(public)
    _shoot(public, "public-ar")
    assert not {k: v for k, v in problems.items() if v}, problems


def _axe_all(page: Any) -> list[dict[str, Any]]:
    """Every axe-core violation on the page, whatever its impact (the new record and diffusion pages)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"]]


def _check(page: Any, problems: dict[str, list[dict[str, Any]]], name: str) -> None:
    problems[name] = _axe_all(page)
    assert not page.evaluate(UNLABELLED), name
    _shoot(page, name)


def test_vehicle_and_case_linked_and_diffused(server: str, browser: Any) -> None:
    """An officer records a vehicle and a case through the forms, links them, and sends a diffusion."""
    problems: dict[str, list[dict[str, Any]]] = {}
    context = browser.new_context(locale="en-GB", bypass_csp=True, viewport={"width": 1280, "height": 900})
    officer = _login(context, server, "mar_officer")
    officer.goto(f"{server}/records")
    officer.get_by_role("link", name="New: Vehicle").click()
    officer.wait_for_url(f"{server}/records/new/vehicle")
    _check(officer, problems, "vehicle-form-en")
    officer.get_by_label("Number plate").fill("48213-B-6")
    officer.get_by_label("Country of the plate").fill("MAR")
    officer.get_by_label("Make").fill("Renault")
    officer.get_by_label("Model").fill("Master")
    officer.get_by_label("Migrant smuggling").check()
    officer.get_by_label("H1 – not to be used in court without our permission.").check()
    officer.get_by_role("button", name="Save").click()
    officer.wait_for_url(f"{server}/records/*")
    vehicle_url = officer.url
    assert "48213-B-6" in officer.inner_text("main")

    officer.goto(f"{server}/records/new/case")
    _check(officer, problems, "case-form-en")
    officer.get_by_label("Summary of the case", exact=False).fill("Migrants hidden in hired vans crossing at Ceuta")
    officer.get_by_label("Date of the facts").fill("2026-03")
    officer.get_by_label("Place of the facts").fill("Ceuta")
    officer.get_by_role("button", name="Save").click()
    officer.wait_for_url(f"{server}/records/*")
    case_id = officer.locator("#record-number").inner_text()

    officer.goto(vehicle_url)
    officer.get_by_role("link", name="Link to another record").click()
    officer.wait_for_url(f"{server}/records/new/link*")
    _check(officer, problems, "link-form-en")
    officer.get_by_label("To record (number)", exact=False).fill(case_id)
    officer.get_by_label("Relation", exact=False).select_option("used")
    officer.get_by_label("Note").fill("van seen at the crossing")
    officer.get_by_role("button", name="Save").click()
    officer.wait_for_url(vehicle_url)
    links = officer.locator("ul.links").inner_text()
    assert "used" in links and "Migrants hidden in hired vans" in links and "van seen at the crossing" in links
    _check(officer, problems, "record-with-link-en")

    # A diffusion about the vehicle to Slovakia, from the record's page.
    officer.get_by_role("link", name="Send a diffusion").click()
    officer.wait_for_url(f"{server}/diffusions/new*")
    _check(officer, problems, "diffusion-form-en")
    officer.get_by_label("Locate: find out where the vehicle is and tell us.").check()  # worded for a vehicle
    officer.get_by_label("Message").fill("Van last seen heading north")
    officer.get_by_label("Countries (3-letter codes, separated by commas)").fill("SVK")
    officer.get_by_role("button", name="Send", exact=True).click()
    officer.wait_for_url(f"{server}/diffusions/*")
    diffusion_url = officer.url
    assert "Van last seen heading north" in officer.inner_text("main")
    _check(officer, problems, "diffusion-en")
    officer.goto(f"{server}/diffusions")
    _check(officer, problems, "diffusions-en")

    # The same pages in Arabic: right-to-left, translated, and as accessible.
    officer.get_by_role("button", name="العربية").click()
    officer.wait_for_load_state()
    for name, path in (("record-with-link", vehicle_url), ("diffusion", diffusion_url),
                       ("diffusions", f"{server}/diffusions"), ("vehicle-form", f"{server}/records/new/vehicle"),
                       ("link-form", f"{server}/records/new/link?source={case_id}"),
                       ("case-form", f"{server}/records/new/case"),
                       ("diffusion-form", f"{server}/diffusions/new?record={case_id}"),
                       ("dashboard", f"{server}/dashboard")):
        officer.goto(path)
        assert officer.evaluate("document.documentElement.dir") == "rtl", name
        _check(officer, problems, f"{name}-ar")
    officer.goto(vehicle_url)
    assert "استخدم" in officer.locator("ul.links").inner_text()  # "used", in Arabic
    assert not {k: v for k, v in problems.items() if v}, problems


def test_language_saved_to_the_account_and_rtl_mirrors(server: str, browser: Any) -> None:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = _login(context, server, "mar_analyst")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_role("button", name="العربية").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    # The layout mirrors: the site name sits on the right, the navigation reads from the right.
    brand = page.locator(".brand").bounding_box()
    assert brand and brand["x"] > 1280 / 2
    first, last = page.locator("nav ul li").first.bounding_box(), page.locator("nav ul li").last.bounding_box()
    assert first and last and first["x"] > last["x"]
    page.get_by_role("button", name="تسجيل الخروج").click()
    page.wait_for_url(f"{server}/login")
    assert page.evaluate("document.documentElement.lang") == "en"  # the browser's language before sign-in
    # Signing in again, in a fresh browser whose language is Spanish: the account's Arabic comes back.
    fresh = browser.new_context(locale="es-ES").new_page()
    fresh.goto(f"{server}/login")
    assert fresh.evaluate("document.documentElement.lang") == "es"
    fresh.get_by_label("Nombre de usuario").fill("mar_analyst")
    fresh.get_by_label("Contraseña").fill(PASSWORD)
    fresh.get_by_role("button", name="Iniciar sesión").click()
    fresh.wait_for_url(f"{server}/dashboard")
    assert fresh.evaluate("document.documentElement.lang") == "ar"
    assert fresh.evaluate("getComputedStyle(document.body).direction") == "rtl"


def test_form_errors_are_shown_in_arabic(server: str, browser: Any) -> None:
    """A refused form, in Arabic: the model's rule and pydantic's own check come back in Arabic, right to left."""
    context = browser.new_context(locale="en-GB", bypass_csp=True, viewport={"width": 1024, "height": 900})
    officer = _login(context, server, "mar_officer")
    officer.get_by_role("button", name="العربية").click()
    officer.wait_for_load_state()
    officer.goto(f"{server}/records/new/vehicle")
    officer.locator("#make").fill("Dacia")
    officer.locator("form.stack button[type=submit].primary").click()
    officer.wait_for_load_state()
    alert = officer.get_by_role("alert")
    text = alert.inner_text()
    assert "تحتاج المركبة إلى رقم تعريف (VIN) أو رقم لوحة" in text, text
    assert "vehicle" not in text and "VIN or a plate" not in text
    assert officer.evaluate("document.documentElement.dir") == "rtl"
    assert officer.evaluate("getComputedStyle(document.querySelector('[role=alert]')).direction") == "rtl"
    assert officer.locator("#make").input_value() == "Dacia"  # the form comes back filled in
    problems = {"vehicle-error-ar": _axe_all(officer)}
    _shoot(officer, "vehicle-error-ar")

    officer.goto(f"{server}/records/new/case")
    officer.locator("#summary").fill("Stolen cars shipped through the port")
    officer.locator("#date").fill("2026-13")
    officer.locator("form.stack button[type=submit].primary").click()
    officer.wait_for_load_state()
    text = officer.get_by_role("alert").inner_text()
    assert "تاريخ الوقائع" in text and "الشهر 13 غير موجود" in text, text  # the field's label, then the reason
    problems["case-error-ar"] = _axe_all(officer)
    assert not {k: v for k, v in problems.items() if v}, problems


def test_every_role_walks_its_pages_in_arabic(server: str, browser: Any) -> None:
    """Each role's pages in Arabic in the browser: right to left, no English message, every field labelled,
    no serious accessibility problem; screenshots of each for review."""
    from tests.web.test_no_english import OTHER_KINDS, _English, _Visible

    english = _English("ar")
    token = httpx.post(f"{server}/api/v1/auth/token", data={"username": "mar_officer", "password": PASSWORD}).json()
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    ids = {kind: httpx.post(f"{server}/api/v1/records", json=body, headers=auth).json()["id"]
           for kind, body in {"person": LATIN_RECORD, **OTHER_KINDS}.items()}
    walks = {
        "mar_officer": ["/dashboard", "/records", "/inbox", "/notices", "/notices/new", "/diffusions", "/screen",
                        "/audit", *(f"/records/{i}" for i in ids.values()), f"/records/{ids['vehicle']}/edit",
                        "/records/new/person", f"/diffusions/new?record={ids['firearm']}"],
        "svk_frontline": ["/dashboard", "/screen", "/inbox"],
        "mar_analyst": ["/dashboard", "/records", f"/records/{ids['person']}", "/notices", "/audit"],
        "gs_reviewer": ["/dashboard", "/notices", "/records", "/audit"],
        "mar_admin": ["/dashboard", "/admin/users", "/audit"],
    }
    problems: dict[str, Any] = {}
    for username, paths in walks.items():
        context = browser.new_context(locale="ar", bypass_csp=True, viewport={"width": 1024, "height": 800})
        page = context.new_page()
        page.goto(f"{server}/login")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        page.locator("#username").fill(username)
        page.locator("#password").fill(PASSWORD)
        page.locator("form[action=\"/login\"] button[type=submit]").click()
        page.wait_for_url(f"{server}/dashboard")
        if page.evaluate("document.documentElement.lang") != "ar":
            page.get_by_role("button", name="العربية").click()
            page.wait_for_load_state()
        for path in paths:
            page.goto(f"{server}{path}")
            name = f"{username}{path.replace('/', '_').split('?')[0]}"
            for kind, record_id in ids.items():  # screenshots named by the record's kind, stable between runs
                name = name.replace(record_id, kind)
            assert page.evaluate("document.documentElement.dir") == "rtl", name
            parser = _Visible()
            parser.feed(page.content())
            found = sorted({e for text in parser.texts for e in english.found_in(text)})
            problems.update({f"{name} english": found} if found else {})
            unlabelled = page.evaluate(UNLABELLED)
            problems.update({f"{name} unlabelled": unlabelled} if unlabelled else {})
            violations = _axe(page)
            problems.update({f"{name} axe": violations} if violations else {})
            _shoot(page, f"walk-ar-{name}")
        context.close()
    assert not problems, problems
