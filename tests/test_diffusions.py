"""Diffusions through the API: send to members or regions, inbox, replies, withdrawal, who may see them,
and the owner's handling code H2. Fictitious people only."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import User, person


def _record(client: TestClient, user: User, **extra: Any) -> str:
    r = client.post("/api/v1/records", json=person("Hicham Fictif", birth_date="1980-01-01", **extra),
                    headers=user.headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _send(client: TestClient, user: User, status: int = 201, **body: Any) -> dict[str, Any]:
    r = client.post("/api/v1/diffusions", json=body, headers=user.headers)
    assert r.status_code == status, r.text
    return dict(r.json())


def _inbox(client: TestClient, user: User, kind: str) -> list[dict[str, Any]]:
    items = client.get("/api/v1/inbox", headers=user.headers).json()["items"]
    return [n for n in items if n["type"] == kind]


def test_send_reply_withdraw(client: TestClient, users: dict[str, User]) -> None:
    mar, svk, are, bhr = users["mar_officer"], users["svk_officer"], users["are_officer"], users["bhr_analyst"]
    record_id = _record(client, mar)
    sent = _send(client, mar, record_id=record_id, request="arrest", message="Believed travelling to Bratislava.",
                 members=["SVK", "ARE"])
    did = sent["id"]
    assert sent["direction"] == "sent" and sent["recipients"] == ["ARE", "SVK"]
    # Recipients get it in their inbox and can read it; a non-recipient gets 404.
    assert [n["detail"]["diffusion_id"] for n in _inbox(client, svk, "diffusion")] == [did]
    got = client.get(f"/api/v1/diffusions/{did}", headers=svk.headers).json()
    assert got["direction"] == "received" and got["request"] == "arrest" and got["record"]["id"] == record_id
    assert "recipients" not in got  # recipients do not learn who else was told
    assert client.get(f"/api/v1/diffusions/{did}", headers=bhr.headers).status_code == 404
    assert client.get("/api/v1/diffusions", headers=bhr.headers).json()["items"] == []
    assert client.post(f"/api/v1/diffusions/{did}/reply", json={"text": "x"}, headers=bhr.headers).status_code == 404
    # Replies: visible to the sender (all) and to the replying recipient (its own only).
    r = client.post(f"/api/v1/diffusions/{did}/reply", json={"text": "Not known here."}, headers=svk.headers)
    assert r.status_code == 201, r.text
    client.post(f"/api/v1/diffusions/{did}/reply", json={"text": "Seen in Dubai in May."}, headers=are.headers)
    mine = client.get(f"/api/v1/diffusions/{did}", headers=mar.headers).json()
    assert sorted(x["from_org"] for x in mine["replies"]) == ["ARE", "SVK"]
    theirs = client.get(f"/api/v1/diffusions/{did}", headers=svk.headers).json()
    assert [x["text"] for x in theirs["replies"]] == ["Not known here."]
    assert len(_inbox(client, mar, "diffusion_reply")) == 2
    # The sender does not reply to itself; recipients do not withdraw.
    assert client.post(f"/api/v1/diffusions/{did}/reply", json={"text": "x"}, headers=mar.headers).status_code == 403
    assert client.post(f"/api/v1/diffusions/{did}/withdraw", headers=svk.headers).status_code == 403
    # Withdrawn: recipients see that it was withdrawn, no longer the content; no more replies.
    r = client.post(f"/api/v1/diffusions/{did}/withdraw", json={"reason": "arrested"}, headers=mar.headers)
    assert r.status_code == 204
    after = client.get(f"/api/v1/diffusions/{did}", headers=svk.headers).json()
    assert after["status"] == "withdrawn" and "record" not in after and "message" not in after
    listed = client.get("/api/v1/diffusions", headers=svk.headers).json()["items"]
    assert listed[0]["status"] == "withdrawn" and "record" not in listed[0]
    assert _inbox(client, svk, "diffusion_withdrawn")
    r = client.post(f"/api/v1/diffusions/{did}/reply", json={"text": "late"}, headers=are.headers)
    assert r.status_code == 409
    assert client.get(f"/api/v1/diffusions/{did}", headers=mar.headers).json()["withdrawn_reason"] == "arrested"


def test_send_to_a_region(client: TestClient, users: dict[str, User]) -> None:
    mar = users["mar_officer"]
    sent = _send(client, mar, record_id=_record(client, mar), request="locate", regions=["MENA"])
    assert "ARE" in sent["recipients"] and "BHR" in sent["recipients"] and "MAR" not in sent["recipients"]
    assert "SVK" not in sent["recipients"]
    assert client.get(f"/api/v1/diffusions/{sent['id']}", headers=users["bhr_analyst"].headers).status_code == 200
    assert client.get(f"/api/v1/diffusions/{sent['id']}", headers=users["svk_officer"].headers).status_code == 404


def test_forwarding_respects_the_owner(client: TestClient, users: dict[str, User]) -> None:
    mar, svk = users["mar_officer"], users["svk_officer"]
    h2 = _record(client, mar, handling="H2")
    # The owner may send its own H2 record; nobody else may pass it on.
    _send(client, mar, record_id=h2, request="information", members=["SVK"])
    r = client.post("/api/v1/diffusions", json={"record_id": h2, "request": "information", "members": ["ARE"]},
                    headers=svk.headers)
    assert r.status_code == 403 and "H2" in r.json()["detail"]
    # A visible record may be forwarded, but only to members the owner shares it with.
    limited = _record(client, mar, restriction={"mode": "only", "members": ["SVK", "ARE"]})
    _send(client, svk, record_id=limited, request="information", members=["ARE"])
    r = client.post("/api/v1/diffusions", json={"record_id": limited, "request": "information",
                                                 "members": ["FRA"]}, headers=svk.headers)
    assert r.status_code == 422 and "FRA" in r.json()["detail"]
    # A record hidden from the sender cannot be sent at all (404, as for reading it).
    hidden = _record(client, mar, restriction={"mode": "only", "members": ["ARE"]})
    r = client.post("/api/v1/diffusions", json={"record_id": hidden, "request": "arrest", "members": ["ARE"]},
                    headers=svk.headers)
    assert r.status_code == 404
    # Analysts read but do not send.
    r = client.post("/api/v1/diffusions", json={"record_id": h2, "request": "arrest", "members": ["ARE"]},
                    headers=users["mar_analyst"].headers)
    assert r.status_code == 403
