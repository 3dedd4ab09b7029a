"""A snapshot must give back the index it was made from: a worker started from one answers every
screening exactly as the index that wrote it (same hits, scores and explanations), and keeps taking
the store's changes (adds, removals, updates) as that index would.

Fictitious persons composed from parts of different names, some sharing spellings and sounds,
with birth dates in several forms, nationality sets, sexes and a few names without any part.
"""

import pickle
import random
from pathlib import Path

import pytest

from taawun.index import PersonIndex
from taawun.names import DEFAULT_THRESHOLD

from .test_person_index_exhaustive import ARABIC, LATIN

DATES = [None, "1980", "1980-05", "1980-05-01", "1975-02-03", "03/02/1975", "1991-11-30", "not a date"]
NATS = [[], ["SYR"], ["IRQ", "SYR"], ["MAR"], ["fr"], ["DZA", "TUN"]]
SEXES = [None, "m", "f", "x"]


def _person(rng: random.Random) -> dict[str, object]:
    names = []
    for _ in range(rng.randint(1, 3)):
        pool = ARABIC if rng.random() < 0.4 else LATIN
        names.append(" ".join(rng.sample(pool, rng.randint(2, 3))))
    if rng.random() < 0.03:
        names.insert(rng.randint(0, len(names)), rng.choice(["...", "-", "  "]))  # gives no entry
    return {"names": names, "birth_date": rng.choice(DATES), "nationalities": rng.choice(NATS),
            "sex": rng.choice(SEXES)}


def _watchlist(seed: int, n: int) -> tuple[PersonIndex, random.Random]:
    rng = random.Random(seed)
    idx = PersonIndex()
    for i in range(n):
        idx.add(f"p{i}", **_person(rng))  # type: ignore[arg-type]
    for i in rng.sample(range(n), n // 10):  # removals
        idx.remove(f"p{i}")
    for i in rng.sample(range(n), n // 10):  # updates (some of removed persons: added back)
        idx.add(f"p{i}", **_person(rng))  # type: ignore[arg-type]
    return idx, rng


def _answers(idx: PersonIndex, queries: list[dict[str, object]]) -> list[list[tuple[str, float, dict[str, object]]]]:
    """Every query asked as a screening (hits at the threshold) and as a general search, with explanations."""
    out = []
    for q in queries:
        for min_total in (DEFAULT_THRESHOLD, None):
            hits = idx.search(names=q["names"], birth_date=q["birth_date"],  # type: ignore[arg-type]
                              nationalities=q["nationalities"], sex=q["sex"],  # type: ignore[arg-type]
                              limit=20, min_total=min_total)
            out.append([(h.record_id, h.score, h.explanation) for h in hits])
    return out


def _queries(rng: random.Random, n: int) -> list[dict[str, object]]:
    return [{**_person(rng), "names": _person(rng)["names"][:1]} for _ in range(n)]


def test_a_loaded_index_answers_as_the_saved_one_and_keeps_changing_alike(tmp_path: Path) -> None:
    idx, rng = _watchlist(3, 3000)
    idx.finalize()
    queries = _queries(rng, 60)
    path = tmp_path / "persons.idx"
    idx.save(path)
    loaded = PersonIndex.load(path)

    assert len(loaded) == len(idx)
    before = _answers(idx, queries)
    assert sum(1 for a in before if a) >= 60  # the queries do find persons
    assert _answers(loaded, queries) == before

    # the same changes on both: new persons, removals, updates, a removed person added back
    for k in range(300):
        person = _person(rng)
        target = rng.choice([f"new{k}", f"p{rng.randrange(3000)}"])
        for index in (idx, loaded):
            index.add(target, **person)  # type: ignore[arg-type]
    for i in rng.sample(range(3000), 200):
        assert idx.remove(f"p{i}") == loaded.remove(f"p{i}")
    for index in (idx, loaded):
        index.add("p1", names=["Samira Haddad"], birth_date="1980-05-01", nationalities=["SYR"], sex="f")
    assert len(loaded) == len(idx)
    assert all((f"p{i}" in loaded) == (f"p{i}" in idx) for i in range(3000))
    after = _answers(idx, queries)
    assert after != before  # the changes did change answers
    assert _answers(loaded, queries) == after

    # ... and a snapshot of the changed, loaded index loads to the same answers again
    loaded.save(path)
    assert _answers(PersonIndex.load(path), queries) == after


def test_removed_persons_stay_removed_after_a_round_trip(tmp_path: Path) -> None:
    idx = PersonIndex()
    for i in range(2000):
        idx.add(f"r{i}", names=["Samir Haddad", "سمير حداد"], birth_date="1981-04-12")
    for i in range(0, 2000, 2):
        idx.remove(f"r{i}")
    idx.save(tmp_path / "idx")
    loaded = PersonIndex.load(tmp_path / "idx")
    hits = loaded.search(names=["Samir Haddad"], limit=2000)
    assert sorted(int(h.record_id[1:]) for h in hits) == list(range(1, 2000, 2))
    assert "r0" not in loaded and "r1" in loaded
    assert loaded.remove("r1") and not loaded.remove("r0")


def test_a_snapshot_of_another_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.idx"
    with open(path, "wb") as fh:
        pickle.dump({"version": 4, "records": []}, fh)
    with pytest.raises(ValueError, match="unsupported PersonIndex snapshot version"):
        PersonIndex.load(path)
