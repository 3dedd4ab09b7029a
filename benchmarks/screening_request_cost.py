"""What one screening request costs the server, outside the name index (issue 4, per-request cost).

Why apart from screening_load.py: that one needs the 1M + 5M database and half an hour; the service's
own share of a request (HTTP, token check, change feed, disclosure, audit, commit) hardly depends on the
watchlist's size, so it is measured here on a small database already loaded by
`screening_load.py --load-only --db-url URL --persons N --documents M` (same sizes and seed, so the
listed queries name records that exist). One worker, one client, one request at a time: client latency
p50/p99 and the worker's CPU per request (user + system, all threads), for person and document
screening, alternating rounds so that a change of machine load falls on both alike.

`--baseline-src DIR` (e.g. `git archive COMMIT src | tar -x -C DIR`) starts a second worker from that code
beside the one from this tree, on the same database and snapshot, and alternates the rounds between them:
on a shared machine that is the only fair before/after (two runs minutes apart see different loads).

    .venv/bin/python benchmarks/screening_request_cost.py --db-url postgresql+psycopg://... \
        --persons 30000 --documents 60000 [--snapshot-dir DIR] [--rounds 3] [--requests 200] [--baseline-src DIR]

Writes benchmarks/out/screening_request_cost[_LABEL].json.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from bench_util import REPO_ROOT, emit, environment, log
from common import free_port, stop_processes
from screening_load import (
    SCREENER,
    cpu_s,
    document_queries,
    make_watchlist,
    person_queries,
    rss_mib,
    sequential,
    snapshot,
    token,
    wait_healthy,
)


@contextlib.contextmanager
def worker(db_url: str, index_dir: Path, src: Path, log_path: Path) -> Iterator[tuple[str, Any]]:
    """One uvicorn worker running the code in ``src``."""
    port = free_port()
    env = {**os.environ, "TAAWUN_DB": db_url, "TAAWUN_INDEX_DIR": str(index_dir), "PYTHONPATH": str(src)}
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "taawun.api.app:create_app", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning", "--no-access-log"]
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=log_path.parent, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        try:
            yield f"http://127.0.0.1:{port}", proc
        finally:
            stop_processes([proc])


def one_round(url: str, pid: int, path: str, bodies: list[dict[str, Any]], headers: dict[str, str]) -> dict[str, Any]:
    cpu0 = cpu_s(pid)
    out = sequential(url, path, bodies, headers)
    out["server_cpu_ms_per_request"] = round((cpu_s(pid) - cpu0) * 1000 / len(bodies), 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", required=True, help="a database loaded by screening_load.py --load-only")
    parser.add_argument("--persons", type=int, required=True)
    parser.add_argument("--documents", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--snapshot-dir", help="reuse (or write) the index snapshot here")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200, help="requests per kind and round")
    parser.add_argument("--label", default="", help="kept in the output (e.g. the commit measured)")
    parser.add_argument("--baseline-src", help="also measure a worker running this src/ directory, alternating")
    parser.add_argument("--baseline-snapshot-dir", help="the baseline worker's snapshot (when its format differs)")
    args = parser.parse_args()

    wl = make_watchlist(args.persons, args.documents, args.seed)
    rng = random.Random(args.seed + 7)
    persons = person_queries(wl, args.requests, rng)
    docs = document_queries(wl, args.requests, rng)
    warm = person_queries(wl, 30, rng)
    result: dict[str, Any] = {"benchmark": "screening_request_cost", "label": args.label, "persons": args.persons,
                              "documents": args.documents, "requests_per_round": args.requests,
                              "load_average_at_start": os.getloadavg()}
    trees = {"this": REPO_ROOT / "src"}
    if args.baseline_src:
        trees["baseline"] = Path(args.baseline_src).resolve()
    result["trees"] = {k: str(v) for k, v in trees.items()}
    with tempfile.TemporaryDirectory(prefix="taawun-cost-") as tmp, contextlib.ExitStack() as stack:
        tmpdir = Path(tmp)
        snap = Path(args.snapshot_dir) if args.snapshot_dir else tmpdir / "index"
        if not (snap / "meta.json").exists():
            result["snapshot"] = snapshot(args.db_url, snap)
        snaps = {"this": snap, "baseline": Path(args.baseline_snapshot_dir or snap)}
        procs = {name: stack.enter_context(worker(args.db_url, snaps[name], src, tmpdir / f"{name}.log"))
                 for name, src in trees.items()}
        headers = {}
        result["start"] = {}
        for name, (url, proc) in procs.items():
            healthy = wait_healthy(url, proc)
            headers[name] = token(url, SCREENER[0])
            t0 = time.perf_counter()
            httpx.post(f"{url}/api/v1/screen/person", json=warm[0], headers=headers[name],
                       timeout=600).raise_for_status()  # the first loads the snapshot
            result["start"][name] = {"healthz_s": round(healthy, 2),
                                     "first_screening_s": round(time.perf_counter() - t0, 2),
                                     "rss_mib_after_load": rss_mib(proc.pid)}
            for q in warm:
                httpx.post(f"{url}/api/v1/screen/person", json=q, headers=headers[name],
                           timeout=600).raise_for_status()
            for q in docs[:30]:
                httpx.post(f"{url}/api/v1/screen/document", json=q, headers=headers[name],
                           timeout=60).raise_for_status()
        rounds: dict[str, dict[str, list[dict[str, Any]]]] = {name: {"person": [], "document": []} for name in procs}
        for k in range(args.rounds):
            log(f"round {k + 1}/{args.rounds}")
            for name, (url, proc) in (procs.items() if k % 2 == 0 else reversed(procs.items())):
                for kind, bodies in (("person", persons), ("document", docs)):
                    rounds[name][kind].append(one_round(url, proc.pid, f"/api/v1/screen/{kind}", bodies,
                                                        headers[name]))
        result["rss_mib"] = {name: rss_mib(proc.pid) for name, (_, proc) in procs.items()}
    for name, kinds in rounds.items():
        result[name] = {}
        for kind, runs in kinds.items():
            result[name][kind] = {
                "p50_ms": [r["latency_ms"]["p50"] for r in runs], "p99_ms": [r["latency_ms"]["p99"] for r in runs],
                "server_cpu_ms_per_request": [r["server_cpu_ms_per_request"] for r in runs],
                "median_of_rounds": {"p50_ms": statistics.median(r["latency_ms"]["p50"] for r in runs),
                                     "p99_ms": statistics.median(r["latency_ms"]["p99"] for r in runs),
                                     "server_cpu_ms": statistics.median(r["server_cpu_ms_per_request"] for r in runs)}}
    result["load_average_at_end"] = os.getloadavg()
    result["environment"] = environment()
    emit("screening_request_cost" + (f"_{args.label}" if args.label else ""), result)


if __name__ == "__main__":
    main()
