"""A passenger list searched by two processes (services.batch_search) answers exactly as one process does:
same order, same hits, same disclosure; current with changes made just before it; whole when the helper fails."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from taawun.domain.models import TravellerQuery
from taawun.services import batch_search
from taawun.services import screening as svc
from taawun.services.screening_index import ScreeningIndex, build_from
from tests.conftest import User

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the parallel path needs fork")

# Fictitious people, composed from parts of different names.
LISTED = [
    ({"full": "Tarik Ould Benslimane"}, "1979-03-14", "MAR", {"mode": "all_members"}, "contact_owner"),
    ({"full": "Nadia Qassem Haroun"}, "1990-11-02", "JOR", {"mode": "only", "members": ["ARE"]}, "contact_owner"),
    ({"full": "Selim Abdelwahed Zerrouki"}, "1985-06-30", "DZA", {"mode": "all_except", "members": ["SVK"]},
     "silent"),
    ({"full": "Marek Dvorsky Halabi"}, "1972-01-09", "SVK", {"mode": "all_members"}, "contact_owner"),
]
UNLISTED = ["Jonas Pellegrini", "Ilona Varga Costa", "Bilal Ferreira", "Oskar Lindqvist", "Rania Moretti",
            "Henrik Soltani", "Petra Kowalczyk", "Amine Brandt", "Sofia Radu", "Viktor Almeida"]


def _create(client: TestClient, user: User, body: dict[str, Any]) -> str:
    r = client.post("/api/v1/records", json=body, headers=user.headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _listed(client: TestClient, users: dict[str, User]) -> list[str]:
    ids = []
    for name, birth, nat, restriction, disclosure in LISTED:
        ids.append(_create(client, users["mar_officer"], {
            "kind": "person", "names": [name], "birth_date": birth, "nationalities": [nat], "sex": "m",
            "person_status": "wanted", "crime_areas": ["terrorism"], "restriction": restriction,
            "hit_disclosure": disclosure,
            "identifiers": [{"type": "passport", "number": f"ZX{len(ids)}88{len(ids)}4411", "country": nat}]}))
    return ids


def _travellers(n: int) -> list[TravellerQuery]:
    """A list with listed travellers (by name and by passport), repeats and many unlisted names."""
    out = []
    for k in range(n):
        if k % 17 == 3:
            name, birth, nat, _, _ = LISTED[(k // 17) % len(LISTED)]
            body: dict[str, Any] = {"names": [name["full"]], "birth_date": birth, "nationalities": [nat]}
        elif k % 23 == 5:
            i = (k // 23) % len(LISTED)
            body = {"names": ["Someone Else"], "documents": [{"number": f"zx{i}88{i}4411", "country": LISTED[i][2]}]}
        else:
            body = {"names": [UNLISTED[k % len(UNLISTED)] + f" {chr(65 + k % 26)}"],
                    "birth_date": f"{1950 + k % 50}-0{1 + k % 9}-1{k % 10}"}
        out.append(TravellerQuery.model_validate({**body, "reference": f"t{k}", "location": "gate 4"}))
    return out


def _comparable(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Results without the ids made fresh for each screening and hit."""
    return [{**r, "screening_id": None, "hits": [{**h, "hit_id": None} for h in r["hits"]]} for r in results]


def _hit_counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        hits = conn.execute(text("SELECT count(*) FROM hits")).scalar_one()
        notes = conn.execute(text("SELECT count(*) FROM notifications")).scalar_one()
    return int(hits), int(notes)


@pytest.fixture
def index(client: TestClient, users: dict[str, User], engine: Engine) -> ScreeningIndex:
    _listed(client, users)
    return build_from(engine)[0]


@pytest.fixture
def helpers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[batch_search.Searcher[Any, Any]]]:
    """Every Searcher made, to tell whether a helper was started and how much it searched."""
    made: list[batch_search.Searcher[Any, Any]] = []
    original = batch_search.Searcher.start

    def start(self: batch_search.Searcher[Any, Any], locks: Any) -> bool:
        made.append(self)
        self.started = original(self, locks)  # type: ignore[attr-defined]
        return self.started  # type: ignore[attr-defined,no-any-return]

    monkeypatch.setattr(batch_search.Searcher, "start", start)
    monkeypatch.setattr(batch_search, "_two_cores", lambda: True)  # also on a one-core test machine
    yield made


def _serial(monkeypatch: pytest.MonkeyPatch, engine: Engine, actor: Any, index: ScreeningIndex,
            travellers: list[TravellerQuery]) -> list[dict[str, Any]]:
    with monkeypatch.context() as m:
        m.setattr(batch_search, "PARALLEL_MIN", 10**9)
        return list(svc.screen_batch(engine, actor, index, travellers))


def test_parallel_list_equals_serial(engine: Engine, users: dict[str, User], index: ScreeningIndex,
                                     helpers: list[batch_search.Searcher[Any, Any]],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    travellers = _travellers(700)
    actor = users["svk_officer"].actor
    before = _hit_counts(engine)
    serial = _serial(monkeypatch, engine, actor, index, travellers)
    after_serial = _hit_counts(engine)
    parallel = list(svc.screen_batch(engine, actor, index, travellers))
    after_parallel = _hit_counts(engine)
    assert helpers[0].started is False and helpers[-1].started is True  # type: ignore[attr-defined]
    assert helpers[-1].child_units > 0  # the helper really answered part of the list
    assert [r["reference"] for r in parallel] == [t.reference for t in travellers]
    assert _comparable(parallel) == _comparable(serial)
    assert {r["result"] for r in parallel} == {"hit", "possible_hit", "no_hit"}
    # the same hits stored and owners notified once per hit, whichever process searched
    assert after_parallel[0] - after_serial[0] == after_serial[0] - before[0] > 0
    assert after_parallel[1] - after_serial[1] == after_serial[1] - before[1] > 0
    hidden = [h for r in parallel for h in r["hits"] if h["disclosure"] != "full"]
    assert hidden and all(set(h) == {"hit_id", "disclosure", "owner"} for h in hidden)


def test_parallel_list_sees_changes_made_just_before(client: TestClient, engine: Engine, users: dict[str, User],
                                                     index: ScreeningIndex,
                                                     helpers: list[batch_search.Searcher[Any, Any]]) -> None:
    travellers = _travellers(400)
    new = {"names": [{"full": "Yassine Korbel Mahfoudi"}], "birth_date": "1988-08-08", "nationalities": ["TUN"]}
    travellers[350] = TravellerQuery.model_validate({"names": ["Yassine Korbel Mahfoudi"], "birth_date": "1988-08-08",
                                                     "reference": "new"})
    gone = travellers[3]  # the first listed traveller (Tarik Ould Benslimane)
    created = _create(client, users["mar_officer"], {"kind": "person", "person_status": "wanted", **new})
    first = svc.traveller_candidates(index, gone)[0].record_id
    r = client.delete(f"/api/v1/records/{first}", headers=users["mar_officer"].headers)
    assert r.status_code in (200, 204), r.text
    results = list(svc.screen_batch(engine, users["svk_officer"].actor, index, travellers))
    assert helpers[-1].started and helpers[-1].child_units > 0  # type: ignore[attr-defined]
    assert [h["record_id"] for h in results[350]["hits"]] == [created]
    assert all(h.get("record_id") != first for r in results for h in r["hits"])


@pytest.mark.parametrize("failure", ["dies", "raises", "hangs"])
def test_helper_failure_gives_the_whole_answer(engine: Engine, users: dict[str, User], index: ScreeningIndex,
                                               helpers: list[batch_search.Searcher[Any, Any]],
                                               monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    travellers = _travellers(300)
    actor = users["svk_officer"].actor
    serial = _serial(monkeypatch, engine, actor, index, travellers)
    parent = os.getpid()
    search = svc.traveller_candidates

    def failing(ix: ScreeningIndex, traveller: TravellerQuery) -> Any:
        if os.getpid() != parent:
            if failure == "dies":
                os._exit(3)
            if failure == "raises":
                raise RuntimeError("helper broke")
            time.sleep(3600)
        time.sleep(0.001)  # the parent must not take the whole list before the helper starts
        return search(ix, traveller)

    monkeypatch.setattr(svc, "traveller_candidates", failing)
    monkeypatch.setattr(batch_search, "STALL_S", 1.0)
    parallel = list(svc.screen_batch(engine, actor, index, travellers))
    assert helpers[-1].started and helpers[-1].child_units == 0  # type: ignore[attr-defined]
    assert _comparable(parallel) == _comparable(serial)


def test_abandoned_list_stops_its_helper(engine: Engine, users: dict[str, User], index: ScreeningIndex,
                                         helpers: list[batch_search.Searcher[Any, Any]]) -> None:
    stream = svc.screen_batch(engine, users["svk_officer"].actor, index, _travellers(900))
    first = next(stream)
    assert first["reference"] == "t0"
    pid = helpers[-1].helper_pid
    assert pid is not None
    stream.close()  # the client went away
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no process left behind


def test_ndjson_stream_of_a_long_list(client: TestClient, users: dict[str, User], index: ScreeningIndex,
                                      helpers: list[batch_search.Searcher[Any, Any]]) -> None:
    """Through the API, where the list is searched from a server thread (the helper is forked from it)."""
    travellers = [t.model_dump(mode="json", exclude_none=True) for t in _travellers(900)]
    headers = {**users["svk_officer"].headers, "Accept": "application/x-ndjson"}
    with client.stream("POST", "/api/v1/screen/batch", json={"travellers": travellers}, headers=headers) as r:
        assert r.status_code == 200
        lines = [line for line in r.iter_lines() if line]
    results = [json.loads(line) for line in lines]
    assert [x["reference"] for x in results] == [t["reference"] for t in travellers]
    assert results[3]["result"] == "hit"
    assert helpers[-1].child_units > 0
