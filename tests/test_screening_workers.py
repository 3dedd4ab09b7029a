"""Two real server processes on one database: a change made through one is screened by the other."""

from __future__ import annotations

import threading

import httpx

from tests.conftest import User
from tests.test_screening import WANTED

QUERY = {"names": ["Youssef El Haddad"], "birth_date": "1984-07-12"}


def _screen(url: str, user: User, query: dict = QUERY) -> dict:
    r = httpx.post(f"{url}/api/v1/screen/person", json=query, headers=user.headers, timeout=120)
    assert r.status_code == 200, r.text
    return r.json()


def test_change_through_one_worker_is_screened_by_the_other(workers: list[str], users: dict[str, User]) -> None:
    a, b = workers
    svk, mar = users["svk_officer"], users["mar_officer"]
    assert _screen(b, svk)["result"] == "no_hit"  # worker B has built its index
    r = httpx.post(f"{a}/api/v1/records", json=WANTED, headers=mar.headers, timeout=120)
    assert r.status_code == 201
    record_id = r.json()["id"]
    out = _screen(b, svk)
    assert out["result"] == "hit" and out["hits"][0]["record_id"] == record_id
    r = httpx.patch(f"{a}/api/v1/records/{record_id}", headers=mar.headers, timeout=30,
                    json={"restriction": {"mode": "only", "members": ["ARE"]}, "hit_disclosure": "silent"})
    assert r.status_code == 200
    assert _screen(b, svk)["result"] == "no_hit"
    assert _screen(b, users["are_officer"])["hits"][0]["record_id"] == record_id
    assert httpx.delete(f"{a}/api/v1/records/{record_id}", headers=mar.headers, timeout=120).status_code == 204
    assert _screen(b, users["are_officer"])["result"] == "no_hit"


def test_parallel_screenings_during_edits_stay_consistent(workers: list[str], users: dict[str, User]) -> None:
    a, b = workers
    svk, mar = users["svk_officer"], users["mar_officer"]
    r = httpx.post(f"{a}/api/v1/records", json=WANTED, headers=mar.headers, timeout=120)
    record_id = r.json()["id"]
    results: list[dict] = []
    errors: list[str] = []
    stop = threading.Event()

    def edit() -> None:
        shared = True
        while not stop.is_set():
            shared = not shared
            body = ({"restriction": {"mode": "all_members"}} if shared else
                    {"restriction": {"mode": "only", "members": ["ARE"]}, "hit_disclosure": "silent"})
            resp = httpx.patch(f"{a}/api/v1/records/{record_id}", json=body, headers=mar.headers, timeout=120)
            if resp.status_code != 200:
                errors.append(resp.text)

    def screen(i: int) -> None:
        try:
            out = _screen(workers[i % 2], svk)
            results.append(out)
        except AssertionError as exc:  # pragma: no cover - reported below
            errors.append(str(exc))

    editor = threading.Thread(target=edit)
    editor.start()
    threads = [threading.Thread(target=screen, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    editor.join()
    assert not errors
    assert len(results) == 20
    for out in results:
        # Either the record was shared at that moment (full hit) or hidden and silent (nothing at all):
        # never a half-disclosed answer.
        assert out["result"] in ("hit", "no_hit")
        if out["result"] == "hit":
            assert out["hits"][0]["record_id"] == record_id and out["hits"][0]["disclosure"] == "full"
        else:
            assert out["hits"] == []
    final = httpx.get(f"{a}/api/v1/records/{record_id}", headers=mar.headers, timeout=120).json()
    expected = "hit" if final["restriction"]["mode"] == "all_members" else "no_hit"
    assert _screen(a, svk)["result"] == expected and _screen(b, svk)["result"] == expected
