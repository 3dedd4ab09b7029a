"""The mypyc-compiled engine (taawun.compiled) must give the pure-Python engine's results, bit for bit.

Why: the compiled modules are the same sources run by other machinery (mypyc checks types at run
time and may treat numbers differently), and whether a deployment runs them depends on a C compiler
being present; a screening must not answer differently for that. Each check computes part
similarities, name comparisons and index searches in this process and in a pure-Python subprocess
(TAAWUN_PURE_PYTHON=1), and exchanges index snapshots between the two. They skip when no compiled
build for the current sources is present (no C compiler, or TAAWUN_PURE_PYTHON set for the suite).
The stamp checks (an edited source is never shadowed by an old build) run either way.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from taawun import compiled

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"

# Fictitious names (parts of different real names recombined), used when the generator's data is absent.
_NAMES = ["محمد جواد ظريف", "Mohammad Javad Zarif", "Yusuf Haddad", "يوسف حداد", "Ahmed Bin Khalil Nasser",
          "أحمد بن خليل ناصر", "Karim El-Amrani", "كريم العمراني", "Jurgen Kowalczyk", "Leila Mansour Qasimi",
          "ليلى منصور القاسمي", "Omar Said Haddad", "عمر سعيد حداد", "Fatima Zahra Bennani", "فاطمة الزهراء بناني"]


def _generator() -> Any:
    sys.path.insert(0, str(BENCH))
    import watchlist_gen

    return watchlist_gen.WatchlistGenerator(5) if watchlist_gen.DEFAULT_DATA.exists() else None


def _workload() -> tuple[list[str], list[dict[str, Any]], list[dict[str, Any]]]:
    """Names, watchlist persons and screening queries: generated when the data is there, else the fixed few."""
    gen = _generator()
    rng = random.Random(11)
    if gen is None:
        persons = [{"id": f"p{i}", "names": [n], "birth_date": f"{1950 + i}-0{1 + i % 9}-1{i % 9}",
                    "nationalities": ["MAR"] if i % 2 else [], "sex": "m"} for i, n in enumerate(_NAMES)]
        return list(_NAMES), persons, [{"names": [n]} for n in _NAMES]
    people = list(gen.persons(1500))
    names = [gen.unlisted_query(rng)[0] for _ in range(300)] + [gen.listed_query(p, rng)[0] for p in people[:300]]
    queries = [{"names": [gen.listed_query(p, rng)[0]], "birth_date": p.record["birth_date"],
                "nationalities": p.record["nationalities"][:1], "sex": p.record["sex"]} for p in people[:150]]
    queries += [{"names": [gen.unlisted_query(rng)[0]]} for _ in range(150)]
    return names, [p.record for p in people], queries


def probe(snapshot_in: str | None, snapshot_out: str | None) -> dict[str, Any]:
    """Everything the engine computes on the workload, floats as their exact repr.

    With `snapshot_in`, searches run on that snapshot (written by the other engine) as well.
    """
    from taawun.index import PersonIndex
    from taawun.names import analyse_name, compare
    from taawun.names.similarity import token_similarity

    names, persons, queries = _workload()
    tokens = [t for n in names for t in analyse_name(n)]
    rng = random.Random(3)
    pairs = [(rng.choice(tokens), rng.choice(tokens)) for _ in range(3000)]
    out: dict[str, Any] = {"engine": compiled.engine()}
    out["similarity"] = [repr(token_similarity(a, b)) for a, b in pairs]
    named = [(rng.choice(names), rng.choice(names)) for _ in range(600)] + list(zip(names, names[1:], strict=False))
    out["compare"] = [repr(compare(a, b)) for a, b in named]
    index = PersonIndex()
    for p in persons:
        index.add(p["id"], p["names"], p.get("birth_date"), p.get("nationalities"), p.get("sex"))
    index.finalize()

    def searches(idx: PersonIndex) -> list[Any]:
        return [[(h.record_id, repr(h.score), json.dumps(h.explanation, sort_keys=True)) for h in idx.search(
            q["names"], q.get("birth_date"), q.get("nationalities"), q.get("sex"), limit=5, explain=True)]
            for q in queries]

    out["search"] = searches(index)
    if snapshot_out:
        index.save(snapshot_out)
    if snapshot_in:
        out["search_other_snapshot"] = searches(PersonIndex.load(snapshot_in))
    return out


def _pure_probe(tmp_path: Path, snapshot_in: str | None, snapshot_out: str | None) -> dict[str, Any]:
    env = {**os.environ, compiled.PURE_ENV: "1", "PYTHONPATH": str(ROOT / "src")}
    result = tmp_path / "pure.json"
    code = ("import json, sys; from tests.test_compiled_engine import probe; "
            "json.dump(probe(sys.argv[1] or None, sys.argv[2] or None), open(sys.argv[3], 'w'))")
    subprocess.run([sys.executable, "-c", code, snapshot_in or "", snapshot_out or "", str(result)],
                   cwd=ROOT, env=env, check=True)
    data: dict[str, Any] = json.loads(result.read_text())
    return data


needs_build = pytest.mark.skipif(not compiled.active(), reason="no compiled build for these sources (or pure forced)")


@needs_build
def test_compiled_engine_scores_and_snapshots_equal_the_pure_ones(tmp_path: Path) -> None:
    ours_snap, pure_snap = str(tmp_path / "compiled.pkl"), str(tmp_path / "pure.pkl")
    pure = _pure_probe(tmp_path, None, pure_snap)
    ours = json.loads(json.dumps(probe(pure_snap, ours_snap)))  # tuples as lists, as the pure side sent them
    assert pure["engine"] == "pure" and ours["engine"] == "compiled"
    for key in ("similarity", "compare", "search"):
        assert ours[key] == pure[key], key
    assert sum(len(hits) for hits in ours["search"]) > 0.3 * len(ours["search"])  # the searches find people
    # a snapshot written by the pure engine searched by the compiled one, and the other way round
    assert ours["search_other_snapshot"] == pure["search"]
    back = _pure_probe(tmp_path, ours_snap, None)
    assert back["search_other_snapshot"] == ours["search"]


def _copy_sources(dest: Path) -> Path:
    """A copy of the `taawun` package (sources only) to import from instead of the repository's."""
    shutil.copytree(compiled.PACKAGE_ROOT, dest / "taawun", ignore=shutil.ignore_patterns("__pycache__"))
    return dest / "taawun"


def _engine_of(src: Path, **env: str) -> tuple[str, str]:
    """(engine, file of taawun.names.similarity) as a fresh interpreter importing from `src` sees them."""
    code = "from taawun import compiled; import taawun.names.similarity as s; print(compiled.engine(), s.__file__)"
    full_env = {k: v for k, v in os.environ.items() if k != compiled.PURE_ENV}
    proc = subprocess.run([sys.executable, "-c", code], env={**full_env, "PYTHONPATH": str(src), **env},
                          capture_output=True, text=True, check=True, cwd=src)
    engine, path = proc.stdout.split()
    return engine, path


def test_stamp_follows_every_engine_source(tmp_path: Path) -> None:
    copy = _copy_sources(tmp_path)
    assert compiled.stamp(copy) == compiled.stamp()
    for rel in ("names/scoring.py", "index/vocab.py", "compiled.py"):  # compiled or not: types flow into C
        path = copy / rel
        original = path.read_bytes()
        path.write_bytes(original + b"\n# edited\n")
        assert compiled.stamp(copy) != compiled.stamp(), rel
        path.write_bytes(original)
    assert compiled.stamp(copy) == compiled.stamp()


def test_an_edited_source_runs_as_pure_python(tmp_path: Path) -> None:
    copy = _copy_sources(tmp_path)
    if compiled.build_dir().is_dir() and not compiled.pure_forced():
        # the same sources elsewhere use the build; forced pure, they do not
        engine, path = _engine_of(tmp_path)
        assert engine == "compiled" and path.startswith(str(compiled.build_dir()))
        assert _engine_of(tmp_path, **{compiled.PURE_ENV: "1"})[0] == "pure"
    similarity = copy / "names" / "similarity.py"
    similarity.write_text(similarity.read_text() + "\n# an edit after the build\n")
    engine, path = _engine_of(tmp_path)
    assert engine == "pure" and Path(path) == similarity
