from fastapi.testclient import TestClient

from tests.conftest import User, person


def test_officer_creates_and_reads_record(client: TestClient, users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    r = client.post("/api/v1/records", json=person("يوسف الحداد", birth_date="1980-05"), headers=mar.headers)
    assert r.status_code == 201, r.text
    rec = r.json()
    assert rec["owner"] == "MAR" and rec["names"][0]["script"] == "Arab"
    r = client.get(f"/api/v1/records/{rec['id']}", headers=users["svk_analyst"].headers)
    assert r.status_code == 200
    r = client.get("/api/v1/records", params={"q": "الحداد"}, headers=users["svk_analyst"].headers)
    assert [i["id"] for i in r.json()["items"]] == [rec["id"]]
