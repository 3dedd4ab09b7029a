"""The screening index is kept out of the cyclic garbage collector's way (services.heap): what a full
collection would walk must not include the index, or every few minutes one screening waits for it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from taawun.services.heap import _freeze_after_full, freeze_survivors, long_lived
from taawun.services.screening_index import ScreeningIndex, build_from
from tests.conftest import User
from tests.test_screening import WANTED


@pytest.fixture(autouse=True)
def _restore_collector() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if _freeze_after_full in gc.callbacks:
        gc.callbacks.remove(_freeze_after_full)
    gc.unfreeze()  # give the other tests' objects back to the collector
    if enabled:
        gc.enable()


def _walked(obj: object) -> bool:
    """Whether a full collection would examine ``obj`` (frozen objects are left out of get_objects)."""
    return any(o is obj for o in gc.get_objects())


def test_loaded_snapshot_is_frozen_and_collector_resumes(
    client: TestClient, users: dict[str, User], engine: Engine, tmp_path: Path
) -> None:
    client.post("/api/v1/records", json=WANTED, headers=users["mar_officer"].headers)
    built, _ = build_from(engine)
    assert gc.isenabled()
    assert not _walked(built.persons) and not _walked(built.documents)
    built.save(tmp_path)
    gc.unfreeze()
    loaded = ScreeningIndex.load(tmp_path)
    assert gc.isenabled() and gc.get_freeze_count() > 0
    assert not _walked(loaded.persons) and not _walked(loaded.documents)
    hits = loaded.persons.search(names=["Youssef Abderrahmane El Haddad"], limit=1)
    assert hits  # still the working index


def test_waiting_garbage_is_collected_not_frozen() -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self  # a reference cycle: only the collector frees it

    gc.collect()
    garbage = weakref.ref(Node())
    before = gc.get_freeze_count()
    with long_lived():
        kept = [[i] for i in range(1000)]
    assert not _walked(kept)
    assert garbage() is None  # freed, not frozen
    assert gc.get_freeze_count() >= before + 1000


def test_nested_and_overlapping_users_resume_once() -> None:
    outer = long_lived()
    inner = long_lived()
    outer.__enter__()
    inner.__enter__()
    assert not gc.isenabled()
    outer.__exit__(None, None, None)  # the first to come leaves first: the other is still building
    assert not gc.isenabled()
    inner.__exit__(None, None, None)
    assert gc.isenabled()


def test_what_survives_a_full_collection_is_frozen_and_garbage_is_not() -> None:
    """A server's caches grow with every new name screened; after one full collection has walked them, the
    next ones must not walk them again."""
    class Node:
        def __init__(self) -> None:
            self.me = self

    freeze_survivors()
    freeze_survivors()  # idempotent: one callback
    assert gc.callbacks.count(_freeze_after_full) == 1
    cache = {f"part{i}": [i] for i in range(1000)}  # grown while serving
    garbage = weakref.ref(Node())  # and some cyclic garbage
    gc.collect()
    assert not _walked(cache)
    assert garbage() is None  # freed, not frozen
    later = [[1], [2]]
    gc.collect(0)  # a young collection freezes nothing
    assert _walked(later)
