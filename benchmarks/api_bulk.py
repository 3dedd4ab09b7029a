"""Bulk create of persons through the API: POST /api/v1/records/bulk in batches, over real HTTP.

Why: an NCB joining Taawun loads its existing watchlist (often 100,000+ persons) in one go, and the
bulk endpoint must keep every guarantee of a single create — validation, the access gate, history,
search terms, an audit entry in the hash chain naming every created record — at a rate that makes that an
afternoon's job, not a week's. Target: >= 2,000 records/s on SQLite.

    .venv/bin/python benchmarks/api_bulk.py [--db sqlite|postgresql] [--persons 100000] [--batch 10000] [--quick]

Prints one JSON document and writes benchmarks/out/api_bulk_<db>.json.
"""

from __future__ import annotations

import os
import random
import statistics
import time

import httpx

from bench_util import emit, environment, log
from common import (
    OFFICER,
    base_args,
    bulk_load,
    database,
    encoded_batches,
    generated_persons,
    load_average,
    login,
    person_body,
    prepare_database,
    server,
)

TARGET_PER_S = 2000


def main() -> None:
    args = base_args(__doc__.splitlines()[0], 100_000).parse_args()
    if args.quick:
        args.persons, args.batch = min(args.persons, 2000), min(args.batch, 500)
    t0 = time.perf_counter()
    persons, source = generated_persons(args.persons, args.seed)
    rng = random.Random(args.seed)
    batches = encoded_batches([person_body(p, rng) for p in persons], args.batch)
    log(f"{len(persons)} persons from {source} in {time.perf_counter() - t0:.1f} s; "
        f"{len(batches)} batches of up to {args.batch}")
    with database(args.db) as url:
        prepare_database(url)
        with server(url) as srv, httpx.Client(base_url=srv.base, timeout=600) as client:
            login(client, OFFICER[0])
            load_before, cpu_before = load_average(), srv.cpu_seconds()
            times = bulk_load(client, batches)
            cpu = srv.cpu_seconds() - cpu_before
            load_after = load_average()
    total = sum(times)
    rate = len(persons) / total
    result = {
        "benchmark": "api_bulk",
        "db": args.db,
        "persons": len(persons),
        "batch": args.batch,
        "batches": len(batches),
        "person_source": source,
        "seconds": round(total, 2),
        "records_per_s": round(rate),
        "batch_seconds": {"min": round(min(times), 2), "median": round(statistics.median(times), 2),
                          "max": round(max(times), 2)},
        "server_cpu_seconds": round(cpu, 2),
        "records_per_server_cpu_s": round(len(persons) / cpu) if cpu > 0 else None,
        "load_average_1min": {"before": load_before, "after": load_after, "cpus": os.cpu_count()},
        "target_records_per_s": TARGET_PER_S,
        "meets_target": rate >= TARGET_PER_S if args.db == "sqlite" else None,
        "quick": args.quick,
        "environment": environment(),
    }
    emit(f"api_bulk_{args.db}{'_quick' if args.quick else ''}", result)


if __name__ == "__main__":
    main()
