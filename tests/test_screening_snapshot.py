"""Index snapshots: a worker starts from one, and never from one the current name engine did not write."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from taawun.services import screening_index
from taawun.services.screening_index import ScreeningIndex, build_from
from tests.conftest import User
from tests.test_screening import WANTED


def _hit_ids(index: ScreeningIndex) -> list[str]:
    return [h.record_id for h in index.persons.search(names=["Youssef Abderrahmane El Haddad"], limit=3)]


def _made_by_an_older_engine(directory: Path) -> None:
    meta = json.loads((directory / "meta.json").read_text())
    (directory / "meta.json").write_text(json.dumps({**meta, "engine": "an older engine"}))


def _person_index_of_an_older_format(directory: Path) -> None:
    """Same name engine, older index format (the engine digest covers names/, not index/)."""
    with open(directory / "persons.idx", "wb") as fh:
        pickle.dump({"version": 4, "records": []}, fh)


def _of_an_older_snapshot_format(directory: Path) -> None:
    """Format 1 keyed documents "record#n" (and saved a record -> keys map): its documents would never be
    replaced by a later change of their record, so it must be rebuilt, not loaded."""
    meta = json.loads((directory / "meta.json").read_text())
    del meta["format"]
    (directory / "meta.json").write_text(json.dumps(meta))


@pytest.mark.parametrize(("outdate", "refusal"), [
    (_made_by_an_older_engine, "another version of the name engine"),
    (_of_an_older_snapshot_format, "another format"),
    (_person_index_of_an_older_format, "unsupported PersonIndex snapshot version"),
])
def test_snapshot_round_trip_and_an_outdated_snapshot_rebuilds(
    outdate: Callable[[Path], None], refusal: str, client: TestClient, users: dict[str, User], engine: Engine,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rec = client.post("/api/v1/records", json=WANTED, headers=users["mar_officer"].headers).json()
    built, _ = build_from(engine)
    built.save(tmp_path)
    assert _hit_ids(ScreeningIndex.load(tmp_path))[:1] == [rec["id"]]

    outdate(tmp_path)
    with pytest.raises(ValueError, match=refusal):
        ScreeningIndex.load(tmp_path)

    # a worker pointed at the outdated snapshot builds a fresh index from the store instead
    monkeypatch.setenv("TAAWUN_INDEX_DIR", str(tmp_path))
    fresh = screening_index.load_or_build(engine)
    assert _hit_ids(fresh)[:1] == [rec["id"]]
    assert fresh.seq >= built.seq
