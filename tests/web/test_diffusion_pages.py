"""Diffusion pages: send from a record, the recipients' inbox and reply, withdrawal, and what stays hidden."""

from __future__ import annotations

import re

from fastapi import FastAPI

from tests.conftest import User
from tests.test_screening import WANTED
from tests.web.helpers import api_create, signed_in


def test_send_reply_withdraw(app: FastAPI, users: dict[str, User]) -> None:
    record = api_create(app, users["mar_officer"], WANTED)["id"]
    officer = signed_in(app, "mar_officer")
    assert f"/diffusions/new?record={record}" in officer.get(f"/records/{record}").text
    page = f"/diffusions/new?record={record}"
    r = officer.post_form(page, "/diffusions/new", {"record_id": record, "request": "locate",
                                                   "message": "Seen near the port of Algeciras", "members": "svk"})
    assert r.status_code == 303, r.text[:2000]
    path = r.headers["location"]
    sent = officer.get(path).text
    assert "Seen near the port of Algeciras" in sent and "Slovakia" in sent and "Locate:" in sent
    # The recipient finds it in its inbox and in its list, and replies.
    svk = signed_in(app, "svk_officer")
    assert f'href="{path}"' in svk.get("/inbox").text
    assert f'href="{path}"' in svk.get("/diffusions").text
    r = svk.post_form(path, f"{path}/reply", {"text": "Checked: not in our records"})
    assert r.status_code == 303
    assert "Checked: not in our records" in officer.get(path).text
    assert "Reply to our diffusion" in officer.get("/inbox").text
    # An empty reply is a form with a message, not a 500.
    r = svk.post_form(path, f"{path}/reply", {"text": ""})
    assert r.status_code == 422
    # Others cannot open it; recipients cannot withdraw it.
    assert signed_in(app, "bhr_analyst").get(path).status_code == 404
    assert path not in signed_in(app, "bhr_analyst").get("/diffusions").text
    assert svk.post_form(path, f"{path}/withdraw", {"reason": ""}).status_code == 403
    r = officer.post_form(path, f"{path}/withdraw", {"reason": "arrested"})
    assert r.status_code == 303
    after = svk.get(path).text
    assert "withdrew this diffusion" in after and "Haddad" not in after
    assert "Diffusion withdrawn by its sender" in svk.get("/inbox").text
    assert officer.post_form(path, f"{path}/withdraw", {"reason": ""}).status_code == 409


def test_bad_input_and_sharing_rules_are_messages(app: FastAPI, users: dict[str, User]) -> None:
    restricted = api_create(app, users["mar_officer"], {**WANTED, "restriction": {"mode": "only",
                                                                                   "members": ["ARE", "SVK"]}})["id"]
    officer = signed_in(app, "mar_officer")
    page = f"/diffusions/new?record={restricted}"
    r = officer.post_form(page, "/diffusions/new", {"record_id": restricted, "request": "arrest", "members": ""})
    assert r.status_code == 422 and "at least one recipient" in r.text
    r = officer.post_form(page, "/diffusions/new", {"record_id": restricted, "request": "arrest",
                                                   "members": "XXX"})
    assert r.status_code == 422 and "XXX" in r.text
    r = officer.post_form(page, "/diffusions/new", {"record_id": restricted, "request": "nonsense",
                                                   "members": "SVK"})
    assert r.status_code == 422 and "request" in r.text
    # A non-owner may pass on only to those the owner shares with, and never an H2 record.
    are = signed_in(app, "are_officer")
    r = are.post_form(page, "/diffusions/new", {"record_id": restricted, "request": "arrest", "members": "FRA"})
    assert r.status_code == 422 and "does not share this record with FRA" in r.text
    h2 = api_create(app, users["mar_officer"], {**WANTED, "handling": "H2"})["id"]
    r = are.post_form(f"/diffusions/new?record={h2}", "/diffusions/new",
                      {"record_id": h2, "request": "arrest", "members": "SVK"})
    assert r.status_code == 403 and "H2" in r.text


def test_hidden_record_cannot_be_sent_or_seen(app: FastAPI, users: dict[str, User]) -> None:
    hidden = api_create(app, users["mar_officer"], {**WANTED, "restriction": {"mode": "only",
                                                                               "members": ["ARE"]}})["id"]
    svk = signed_in(app, "svk_officer")
    r = svk.get(f"/diffusions/new?record={hidden}")
    assert r.status_code == 404 and "Haddad" not in r.text
    r = svk.post_form("/diffusions", "/diffusions/new", {"record_id": hidden, "request": "arrest", "members": "FRA"})
    assert r.status_code == 404 and "Haddad" not in r.text
    assert svk.get("/diffusions/not-an-id").status_code == 404
    # The owner sends it to ARE; SVK sees nothing of it anywhere.
    owner = signed_in(app, "mar_officer")
    r = owner.post_form(f"/diffusions/new?record={hidden}", "/diffusions/new",
                        {"record_id": hidden, "request": "arrest", "members": "ARE"})
    path = r.headers["location"]
    assert svk.get(path).status_code == 404
    listing = svk.get("/diffusions").text
    assert "Haddad" not in listing and not re.search(re.escape(path), listing)
