"""`taawun screen`: a frontline check from a terminal, one traveller or a passenger list."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from taawun.cli import app
from tests.conftest import User
from tests.test_screening import WANTED

runner = CliRunner()


def _record(client: TestClient, user: User, body: dict) -> str:
    r = client.post("/api/v1/records", json=body, headers=user.headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_screen_one_traveller_arabic_against_latin(client: TestClient, users: dict[str, User], db_url: str) -> None:
    record_id = _record(client, users["mar_officer"], WANTED)
    result = runner.invoke(app, ["screen", "--db", db_url, "--token", users["svk_officer"].token,
                                 "--name", "يوسف الحداد", "--birth-date", "1984-07-12", "--location", "BTS gate 4"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("HIT") and record_id in result.output and "action arrest" in result.output
    inbox = client.get("/api/v1/inbox", headers=users["mar_officer"].headers).json()
    assert inbox["unread"] == 1 and inbox["items"][0]["detail"]["location"] == "BTS gate 4"
    result = runner.invoke(app, ["screen", "--db", db_url, "--token", users["svk_officer"].token,
                                 "--name", "Lukas Novak"])
    assert result.exit_code == 0 and result.output.strip() == "NO HIT"


def test_screen_hidden_record_says_contact_owner_only(client: TestClient, users: dict[str, User],
                                                      db_url: str) -> None:
    record_id = _record(client, users["mar_officer"], {**WANTED, "restriction": {"mode": "only", "members": ["ARE"]}})
    result = runner.invoke(app, ["screen", "--db", db_url, "--token", users["svk_officer"].token,
                                 "--document", "TK4481203", "--country", "MAR"])
    assert result.exit_code == 0, result.output
    assert "POSSIBLE HIT" in result.output and "contact NCB MAR" in result.output
    assert record_id not in result.output and "الحداد" not in result.output


def test_screen_passenger_list_file(client: TestClient, users: dict[str, User], db_url: str, tmp_path: Path) -> None:
    _record(client, users["mar_officer"], WANTED)
    passengers = tmp_path / "flight.csv"
    passengers.write_text("names,birth_date,reference\nLukas Novak,1990,p1\nYoussef El Haddad,1984-07-12,p2\n",
                          encoding="utf-8")
    results = tmp_path / "results.ndjson"
    out = runner.invoke(app, ["screen", "--db", db_url, "--token", users["svk_officer"].token,
                              "--file", str(passengers), "--output", str(results)])
    assert out.exit_code == 0, out.output
    lines = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    assert [(r["reference"], r["result"]) for r in lines] == [("p1", "no_hit"), ("p2", "hit")]
    assert "2 travellers: 1 hit" in out.output


def test_screen_errors_are_one_sentence(users: dict[str, User], db_url: str, tmp_path: Path) -> None:
    cases = [
        (["--token", "tw_wrong", "--name", "Lukas Novak"], "invalid token"),
        (["--token", users["svk_officer"].token], "give at least a name or a document number"),
        (["--token", users["svk_officer"].token, "--name", "Lukas", "--birth-date", "2023-02-30"], "not a real"),
        (["--token", users["svk_officer"].token, "--file", str(tmp_path / "missing.csv")], "cannot read"),
        (["--token", users["gs_reviewer"].token, "--name", "Lukas Novak"], "may not screen"),
    ]
    for args, words in cases:
        result = runner.invoke(app, ["screen", "--db", db_url, *args])
        assert result.exit_code != 0, (args, result.output)
        assert words.lower() in result.output.lower(), (args, result.output)
        assert "Traceback" not in result.output
