"""Screening under load (issue 4): two server workers started from an index snapshot, 50 concurrent clients.

What is measured, over loopback against two `uvicorn` processes (each holds its own screening index,
as replicas behind a load balancer would; requests alternate between them):
  * person screening (POST /api/v1/screen/person) at 50 concurrent clients, closed loop with no think
    time (a saturation test), and the same 50 clients paced to a fixed arrival rate: p50/p99, errors;
  * document screening (POST /api/v1/screen/document): p50/p99;
  * one passenger list of 10,000 travellers in one POST /api/v1/screen/batch: wall time;
  * propagation: a person created through worker A (POST /api/v1/records), then screened through
    worker B until it hits: time from creation to the first hit, ~20 times;
  * the workers' start from the snapshot written by `taawun index snapshot` (time to /healthz, then
    the first screening, which loads the snapshot; resident memory).

The watchlist (persons from watchlist_gen with realistic Arabic/Latin names, stolen/lost travel
documents) is written to one NDJSON file per owner and loaded with `taawun import FILE --user OFFICER`
(each owner's officer importing its own records, each file one transaction, `--import-jobs` at a
time); a share of them is hidden from the screening member (SVK) with `contact_owner` or
`silent` hit disclosure. Queries: cross-script variants of listed names (with typos, dropped parts)
and unlisted names, all with birth dates; listed and unlisted document numbers as people type them.

    .venv/bin/python benchmarks/screening_load.py [--db sqlite|postgresql] [--persons N] [--documents M] [--quick]

Prints one JSON document; writes benchmarks/out/screening_load_<db>[_quick].json and (full runs)
merges it under its database's key into benchmarks/out/screening_load.json. The load generator is
bounded: a fixed number of requests, a duration cap, 127.0.0.1 only. Its clients speak HTTP/1.1 over
keep-alive asyncio streams (http_load.py): httpx's own overhead (~4 ms per request at 50 clients) was
counted in every latency until session 9, on the two cores the servers use too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench_util import OUT_DIR, REPO_ROOT, emit, environment, log, mib, percentile
from common import PASSWORD, database, free_port, stop_processes
from http_load import Connection, HttpError, json_body

TARGETS = {"person_p99_ms": 50, "document_p99_ms": 10, "batch_10k_s": 10, "propagation_max_s": 1}
DEFAULTS = {"postgresql": (1_000_000, 5_000_000), "sqlite": (100_000, 200_000)}
SCREENER = ("bench_screener", "SVK", "frontline")  # screens; outside MENA and outside the "only" lists
# Owners and their share of the records: each owner's officer creates its own records.
OWNERS = [("MAR", 0.30), ("ARE", 0.15), ("TUN", 0.10), ("EGY", 0.10), ("DZA", 0.10), ("FRA", 0.15), ("JOR", 0.10)]
# Who may see a record (SVK, the screener, sees only the first) and what a hidden hit tells it.
RESTRICTIONS: list[tuple[float, dict[str, Any]]] = [
    (0.80, {"mode": "all_members"}),
    (0.10, {"mode": "only", "regions": ["MENA"]}),
    (0.05, {"mode": "only", "members": ["ARE", "MAR", "TUN"]}),
    (0.05, {"mode": "all_except", "members": ["SVK"]}),
]
SILENT_SHARE = 0.3  # of all records: hit_disclosure silent (else contact_owner); matters when hidden
CRIME_AREAS = ["terrorism", "organised_crime", "human_trafficking", "migrant_smuggling", "drugs", "financial_crime"]
DOC_TYPES = {"passport": "passport", "id_card": "id_card", "residence_permit": "other"}


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    r, acc = rng.random(), 0.0
    for value, weight in weighted:
        acc += weight
        if r < acc:
            return value
    return weighted[-1][0]


def _sharing(rng: random.Random) -> dict[str, Any]:
    return {"restriction": _pick(rng, [(v, w) for w, v in RESTRICTIONS]),
            "hit_disclosure": "silent" if rng.random() < SILENT_SHARE else "contact_owner",
            "crime_areas": rng.sample(CRIME_AREAS, rng.choice((1, 1, 2)))}


# --- the watchlist -------------------------------------------------------------------------------
@dataclass
class Watchlist:
    gen: Any
    persons: list[Any] = field(default_factory=list)  # watchlist_gen.GenPerson
    passports: dict[int, dict[str, str]] = field(default_factory=dict)  # person index -> document
    documents: list[dict[str, str]] = field(default_factory=list)
    visible: set[str] = field(default_factory=set)  # generator ids SVK may see


def shed(wl: Watchlist) -> None:
    """Drop what the timed phases no longer need (the queries are made; propagation only composes new names
    with `wl.gen`) and keep the collector off what stays.

    Why: at a million persons the generated watchlist is ~3 GB of small objects in this process. Held through
    the timed phases, it made the workers' batch ~7% slower in CPU (the same list, the same workers, 3 GB
    held or not by the driver, alternating runs), and each full collection here walked all of it on the
    2 cores the workers were measured on. A load generator should take as little of the machine as it can."""
    wl.persons.clear()
    wl.passports.clear()
    wl.documents.clear()
    wl.visible.clear()
    gc.collect()
    gc.freeze()


def make_watchlist(n_persons: int, n_documents: int, seed: int) -> Watchlist:
    import watchlist_gen

    gen = watchlist_gen.WatchlistGenerator(seed)
    wl = Watchlist(gen)
    wl.persons = list(gen.persons(n_persons))
    extra = n_persons // 5  # a fifth of the persons carry a passport (also screened by number)
    docs = list(watchlist_gen.generate_documents(n_documents + extra, seed))
    wl.documents = docs[:n_documents]
    rng = random.Random(f"{seed}:passports")
    for k, doc in enumerate(docs[n_documents:]):
        wl.passports[rng.randrange(n_persons)] = {**doc, "id": f"x{k}"}
    return wl


def _bodies(wl: Watchlist, seed: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """(owner, record body) for every person then every document, deterministic for the seed."""
    rng = random.Random(f"{seed}:records")
    for i, gp in enumerate(wl.persons):
        p = gp.record
        body = {"kind": "person", "names": [{"full": n, "type": "primary" if k == 0 else "alias"}
                                            for k, n in enumerate(p["names"])],
                "birth_date": p["birth_date"], "nationalities": p["nationalities"], "sex": p["sex"],
                "person_status": rng.choice(["wanted", "suspect", "suspect", "missing", "other"]), **_sharing(rng)}
        doc = wl.passports.get(i)
        if doc:
            body["identifiers"] = [{"type": "passport", "number": doc["number"], "country": doc["country"]}]
        if body["restriction"]["mode"] == "all_members":
            wl.visible.add(p["id"])
        yield _pick(rng, OWNERS), body
    for d in wl.documents:
        body = {"kind": "travel_document", "number": d["number"], "country": d["country"],
                "document_type": DOC_TYPES.get(d["kind"], "other"),
                "document_status": rng.choice(["stolen", "stolen", "lost", "revoked", "invalid"]), **_sharing(rng)}
        if body["restriction"]["mode"] == "all_members":
            wl.visible.add(d["id"])
        yield _pick(rng, OWNERS), body


def prepare(url: str) -> None:
    """Schema and users: one officer per owner, the SVK screener (directly: not what is measured)."""
    from taawun.access import identity
    from taawun.access.actor import SYSTEM
    from taawun.domain.enums import Role
    from taawun.services.accounts import init_database
    from taawun.store.db import make_engine

    engine = make_engine(url)
    init_database(engine)
    with engine.begin() as conn:
        for org, _ in OWNERS:
            identity.add_user(conn, SYSTEM, username=f"officer_{org.lower()}", org_code=org, role=Role.OFFICER,
                              password=PASSWORD)
        identity.add_user(conn, SYSTEM, username=SCREENER[0], org_code=SCREENER[1], role=Role(SCREENER[2]),
                          password=PASSWORD)
    engine.dispose()


def write_files(wl: Watchlist, seed: int, directory: Path) -> dict[str, Path]:
    """The watchlist as NDJSON files, one per owner (each owner's officer imports its own records)."""
    paths = {org: directory / f"watchlist_{org.lower()}.ndjson" for org, _ in OWNERS}
    files = {org: open(path, "w", encoding="utf-8") for org, path in paths.items()}  # noqa: SIM115
    try:
        for owner, body in _bodies(wl, seed):
            files[owner].write(json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n")
    finally:
        for fh in files.values():
            fh.close()
    return paths


def _import(db_url: str, org: str, path: Path) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "taawun.cli", "import", str(path), "--user", f"officer_{org.lower()}",
           "--org", org]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=_env(db_url, None), capture_output=True, text=True, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"taawun import {path.name} failed: {proc.stderr.strip()[-2000:]}")
    log(proc.stdout.strip())
    return {"file": path.name, "seconds": round(wall, 1), "output": proc.stdout.strip()}


def load(url: str, wl: Watchlist, seed: int, directory: Path, jobs: int) -> dict[str, Any]:
    """Write the watchlist to one NDJSON file per owner, then `taawun import` each as its officer
    (as an NCB would load its records), `jobs` imports at a time."""
    from concurrent.futures import ThreadPoolExecutor

    total = len(wl.persons) + len(wl.documents)
    t0 = time.perf_counter()
    paths = write_files(wl, seed, directory)
    write_s = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in paths.values())
    log(f"wrote {total:,} records to {len(paths)} files ({mib(size):,.0f} MiB) in {write_s:.1f} s; importing")
    t1 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        files = list(pool.map(lambda item: _import(url, *item), sorted(paths.items(), key=lambda x: -x[1].stat()
                                                                        .st_size)))
    wall = time.perf_counter() - t1
    for path in paths.values():
        path.unlink()
    return {"path": f"taawun import FILE --user OFFICER (one NDJSON file per owner, {jobs} at a time, each file "
                    "one transaction)", "records": total, "files_mib": mib(size), "write_files_s": round(write_s, 1),
            "seconds": round(wall, 1), "records_per_s": round(total / wall), "files": files}


def loaded(url: str) -> int:
    """Records already in the database at ``url`` (0 if it has no schema yet)."""
    from sqlalchemy import inspect

    from taawun.store.db import make_engine
    from taawun.store.records import count_records

    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("records"):
            return 0
        with engine.connect() as conn:
            return count_records(conn)
    finally:
        engine.dispose()


@contextlib.contextmanager
def _locked(path: str) -> Iterator[None]:
    import fcntl

    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# --- queries -------------------------------------------------------------------------------------
def _birth_query(stored: str, rng: random.Random) -> str:
    """What the traveller's passport says: a full date (agreeing with the stored year, month, day)."""
    parts = stored.split("-")
    year = parts[0]
    month = parts[1] if len(parts) > 1 else f"{rng.randint(1, 12):02d}"
    day = parts[2] if len(parts) > 2 else f"{rng.randint(1, 28):02d}"
    return f"{year}-{month}-{day}"


def person_queries(wl: Watchlist, n: int, rng: random.Random, listed_share: float = 0.3,
                   documents: bool = False) -> list[dict[str, Any]]:
    """Travellers: `listed_share` of them cross-script variants of listed persons, the rest new names."""
    import watchlist_gen

    out = []
    for _ in range(n):
        if rng.random() < listed_share:
            i = rng.randrange(len(wl.persons))
            gp = wl.persons[i]
            name, _ = wl.gen.listed_query(gp, rng)
            q: dict[str, Any] = {"names": [name], "birth_date": _birth_query(gp.record["birth_date"], rng),
                                 "reference": "listed:" + gp.record["id"]}
            if gp.record["nationalities"] and rng.random() < 0.7:
                q["nationalities"] = gp.record["nationalities"][:1]
            doc = wl.passports.get(i)
            if documents and doc and rng.random() < 0.5:
                q["documents"] = [{"number": watchlist_gen.display_variant(doc["number"], rng),
                                   "country": doc["country"]}]
        else:
            name, _ = wl.gen.unlisted_query(rng)
            q = {"names": [name], "birth_date": f"{rng.randint(1950, 2006)}-{rng.randint(1, 12):02d}-"
                                                f"{rng.randint(1, 28):02d}", "reference": "unlisted"}
            if rng.random() < 0.7:
                q["nationalities"] = [wl.gen.parts.countries.draw(rng)]
            if documents and rng.random() < 0.5:
                q["documents"] = [{"number": f"Q{rng.randrange(10**8):08d}", "country": "FRA"}]
        q["sex"] = "m" if rng.random() < 0.82 else "f"
        q["location"] = "bench border post"
        out.append(q)
    return out


def document_queries(wl: Watchlist, n: int, rng: random.Random, listed_share: float = 0.3) -> list[dict[str, Any]]:
    import watchlist_gen

    out = []
    for _ in range(n):
        if wl.documents and rng.random() < listed_share:
            d = rng.choice(wl.documents)
            out.append({"number": watchlist_gen.display_variant(d["number"], rng), "country": d["country"],
                        "location": "bench border post"})
        else:
            out.append({"number": f"{rng.choice('ABCZ')}{rng.randrange(10**8):08d}", "country": "DEU",
                        "location": "bench border post"})
    return out


# --- servers -------------------------------------------------------------------------------------
def _env(db_url: str, index_dir: Path | None) -> dict[str, str]:
    env = {**os.environ, "TAAWUN_DB": db_url}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT / "src"), env.get("PYTHONPATH")]))
    if index_dir:
        env["TAAWUN_INDEX_DIR"] = str(index_dir)
    return env


def snapshot(db_url: str, directory: Path) -> dict[str, Any]:
    """`taawun index snapshot --dir DIR` as an operator would run it."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "taawun.cli", "index", "snapshot", "--dir", str(directory)],
                          env=_env(db_url, None), capture_output=True, text=True, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"taawun index snapshot failed: {proc.stderr.strip()[-2000:]}")
    size = sum(p.stat().st_size for p in directory.iterdir())
    log(proc.stdout.strip())
    return {"command": "taawun index snapshot --dir DIR", "seconds": round(wall, 1), "output": proc.stdout.strip(),
            "size_mib": mib(size)}


@contextlib.contextmanager
def workers(db_url: str, index_dir: Path | None, log_dir: Path, n: int = 2) -> Iterator[list[tuple[str, Any]]]:
    """n separate uvicorn processes (one worker each, each its own index) on free ports."""
    procs: list[tuple[str, Any]] = []
    try:
        for k in range(n):
            port = free_port()
            cmd = [sys.executable, "-m", "uvicorn", "--factory", "taawun.api.app:create_app", "--host", "127.0.0.1",
                   "--port", str(port), "--log-level", "warning", "--no-access-log"]
            out = open(log_dir / f"worker{k}.log", "wb")  # noqa: SIM115 - closed with the process
            procs.append((f"http://127.0.0.1:{port}", subprocess.Popen(
                cmd, env=_env(db_url, index_dir), cwd=log_dir, stdin=subprocess.DEVNULL, stdout=out, stderr=out)))
        yield procs
    finally:
        stop_processes([proc for _, proc in procs])


def wait_healthy(url: str, proc: Any, deadline_s: float = 120) -> float:
    t0 = time.perf_counter()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the worker at {url} exited with status {proc.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return time.perf_counter() - t0
        if time.perf_counter() - t0 > deadline_s:
            raise RuntimeError(f"the worker at {url} did not answer /healthz in {deadline_s:.0f} s")
        time.sleep(0.05)


def token(url: str, username: str) -> dict[str, str]:
    r = httpx.post(f"{url}/api/v1/auth/token", data={"username": username, "password": PASSWORD}, timeout=60)
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def rss_mib(pid: int) -> float:
    import psutil

    return mib(psutil.Process(pid).memory_info().rss)


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system, all threads) of a process so far, with its children's once reaped (a
    passenger list's search helper, services.batch_search)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def helper_memory(pid: int, every_s: float = 1.0) -> Iterator[dict[str, Any]]:
    """While the block runs, the worker's RSS and its children's (the batch helper's) RSS and unique memory
    (USS: the pages copy-on-write gave it a copy of; the rest it shares with the worker): the peaks."""
    import threading

    import psutil

    peaks: dict[str, Any] = {"worker_rss_mib": 0.0, "helper_rss_mib": 0.0, "helper_uss_mib": 0.0, "helpers_seen": 0}
    stop = threading.Event()
    seen: set[int] = set()

    def sample() -> None:
        worker = psutil.Process(pid)
        while not stop.wait(every_s):
            with contextlib.suppress(psutil.Error):
                peaks["worker_rss_mib"] = max(peaks["worker_rss_mib"], mib(worker.memory_info().rss))
                for child in worker.children():
                    seen.add(child.pid)
                    info = child.memory_full_info()
                    peaks["helper_rss_mib"] = max(peaks["helper_rss_mib"], mib(info.rss))
                    peaks["helper_uss_mib"] = max(peaks["helper_uss_mib"], mib(info.uss))
            peaks["helpers_seen"] = len(seen)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peaks
    finally:
        stop.set()
        thread.join()


def with_cpu(pids: Sequence[int], phase: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Run a load phase and add what it cost in CPU: the server workers' and this load generator's.

    Why: on a shared 2-core machine wall-clock latencies depend on what else runs; CPU per request says
    what the server's code costs, and the generator's share says how much of the machine it took itself."""
    servers0, gen0 = sum(cpu_s(p) for p in pids), time.process_time()
    out: dict[str, Any] = phase(*args, **kwargs)
    servers, gen = sum(cpu_s(p) for p in pids) - servers0, time.process_time() - gen0
    n = max(1, out.get("requests") or out.get("answered") or out.get("count") or out.get("travellers") or 1)
    out["cpu"] = {"server_s": round(servers, 2), "server_ms_per_request": round(servers * 1000 / n, 2),
                  "loadgen_s": round(gen, 2), "loadgen_ms_per_request": round(gen * 1000 / n, 2),
                  "load_average_after": os.getloadavg()[0]}
    return out


INDEX_CODE = ("taawun/index/", "taawun/names/")  # the name engine and its index: the rest is the service


@contextlib.contextmanager
def sampled(pid: int, max_seconds: float, out: Path) -> Iterator[dict[str, Any]]:
    """py-spy samples of a worker while the block runs: the share of its busy samples inside the index.

    Why beside `index_share`: that one times the index alone in this process; this one looks into the
    running worker under load, where queueing, the GIL and the database share the same CPU."""
    import shutil
    import signal

    summary: dict[str, Any] = {}
    exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(exe).exists():
        summary["skipped"] = "py-spy not installed"
        yield summary
        return
    proc = subprocess.Popen([exe, "record", "--pid", str(pid), "--rate", "50", "--format", "raw", "--output",
                             str(out), "--duration", str(int(max_seconds) + 5), "--nonblocking"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield summary
    finally:
        proc.send_signal(signal.SIGINT)  # py-spy writes what it has on Ctrl-C
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            err = b""
        summary.update(_collapsed_share(out) if out.exists() else {"skipped": err.decode()[-300:]})


def _collapsed_share(path: Path) -> dict[str, Any]:
    total = in_index = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        if any(part in stack for part in INDEX_CODE):
            in_index += int(count)
    return {"busy_samples": total, "index_samples": in_index,
            "index_share": round(in_index / total, 3) if total else None,
            "counted_as_index": "stacks with a frame in src/taawun/index/ or src/taawun/names/"}


def index_share(snapshot_dir: Path, persons: Sequence[dict[str, Any]], documents: Sequence[dict[str, Any]]
                ) -> dict[str, Any]:
    """CPU per query of the name/document index alone, in this process on the same snapshot the workers load,
    for the queries of the one-client phases: set beside the server's CPU per request, it splits a screening
    into the index's share and the rest (HTTP, authentication, change feed, disclosure, audit, commit).

    Then the machine's own scaling (`two_at_once`): the person queries searched again, in a loop, by this
    process alone and by two forked copies of it at once. A passenger list is searched by two processes
    (services.batch_search), so its time depends on how much two searches on the two cores slow each other
    (shared caches and memory, or two hyperthreads of one core), which differs from machine to machine far
    more than one search alone does: the ratio says how far a batch figure is the machine's."""
    from taawun.domain.models import DocumentQuery, TravellerQuery
    from taawun.services.screening import traveller_candidates
    from taawun.services.screening_index import ScreeningIndex

    index = ScreeningIndex.load(snapshot_dir)
    travellers = [TravellerQuery.model_validate(q) for q in persons]
    docs = [TravellerQuery(documents=[DocumentQuery(number=q["number"], country=q.get("country"))])
            for q in documents]
    out: dict[str, Any] = {}
    for name, queries in (("person", travellers), ("document", docs)):
        for q in queries[:5]:  # warm caches as the workers' warm-up does
            traveller_candidates(index, q)
        t0 = time.process_time()
        for q in queries:
            traveller_candidates(index, q)
        out[f"{name}_index_cpu_ms"] = round((time.process_time() - t0) * 1000 / max(1, len(queries)), 2)
    if travellers:
        search_all = functools.partial(_each, functools.partial(traveller_candidates, index), travellers)
        out["two_at_once"] = two_at_once(search_all, len(travellers))
    del index
    return out


def _each(search: Any, queries: Sequence[Any]) -> None:
    for query in queries:
        search(query)


def two_at_once(work: Any, n: int, passes: int = 10) -> dict[str, Any]:
    """CPU ms per query of `passes` runs of `work` (n queries each): in this process alone, then in two forked
    children released together (each its own figure). Children share the parent's memory copy-on-write, as
    the passenger list's helper does."""

    def timed() -> float:
        t0 = time.process_time()
        for _ in range(passes):
            work()
        return (time.process_time() - t0) * 1000 / (passes * n)

    alone = timed()
    go_r, go_w = os.pipe()
    children: list[tuple[int, int]] = []
    for _ in range(2):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            code = 1
            try:
                os.close(read_end)
                os.read(go_r, 1)
                os.write(write_end, f"{timed():.4f}".encode())
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        children.append((pid, read_end))
    os.write(go_w, b"go")
    figures: list[float] = []
    for pid, read_end in children:
        with os.fdopen(read_end, "rb") as f:
            text = f.read()
        os.waitpid(pid, 0)
        if text:
            figures.append(float(text))
    os.close(go_r)
    os.close(go_w)
    both = statistics.mean(figures) if len(figures) == 2 else None
    return {"queries": n, "passes": passes, "alone_cpu_ms": round(alone, 3),
            "each_of_two_cpu_ms": [round(x, 3) for x in figures],
            "slowdown": round(both / alone, 3) if both and alone else None}


# --- the load generator --------------------------------------------------------------------------
async def _load(urls: Sequence[str], path: str, bodies: Sequence[dict[str, Any]], headers: dict[str, str],
                concurrency: int, max_seconds: float, rate: float | None) -> dict[str, Any]:
    """Send every body once (round-robin over the workers) from `concurrency` clients.

    Closed loop (rate None): each client sends its next request as soon as the last one is answered.
    Paced (rate r/s): request k is not sent before t0 + k/r, still by at most `concurrency` clients.
    Stops by itself after the last request or after `max_seconds`, whichever comes first.
    """
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    results: Counter[str] = Counter()
    payloads = [json_body(b) for b in bodies]  # encoded before the clock starts: the server's time is measured
    next_i = 0
    t0 = time.perf_counter()
    deadline = t0 + max_seconds

    async def one_client() -> None:
        nonlocal next_i
        conns = [Connection(url, headers) for url in urls]  # each client its own keep-alive connection per worker
        try:
            while next_i < len(bodies) and time.perf_counter() < deadline:
                i = next_i
                next_i += 1
                if rate:
                    wait = t0 + i / rate - time.perf_counter()
                    if wait > 0:
                        await asyncio.sleep(wait)
                start = time.perf_counter()
                try:
                    status, data = await conns[i % len(urls)].request("POST", path, payloads[i])
                except HttpError as exc:
                    statuses[type(exc.__cause__).__name__] += 1  # (the error the connection met)
                    continue
                latencies.append((time.perf_counter() - start) * 1000)
                statuses[str(status)] += 1
                if status == 200:
                    results[json.loads(data)["result"]] += 1
        finally:
            for conn in conns:
                conn.close()

    await asyncio.gather(*(one_client() for _ in range(concurrency)))
    wall = time.perf_counter() - t0
    errors = sum(v for k, v in statuses.items() if k != "200")
    return {"requests": len(latencies) + sum(v for k, v in statuses.items() if not k.isdigit()),
            "planned": len(bodies), "seconds": round(wall, 1), "throughput_per_s": round(len(latencies) / wall, 1),
            "concurrency": concurrency, "paced_rate_per_s": rate, "errors": errors, "statuses": dict(statuses),
            "results": dict(results), **_summary(latencies)}


def _summary(latencies: Sequence[float]) -> dict[str, Any]:
    if not latencies:
        return {"latency_ms": None}
    return {"latency_ms": {"p50": round(percentile(latencies, 50), 2), "p90": round(percentile(latencies, 90), 2),
                           "p99": round(percentile(latencies, 99), 2), "max": round(max(latencies), 2),
                           "mean": round(statistics.fmean(latencies), 2)}}


def run_load(*args: Any, **kwargs: Any) -> dict[str, Any]:
    return asyncio.run(_load(*args, **kwargs))


def sequential(url: str, path: str, bodies: Sequence[dict[str, Any]], headers: dict[str, str]) -> dict[str, Any]:
    """One client, one request at a time: the service time without queueing."""
    return asyncio.run(_sequential(url, path, bodies, headers))


async def _sequential(url: str, path: str, bodies: Sequence[dict[str, Any]], headers: dict[str, str]
                      ) -> dict[str, Any]:
    latencies = []
    conn = Connection(url, headers)
    try:
        for payload in [json_body(b) for b in bodies]:
            t = time.perf_counter()
            status, data = await conn.request("POST", path, payload)
            latencies.append((time.perf_counter() - t) * 1000)
            if status != 200:
                raise HttpError(f"{path} answered {status}: {data[:200]!r}")
    finally:
        conn.close()
    return {"requests": len(latencies), **_summary(latencies)}


def expected_total(query: dict[str, Any], body: dict[str, Any]) -> float:
    """The score a screening should give the created record: `compare` of the best (query name, record
    name) pair, moved by birth date, nationality and sex as the index moves it (`combine`)."""
    from taawun.names import compare
    from taawun.names.attributes import combine, normalise_nationalities, parse_date

    name = max(compare(q, n["full"]).score for q in query["names"] for n in body["names"])
    total, _ = combine(name, parse_date(query.get("birth_date")), parse_date(body.get("birth_date")),
                       normalise_nationalities(query.get("nationalities")),
                       normalise_nationalities(body.get("nationalities")), query.get("sex"), body.get("sex"))
    return total


def propagation(a: str, b: str, officer: dict[str, str], screener: dict[str, str], wl: Watchlist, repeats: int,
                rng: random.Random, max_draws: int = 20) -> dict[str, Any]:
    """Create a person through worker A, screen through worker B until it hits (polling back to back).

    Only pairs that should hit are measured: the query is another spelling of the created name, and
    some spellings score below the threshold by name matching alone (e.g. a rare Latin form of a
    short name), which says nothing about propagation. Each draw is first scored with `compare` and
    the attributes as the index scores it (`expected_total`); pairs below DEFAULT_THRESHOLD are
    counted apart (`not_expected_to_hit`, never created). Of the measured ones, a record not returned
    within 10 s is `outranked` when the answer already held MAX_HITS hits scoring at least as high
    (the service returns the best 10 only), else `missed`: only those are propagation failures."""
    from taawun.names import DEFAULT_THRESHOLD
    from taawun.services.screening import MAX_HITS

    times, polls, expected = [], [], []
    skipped: list[dict[str, Any]] = []
    outranked = missed = 0
    with httpx.Client(timeout=30) as client:
        for k in range(repeats):
            for _ in range(max_draws):
                ar, lat = wl.gen.compose(rng)
                birth = f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                body: dict[str, Any] = {
                    "kind": "person",
                    "names": [{"full": " ".join(ar)}, {"full": " ".join(lat), "type": "transliteration"}],
                    "birth_date": birth, "person_status": "wanted", "crime_areas": ["terrorism"]}
                query = {"names": [" ".join(wl.gen.parts.spellings[a].draw(rng) for a in ar)], "birth_date": birth,
                         "location": "bench propagation"}
                total = expected_total(query, body)
                if total >= DEFAULT_THRESHOLD:
                    break
                if len(skipped) < 10:
                    skipped.append({"query": query["names"][0], "names": [n["full"] for n in body["names"]],
                                    "expected_total": total})
                else:
                    skipped.append({"expected_total": total})
            else:
                continue  # no drawable pair this round (not seen in practice)
            expected.append(total)
            r = client.post(f"{a}/api/v1/records", json=body, headers=officer)
            created = time.perf_counter()
            r.raise_for_status()
            record_id = r.json()["id"]
            n = 0
            while True:
                n += 1
                out = client.post(f"{b}/api/v1/screen/person", json=query, headers=screener)
                out.raise_for_status()
                hits = out.json()["hits"]
                if any(h.get("record_id") == record_id for h in hits):
                    times.append(time.perf_counter() - created)
                    polls.append(n)
                    break
                if time.perf_counter() - created > 10:
                    times.append(float("inf"))
                    polls.append(n)
                    better = [h for h in hits if h.get("score", 1.0) >= total]  # hidden hits carry no score
                    if len(hits) >= MAX_HITS and len(better) >= MAX_HITS:
                        outranked += 1
                        why = "outranked"
                    else:
                        missed += 1
                        why = "MISSED"
                    log(f"propagation {k}: no hit after 10 s ({query['names'][0]!r}, expected {total:.3f}): {why}")
                    break
            # The draws are seeded, so every run creates the same persons: left in a kept database (--db-url), each
            # run's would be outranked by the identical ones of the runs before (ten runs made every query's
            # answer ten older namesakes). Deleted through the API, as the owner would.
            client.delete(f"{a}/api/v1/records/{record_id}", headers=officer).raise_for_status()
    finite = [t for t in times if t != float("inf")]
    return {"repeats": repeats, "measured": len(times), "found": len(finite), "missed": missed,
            "outranked": outranked, "not_expected_to_hit": len(skipped), "not_expected_examples": skipped[:10],
            "expected_total_min": round(min(expected), 4) if expected else None,
            "median_s": round(statistics.median(times), 4) if times else None,
            "max_s": round(max(finite), 4) if finite else None,
            "max_s_is": "over the found ones" if finite != times else "over all",
            "polls_median": statistics.median(polls) if polls else None, "polls_max": max(polls) if polls else None,
            "what": "from the POST /records response (committed) to the first screening answer through worker B "
                    "that contains the record; only creations whose query scores >= DEFAULT_THRESHOLD by compare "
                    "and attributes are measured"}


def passenger_list(url: str, headers: dict[str, str], travellers: list[dict[str, Any]], per_traveller_ms: float,
                   cap_s: float) -> dict[str, Any]:
    """One POST /screen/batch of every traveller (JSON in, JSON out), timed.

    If one-at-a-time screening says the list would take far longer than `cap_s`, the same list is sent
    with `Accept: application/x-ndjson` instead and read for `cap_s` seconds only (the server stops
    when the client goes); the rate then gives an extrapolated time for the whole list.
    """
    payload = json.dumps({"travellers": travellers}, ensure_ascii=False).encode()
    out: dict[str, Any] = {"travellers": len(travellers), "payload_mib": mib(len(payload))}
    hdrs = {**headers, "Content-Type": "application/json"}
    if per_traveller_ms * len(travellers) / 1000 <= cap_s:
        t = time.perf_counter()
        r = httpx.post(f"{url}/api/v1/screen/batch", content=payload, headers=hdrs, timeout=cap_s * 3)
        seconds = time.perf_counter() - t
        r.raise_for_status()
        body = r.json()
        return {**out, "mode": "one JSON response", "seconds": round(seconds, 2), "count": body["count"],
                "hits": body["hits"], "per_traveller_ms": round(seconds * 1000 / len(travellers), 2)}
    done, hits = 0, 0
    t = time.perf_counter()
    with httpx.stream("POST", f"{url}/api/v1/screen/batch", content=payload,
                      headers={**hdrs, "Accept": "application/x-ndjson"}, timeout=cap_s * 3) as r:
        r.raise_for_status()
        for line in r.iter_lines():
            if not line:
                continue
            done += 1
            hits += json.loads(line)["result"] != "no_hit"
            if time.perf_counter() - t > cap_s:
                break
    seconds = time.perf_counter() - t
    return {**out, "mode": f"streamed (ndjson) and stopped after {cap_s:.0f} s: the whole list would take "
                           f"~{per_traveller_ms * len(travellers) / 1000:.0f} s by one-client latency",
            "answered": done, "seconds_for_answered": round(seconds, 2), "hits_in_answered": hits,
            "per_traveller_ms": round(seconds * 1000 / max(1, done), 2),
            "seconds": round(seconds / max(1, done) * len(travellers), 1), "seconds_is": "extrapolated"}


# --- main ----------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--persons", type=int)
    parser.add_argument("--documents", type=int)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="person screenings per load phase")
    parser.add_argument("--doc-requests", type=int, default=2000)
    parser.add_argument("--paced-rate", type=float, default=20.0, help="arrivals per second in the paced phase")
    parser.add_argument("--max-seconds", type=float, default=120, help="cap on each load phase")
    parser.add_argument("--batch-size", type=int, default=10_000, help="travellers in the passenger list")
    parser.add_argument("--batch-cap", type=float, default=180, help="seconds to spend on the passenger list")
    parser.add_argument("--repeats", type=int, default=20, help="propagation measurements")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--import-jobs", type=int, default=1, help="owner files imported at a time")
    parser.add_argument("--db-url", help="use this database, kept afterwards; its records are reused if it holds "
                                         "the watchlist already (same sizes and seed), else it is loaded")
    parser.add_argument("--lock", help="hold this lock file (flock) from the snapshot to the end")
    parser.add_argument("--snapshot-dir", help="keep the index snapshot here: written when absent, else reused "
                                               "(workers catch up on later changes), so reruns skip the build")
    parser.add_argument("--quick", action="store_true", help="tiny smoke run (< 1 min)")
    parser.add_argument("--load-only", action="store_true",
                        help="with --db-url: load the watchlist (untimed by the lock) and stop; a later run reuses it")
    args = parser.parse_args()
    try:  # needed only after the load: say so before a load of many minutes, not after it
        import psutil  # noqa: F401
    except ImportError:
        parser.error("psutil is missing: install the bench extra (.venv/bin/pip install -r requirements-bench.lock)")
    if args.db == "sqlite" and args.import_jobs > 1:
        parser.error("--import-jobs must be 1 on SQLite: an import holds the database's write lock for its whole file")
    if args.load_only and not args.db_url:
        parser.error("--load-only needs --db-url (a throwaway database would be dropped at once)")
    n_persons, n_docs = DEFAULTS[args.db]
    args.persons = n_persons if args.persons is None else args.persons
    args.documents = n_docs if args.documents is None else args.documents
    if args.quick:
        args.persons, args.documents = min(args.persons, 500), min(args.documents, 500)
        args.requests, args.doc_requests, args.batch_size, args.repeats = 80, 80, 100, 3
        args.concurrency, args.max_seconds, args.batch_cap = min(args.concurrency, 10), 20, 20

    t_all = time.perf_counter()
    log(f"generating {args.persons:,} persons and {args.documents:,} documents")
    t0 = time.perf_counter()
    wl = make_watchlist(args.persons, args.documents, args.seed)
    gen_s = time.perf_counter() - t0
    rng = random.Random(args.seed + 7)
    q_closed = person_queries(wl, args.requests, rng)
    q_paced = person_queries(wl, max(50, min(args.requests, int(args.paced_rate * 60))), rng)
    q_docs = document_queries(wl, args.doc_requests, rng)
    q_docs_paced = document_queries(wl, max(50, min(args.doc_requests, int(args.paced_rate * 60))), rng)
    q_batch = person_queries(wl, args.batch_size, rng, listed_share=0.05, documents=True)
    q_seq = person_queries(wl, 100 if not args.quick else 20, rng)
    q_seq_docs = q_docs[:200 if not args.quick else 20]
    q_warm = person_queries(wl, 20, rng)
    result: dict[str, Any] = {"benchmark": "screening_load", "db": args.db, "quick": args.quick,
                              "persons": args.persons, "documents": args.documents,
                              "persons_with_passport": len(wl.passports),
                              "mix": {"owners": dict(OWNERS), "restrictions": [[w, v] for w, v in RESTRICTIONS],
                                      "silent_share": SILENT_SHARE, "screener": "SVK frontline (hidden: MENA-only, "
                                      "only ARE/MAR/TUN, all_except SVK)"},
                              "targets": TARGETS, "generate_s": round(gen_s, 1)}

    given_db = contextlib.nullcontext(args.db_url) if args.db_url else None
    with given_db or database(args.db) as url, tempfile.TemporaryDirectory(prefix="taawun-screen-") as tmp, \
            contextlib.ExitStack() as stack:
        tmpdir = Path(tmp)
        if args.db_url and loaded(url) >= args.persons + args.documents:
            log(f"reusing the records already in {args.db_url}")
            result["load"] = {"reused": args.db_url, "records": loaded(url)}
            for _ in _bodies(wl, args.seed):  # the same draws as when it was loaded: who may see what
                pass
        else:
            prepare(url)
            log(f"loading into {args.db}")
            result["load"] = load(url, wl, args.seed, tmpdir, args.import_jobs)
        result["visible_to_screener_share"] = round(len(wl.visible) / max(1, args.persons + args.documents), 3)
        result["driver_rss_mib"] = {"with_watchlist": rss_mib(os.getpid())}
        shed(wl)
        result["driver_rss_mib"]["timed_phases"] = rss_mib(os.getpid())
        if args.load_only:
            emit(f"screening_load_{args.db}_load", result)
            return
        if args.lock:  # the timed part: never beside another heavy benchmark on this machine
            log(f"waiting for {args.lock}")
            stack.enter_context(_locked(args.lock))
            result["load_average_at_start"] = os.getloadavg()
        snap = Path(args.snapshot_dir) if args.snapshot_dir else tmpdir / "index"
        if (snap / "meta.json").exists():
            result["snapshot"] = {"reused": str(snap), "meta": json.loads((snap / "meta.json").read_text())}
        else:
            result["snapshot"] = snapshot(url, snap)
        with workers(url, snap, tmpdir) as procs:
            (a, pa), (b, pb) = procs
            start = {"healthz_s": [round(wait_healthy(a, pa), 2), round(wait_healthy(b, pb), 2)]}
            start["engine"] = [httpx.get(f"{u}/healthz", timeout=5).json().get("engine") for u in (a, b)]
            screener = token(a, SCREENER[0])
            officer = token(a, "officer_mar")
            first = []
            for url_k in (a, b):  # the first screening loads the snapshot (lazily, per worker)
                t = time.perf_counter()
                httpx.post(f"{url_k}/api/v1/screen/person", json=q_warm[0], headers=screener,
                           timeout=600).raise_for_status()
                first.append(round(time.perf_counter() - t, 2))
            start["first_screening_s"] = first
            start["rss_mib_after_load"] = [rss_mib(pa.pid), rss_mib(pb.pid)]
            result["worker_start"] = start
            log(f"workers up: {start}")
            for q in q_warm:
                for url_k in (a, b):
                    httpx.post(f"{url_k}/api/v1/screen/person", json=q, headers=screener, timeout=60)

            pids = [pa.pid, pb.pid]
            log("person screening, one client (service time)")
            result["person_sequential"] = with_cpu(pids, sequential, a, "/api/v1/screen/person", q_seq, screener)
            log(f"person screening, {args.concurrency} clients, closed loop")
            with sampled(pa.pid, args.max_seconds, tmpdir / "worker0.pyspy") as profile:
                result["person_closed_loop"] = with_cpu(pids, run_load, [a, b], "/api/v1/screen/person", q_closed,
                                                        screener, args.concurrency, args.max_seconds, None)
            result["person_closed_loop"]["py_spy_worker_a"] = profile
            log(f"person screening, {args.concurrency} clients, paced at {args.paced_rate}/s")
            result["person_paced"] = with_cpu(pids, run_load, [a, b], "/api/v1/screen/person", q_paced, screener,
                                              args.concurrency, args.max_seconds, args.paced_rate)
            log(f"document screening, {args.concurrency} clients, closed loop")
            result["document_closed_loop"] = with_cpu(pids, run_load, [a, b], "/api/v1/screen/document", q_docs,
                                                      screener, args.concurrency, args.max_seconds, None)
            log(f"document screening, {args.concurrency} clients, paced at {args.paced_rate}/s")
            result["document_paced"] = with_cpu(pids, run_load, [a, b], "/api/v1/screen/document", q_docs_paced,
                                                screener, args.concurrency, args.max_seconds, args.paced_rate)
            result["document_sequential"] = with_cpu(pids, sequential, b, "/api/v1/screen/document", q_seq_docs,
                                                     screener)
            per_traveller_ms = result["person_sequential"]["latency_ms"]["p50"]
            with helper_memory(pa.pid) as memory:
                result["batch"] = with_cpu(pids, passenger_list, a, screener, q_batch, per_traveller_ms,
                                           args.batch_cap)
            result["batch"]["memory"] = memory
            log(f"batch: {result['batch']}")
            result["propagation"] = propagation(a, b, officer, screener, wl, args.repeats, rng)
            result["rss_mib_end"] = [rss_mib(pa.pid), rss_mib(pb.pid)]
        log("index share: the index alone on the one-client queries, in this process")
        result["index_share"] = index_share(snap, q_seq, q_seq_docs)
        for kind in ("person", "document"):
            server_ms = result[f"{kind}_sequential"]["cpu"]["server_ms_per_request"]
            index_ms = result["index_share"][f"{kind}_index_cpu_ms"]
            result["index_share"][f"{kind}_server_cpu_ms"] = server_ms
            result["index_share"][f"{kind}_index_share"] = round(index_ms / server_ms, 3) if server_ms else None

    p_closed = result["person_closed_loop"]
    p_paced = result["person_paced"]
    doc = result["document_closed_loop"]
    result["vs_targets"] = {
        "person_p99_ms": {"target": TARGETS["person_p99_ms"], "closed_loop_50": p_closed["latency_ms"]["p99"],
                          "paced": p_paced["latency_ms"]["p99"], "one_client": result["person_sequential"]
                          ["latency_ms"]["p99"], "errors": p_closed["errors"] + p_paced["errors"],
                          "server_cpu_ms_per_request": p_closed["cpu"]["server_ms_per_request"]},
        "document_p99_ms": {"target": TARGETS["document_p99_ms"], "closed_loop_50": doc["latency_ms"]["p99"],
                            "paced": result["document_paced"]["latency_ms"]["p99"],
                            "one_client": result["document_sequential"]["latency_ms"]["p99"],
                            "server_cpu_ms_per_request": doc["cpu"]["server_ms_per_request"]},
        "batch_10k_s": {"target": TARGETS["batch_10k_s"], "measured": result["batch"]["seconds"],
                        "travellers": result["batch"]["travellers"]},
        "propagation_s": {"target_max": TARGETS["propagation_max_s"], "median": result["propagation"]["median_s"],
                          "max": result["propagation"]["max_s"], "missed": result["propagation"]["missed"],
                          "outranked": result["propagation"]["outranked"],
                          "not_expected_to_hit": result["propagation"]["not_expected_to_hit"]},
    }
    result["total_s"] = round(time.perf_counter() - t_all, 1)
    result["environment"] = environment()
    name = f"screening_load_{args.db}{'_quick' if args.quick else ''}"
    emit(name, result)
    if not args.quick:  # keep every database's latest full run side by side
        combined = OUT_DIR / "screening_load.json"
        merged = json.loads(combined.read_text()) if combined.exists() else {}
        merged[args.db] = result
        combined.write_text(json.dumps(merged, ensure_ascii=False, indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
