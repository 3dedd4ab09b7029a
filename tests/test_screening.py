"""Frontline screening through the API: hits, disclosure, notifications, passenger lists."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.conftest import User, person

WANTED = {
    "kind": "person",
    "names": [{"full": "يوسف عبد الرحمن الحداد"},
              {"full": "Youssef Abderrahmane El Haddad", "type": "transliteration"}],
    "birth_date": "1984-07-12",
    "nationalities": ["MAR"],
    "sex": "m",
    "person_status": "wanted",
    "identifiers": [{"type": "passport", "number": "TK-448 1203", "country": "MAR"}],
    "crime_areas": ["terrorism"],
}


def _create(client: TestClient, user: User, body: dict) -> dict:
    r = client.post("/api/v1/records", json=body, headers=user.headers)
    assert r.status_code == 201, r.text
    return r.json()


def _screen(client: TestClient, user: User, **query: object) -> dict:
    r = client.post("/api/v1/screen/person", json=query, headers=user.headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_latin_query_finds_arabic_record_with_explanation(client: TestClient, users: dict[str, User]) -> None:
    rec = _create(client, users["mar_officer"], WANTED)
    out = _screen(client, users["svk_officer"], names=["Yousef Abdulrahman Al-Haddad"], birth_date="1984-07-12")
    assert out["result"] == "hit"
    hit = out["hits"][0]
    assert hit["record_id"] == rec["id"] and hit["disclosure"] == "full"
    assert hit["owner"] == "MAR" and hit["action"] == "arrest"
    assert 0 < hit["score"] <= 1 and hit["explanation"]
    assert hit["names"][0]["full"] == "يوسف عبد الرحمن الحداد"


def test_unrelated_traveller_is_no_hit(client: TestClient, users: dict[str, User]) -> None:
    _create(client, users["mar_officer"], WANTED)
    out = _screen(client, users["svk_officer"], names=["Lukas Novak"], birth_date="1990-01-01")
    assert out == {"screening_id": out["screening_id"], "result": "no_hit", "hits": []}


def test_document_number_matches_ignoring_format(client: TestClient, users: dict[str, User]) -> None:
    rec = _create(client, users["mar_officer"], WANTED)
    out = _screen(client, users["svk_frontline"] if "svk_frontline" in users else users["mar_frontline"],
                  names=["Someone Else"], documents=[{"number": "tk4481203", "country": "MAR"}])
    assert out["result"] == "hit" and out["hits"][0]["record_id"] == rec["id"]
    r = client.post("/api/v1/screen/document", json={"number": "TK 448-1203", "country": "MAR"},
                    headers=users["svk_officer"].headers)
    assert r.status_code == 200 and r.json()["hits"][0]["record_id"] == rec["id"]


def test_hidden_record_contact_owner_reveals_nothing_else(client: TestClient, users: dict[str, User]) -> None:
    body = {**WANTED, "restriction": {"mode": "only", "members": ["ARE"]}, "hit_disclosure": "contact_owner"}
    rec = _create(client, users["mar_officer"], body)
    out = _screen(client, users["svk_officer"], names=["Youssef El Haddad"], birth_date="1984-07-12",
                  documents=[{"number": "TK4481203", "country": "MAR"}])
    assert out["result"] == "possible_hit"
    assert out["hits"] == [{"hit_id": out["hits"][0]["hit_id"], "disclosure": "contact_owner", "owner": "MAR"}]
    text = json.dumps(out, ensure_ascii=False)
    assert rec["id"] not in text and "الحداد" not in text and "1984" not in json.dumps(out["hits"])
    # The searcher's view of the hit stays as thin, even after the owner answers.
    hit_id = out["hits"][0]["hit_id"]
    view = client.get(f"/api/v1/hits/{hit_id}", headers=users["svk_officer"].headers).json()
    assert "record_id" not in view and view["owner"] == "MAR"
    # A member named in the restriction sees it in full.
    out = _screen(client, users["are_officer"], names=["Youssef El Haddad"], birth_date="1984-07-12")
    assert out["result"] == "hit" and out["hits"][0]["record_id"] == rec["id"]


def test_hidden_record_silent_gives_no_hit_but_owner_is_told(client: TestClient, users: dict[str, User]) -> None:
    body = {**WANTED, "restriction": {"mode": "only", "members": ["ARE"]}, "hit_disclosure": "silent"}
    rec = _create(client, users["mar_officer"], body)
    out = _screen(client, users["svk_officer"], names=["Youssef El Haddad"], birth_date="1984-07-12")
    assert out["result"] == "no_hit" and out["hits"] == []
    inbox = client.get("/api/v1/inbox", headers=users["mar_officer"].headers).json()
    assert inbox["unread"] == 1
    assert [(i["type"], i["record_id"], i["from_org"]) for i in inbox["items"]] == [("hit", rec["id"], "SVK")]


def test_owner_notified_once_per_hit_and_answers(client: TestClient, users: dict[str, User]) -> None:
    rec = _create(client, users["mar_officer"], WANTED)
    out = _screen(client, users["svk_officer"], names=["Youssef Abderrahmane El Haddad"], location="BTS T1 gate 4")
    hit_id = out["hits"][0]["hit_id"]
    inbox = client.get("/api/v1/inbox", headers=users["mar_analyst"].headers).json()
    assert inbox["unread"] == 1 and len(inbox["items"]) == 1
    item = inbox["items"][0]
    assert item["hit_id"] == hit_id and item["record_id"] == rec["id"] and item["from_org"] == "SVK"
    assert item["detail"]["location"] == "BTS T1 gate 4"
    # Only the owner's officers answer; the searcher then sees the answer.
    assert client.post(f"/api/v1/hits/{hit_id}/answer", json={"decision": "confirmed"},
                       headers=users["svk_officer"].headers).status_code == 403
    r = client.post(f"/api/v1/hits/{hit_id}/answer", json={"decision": "confirmed", "note": "arrest warrant valid"},
                    headers=users["mar_officer"].headers)
    assert r.status_code == 204
    seen = client.get(f"/api/v1/hits/{hit_id}", headers=users["svk_officer"].headers).json()
    assert seen["status"] == "confirmed" and seen["answer_note"] == "arrest warrant valid"
    answers = client.get("/api/v1/inbox", headers=users["svk_officer"].headers).json()["items"]
    assert [a["type"] for a in answers] == ["hit_answer"]
    # A third country cannot read the hit.
    assert client.get(f"/api/v1/hits/{hit_id}", headers=users["are_officer"].headers).status_code == 404


def test_changes_are_reflected_in_next_screening(client: TestClient, users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    query = {"names": ["Youssef El Haddad"], "birth_date": "1984-07-12"}
    assert _screen(client, users["svk_officer"], **query)["result"] == "no_hit"
    rec = _create(client, mar, WANTED)
    assert _screen(client, users["svk_officer"], **query)["result"] == "hit"
    r = client.patch(f"/api/v1/records/{rec['id']}", json={"restriction": {"mode": "all_except", "members": ["SVK"]},
                                                           "hit_disclosure": "silent"}, headers=mar.headers)
    assert r.status_code == 200, r.text
    assert _screen(client, users["svk_officer"], **query)["result"] == "no_hit"
    assert _screen(client, users["are_officer"], **query)["result"] == "hit"
    assert client.delete(f"/api/v1/records/{rec['id']}", headers=mar.headers).status_code == 204
    assert _screen(client, users["are_officer"], **query)["result"] == "no_hit"


def test_expired_record_never_hits(client: TestClient, users: dict[str, User]) -> None:
    _create(client, users["mar_officer"], {**WANTED, "review_due": "2020-01-01"})
    assert _screen(client, users["svk_officer"], names=["Youssef El Haddad"])["result"] == "no_hit"


def test_batch_json_answers_in_order(client: TestClient, users: dict[str, User]) -> None:
    rec = _create(client, users["mar_officer"], WANTED)
    travellers = [{"names": ["Lukas Novak"], "reference": "p1"},
                  {"names": ["يوسف الحداد"], "birth_date": "1984", "reference": "p2"},
                  {"names": ["Anna Horvath"], "reference": "p3"}]
    r = client.post("/api/v1/screen/batch", json={"travellers": travellers}, headers=users["svk_officer"].headers)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["reference"] for x in results] == ["p1", "p2", "p3"]
    assert [x["result"] for x in results] == ["no_hit", "hit", "no_hit"]
    assert results[1]["hits"][0]["record_id"] == rec["id"]


def test_batch_traveller_listed_twice_gets_two_answers(client: TestClient, users: dict[str, User]) -> None:
    """A repeated traveller is searched once but answered (and recorded as a hit) for each line."""
    rec = _create(client, users["mar_officer"], WANTED)
    same = {"names": ["Youssef El Haddad"], "birth_date": "1984-07-12"}
    travellers = [{**same, "reference": "a"}, {"names": ["Lukas Novak"], "reference": "b"},
                  {**same, "reference": "c", "location": "gate 2"}]
    r = client.post("/api/v1/screen/batch", json={"travellers": travellers}, headers=users["svk_officer"].headers)
    assert r.status_code == 200, r.text
    first, _, third = r.json()["results"]
    assert first["result"] == third["result"] == "hit"
    assert first["hits"][0]["record_id"] == third["hits"][0]["record_id"] == rec["id"]
    assert first["hits"][0]["explanation"] == third["hits"][0]["explanation"] != {}
    assert first["hits"][0]["hit_id"] != third["hits"][0]["hit_id"]
    inbox = client.get("/api/v1/inbox", headers=users["mar_officer"].headers).json()
    assert len([n for n in inbox["items"] if n.get("record_id") == rec["id"]]) == 2


def test_batch_csv_and_ndjson_stream(client: TestClient, users: dict[str, User]) -> None:
    _create(client, users["mar_officer"], WANTED)
    csv_text = ("names,birth_date,nationalities,document_number,document_country,reference\n"
                "Lukas Novak,1990-02-03,SVK,,,a\n"
                "Youssef El Haddad|يوسف الحداد,1984-07-12,MAR,TK4481203,MAR,b\n")
    headers = {**users["svk_officer"].headers, "Content-Type": "text/csv", "Accept": "application/x-ndjson"}
    r = client.post("/api/v1/screen/batch", content=csv_text.encode(), headers=headers)
    assert r.status_code == 200, r.text
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert [(x["reference"], x["result"]) for x in lines] == [("a", "no_hit"), ("b", "hit")]


def test_bad_passenger_lists_get_clear_errors(client: TestClient, users: dict[str, User]) -> None:
    h = {**users["svk_officer"].headers, "Content-Type": "text/csv"}
    cases = [
        (b"colour,shape\nred,round\n", 422, "unexpected columns"),
        ("names,birth_date\nيوسف,1984\n".encode("cp1256"), 422, "UTF-8"),
        (b"names,birth_date\nLukas Novak,2023-02-30\n", 422, "line 2"),
        (b"names\n", 422, "no travellers"),
        (b"names,birth_date\n" + b"Lukas Novak,1990\n" * 10_001, 422, "at most 10000"),
    ]
    for body, status, words in cases:
        r = client.post("/api/v1/screen/batch", content=body, headers=h)
        assert r.status_code == status, (words, r.text[:300])
        assert r.headers["content-type"].startswith("application/problem+json")
        assert words in r.json()["detail"], r.json()
    big = b"names\n" + b"A" * (50 * 1024 * 1024)
    r = client.post("/api/v1/screen/batch", content=big, headers=h)
    assert r.status_code == 400 and "at most 20 MB" in r.json()["detail"]
    r = client.post("/api/v1/screen/batch", content=b"{not json", headers={**users["svk_officer"].headers,
                                                                           "Content-Type": "application/json"})
    assert r.status_code == 400


def test_screening_needs_the_screen_role(client: TestClient, users: dict[str, User]) -> None:
    r = client.post("/api/v1/screen/person", json={"names": ["Lukas Novak"]}, headers=users["gs_reviewer"].headers)
    assert r.status_code == 403
    r = client.post("/api/v1/screen/person", json={"names": ["Lukas Novak"]}, headers=users["mar_frontline"].headers)
    assert r.status_code == 200
    r = client.post("/api/v1/screen/person", json={}, headers=users["mar_frontline"].headers)
    assert r.status_code == 422


def test_single_screenings_name_what_is_wrong_with_a_body_only_after_the_caller_is_known(
        client: TestClient, users: dict[str, User]) -> None:
    """These routes read and validate their body themselves (one thread hand-off per screening): a bad body gets
    FastAPI's answers, and a caller without a valid token or the role learns nothing about it."""
    frontline = users["mar_frontline"].headers
    for path in ("/api/v1/screen/person", "/api/v1/screen/document"):
        assert client.post(path, content=b"{not json").status_code == 401
        assert client.post(path, json={"names": 5}, headers={"Authorization": "Bearer tw_forged"}).status_code == 401
        assert client.post(path, content=b"{not", headers=users["gs_reviewer"].headers).status_code == 403
        r = client.post(path, content=b"{not json", headers={**frontline, "Content-Type": "application/json"})
        assert r.status_code == 400 and r.json()["detail"] == "the request body is not valid JSON", r.text
        r = client.post(path, headers=frontline)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body", r.text
    r = client.post("/api/v1/screen/document", json={"country": "MAR"}, headers=frontline)
    assert r.status_code == 422 and r.json()["errors"] == [{"field": "number", "message": "Field required"}], r.text
    r = client.post("/api/v1/screen/person", json={"names": ["Lukas Novak"], "birth_date": "1990-13-45"},
                    headers=frontline)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "birth_date", r.text


def test_no_index_work_before_the_caller_is_known(client: TestClient, users: dict[str, User]) -> None:
    """A worker loads (or builds) its index on the first screening: only once the token and role are checked."""
    app = client.app
    for path, body in (("/api/v1/screen/person", {"names": ["Lukas Novak"]}),
                       ("/api/v1/screen/document", {"number": "TK4481203", "country": "MAR"})):
        assert client.post(path, json=body).status_code == 401
        assert client.post(path, json=body, headers={"Authorization": "Bearer tw_forged"}).status_code == 401
        assert client.post(path, json=body, headers=users["gs_reviewer"].headers).status_code == 403
    assert getattr(app.state, "screening_index", None) is None  # type: ignore[attr-defined]
    r = client.post("/api/v1/screen/document", json={"number": "TK4481203", "country": "MAR"},
                    headers=users["mar_frontline"].headers)
    assert r.status_code == 200 and app.state.screening_index is not None  # type: ignore[attr-defined]


def test_person_helper_is_fictitious() -> None:
    assert person()["names"] == [{"full": "Karim Benali"}]


def test_a_records_changed_documents_replace_its_old_ones_in_screening(client: TestClient,
                                                                         users: dict[str, User]) -> None:
    # Two documents on one person: after its owner changes one, the old number no longer hits and the new
    # one does; the unchanged one still does. (The index keeps all of a record's documents under its id.)
    body = {**WANTED, "identifiers": [{"type": "passport", "number": "TK4481203", "country": "MAR"},
                                      {"type": "national_id", "number": "BE778812", "country": "MAR"}]}
    rec = _create(client, users["mar_officer"], body)

    def hits(number: str) -> list[str]:
        r = client.post("/api/v1/screen/document", json={"number": number, "country": "MAR"},
                        headers=users["svk_officer"].headers)
        assert r.status_code == 200, r.text
        return [h["record_id"] for h in r.json()["hits"]]

    assert hits("TK4481203") == [rec["id"]] and hits("BE778812") == [rec["id"]]
    r = client.patch(f"/api/v1/records/{rec['id']}", headers=users["mar_officer"].headers,
                     json={"identifiers": [{"type": "passport", "number": "TK9990001", "country": "MAR"},
                                           {"type": "national_id", "number": "BE778812", "country": "MAR"}]})
    assert r.status_code == 200, r.text
    assert hits("TK4481203") == [] and hits("TK9990001") == [rec["id"]] and hits("BE778812") == [rec["id"]]
    assert client.delete(f"/api/v1/records/{rec['id']}", headers=users["mar_officer"].headers).status_code == 204
    assert hits("TK9990001") == [] and hits("BE778812") == []
