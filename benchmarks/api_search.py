"""Name-search latency over the API with 100,000 persons loaded: GET /api/v1/records?q=<name part>&limit=20.

Why: an analyst types part of a name and expects the list at once; each search also passes the
access gate (another member searches, so restricted records must be filtered out) and writes an
audit entry. Requests are sequential, so the figures are one user's latency, not throughput.
Queries are name parts an analyst would type: one part (given name, family name, in Arabic or Latin
script, sometimes only its first letters) or two parts, drawn from the loaded persons' names.
Target: p99 <= 50 ms.

    .venv/bin/python benchmarks/api_search.py [--db sqlite|postgresql] [--persons 100000] [--queries 1000] [--quick]

Prints one JSON document and writes benchmarks/out/api_search_<db>.json.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections import Counter
from typing import Any

import httpx

from bench_util import emit, environment, log, percentile
from common import (
    ANALYST,
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

TARGET_P99_MS = 50
LIMIT = 20


def make_queries(persons: list[dict[str, Any]], n: int, rng: random.Random) -> list[tuple[str, str]]:
    """(query, shape) pairs: mostly one whole name part, some prefixes, some two parts."""
    out: list[tuple[str, str]] = []
    while len(out) < n:
        name = rng.choice(rng.choice(persons)["names"])
        parts = [p for p in name.split() if len(p) >= 2]
        if not parts:
            continue
        r = rng.random()
        if r < 0.6:
            out.append((rng.choice(parts), "one part"))
        elif r < 0.75:
            part = rng.choice(parts)
            out.append((part[:max(3, len(part) - 2)], "prefix"))
        elif len(parts) >= 2:
            a, b = sorted(rng.sample(range(len(parts)), 2))
            out.append((f"{parts[a]} {parts[b]}", "two parts"))
    return out


def settle_postgresql(url: str) -> None:
    """VACUUM ANALYZE after the bulk load, as autovacuum would do minutes later: the figure is the
    steady state of a 100,000-person database, not the first minutes after a bulk import (when
    autovacuum works on the fresh tables beside the searches and the planner has no statistics)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def main() -> None:
    parser = base_args(__doc__.splitlines()[0], 100_000)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    if args.quick:
        args.persons, args.batch, args.queries = min(args.persons, 2000), min(args.batch, 1000), min(args.queries, 100)
    persons, source = generated_persons(args.persons, args.seed)
    rng = random.Random(args.seed)
    batches = encoded_batches([person_body(p, rng) for p in persons], args.batch)
    queries = make_queries(persons, args.queries, random.Random(args.seed + 1))
    warmup = make_queries(persons, 30, random.Random(args.seed + 2))
    with database(args.db) as url:
        prepare_database(url)
        with server(url) as srv, httpx.Client(base_url=srv.base, timeout=60) as client:
            login(client, OFFICER[0])
            t0 = time.perf_counter()
            bulk_load(client, batches)
            load_s = time.perf_counter() - t0
            if args.db == "postgresql":
                settle_postgresql(url)
            login(client, ANALYST[0])
            for q, _ in warmup:
                client.get("/api/v1/records", params={"q": q, "limit": LIMIT}).raise_for_status()
            log(f"loaded {len(persons)} persons in {load_s:.0f} s; running {len(queries)} searches")
            load_before, cpu_before = load_average(), srv.cpu_seconds()
            latencies: list[float] = []
            by_shape: dict[str, list[float]] = {}
            returned: list[int] = []
            for q, shape in queries:
                t = time.perf_counter()
                resp = client.get("/api/v1/records", params={"q": q, "limit": LIMIT})
                ms = (time.perf_counter() - t) * 1000
                resp.raise_for_status()
                latencies.append(ms)
                by_shape.setdefault(shape, []).append(ms)
                returned.append(len(resp.json()["items"]))
            cpu_ms = (srv.cpu_seconds() - cpu_before) * 1000 / len(queries)
            load_after = load_average()
    p99 = percentile(latencies, 99)
    result = {
        "benchmark": "api_search",
        "db": args.db,
        "persons": len(persons),
        "person_source": source,
        "queries": len(queries),
        "limit": LIMIT,
        "latency_ms": {"p50": round(percentile(latencies, 50), 2), "p90": round(percentile(latencies, 90), 2),
                       "p99": round(p99, 2), "max": round(max(latencies), 2),
                       "mean": round(statistics.fmean(latencies), 2)},
        "p99_by_shape_ms": {k: round(percentile(v, 99), 2) for k, v in sorted(by_shape.items())},
        "query_shapes": dict(Counter(shape for _, shape in queries)),
        "results_per_query": {"mean": round(statistics.fmean(returned), 1),
                              "full_page": sum(r == LIMIT for r in returned), "empty": returned.count(0)},
        "server_cpu_ms_per_query": round(cpu_ms, 2),
        "load_average_1min": {"before": load_before, "after": load_after, "cpus": os.cpu_count()},
        "load_seconds": round(load_s, 1),
        "target_p99_ms": TARGET_P99_MS,
        "meets_target": p99 <= TARGET_P99_MS,
        "quick": args.quick,
        "environment": environment(),
    }
    emit(f"api_search_{args.db}{'_quick' if args.quick else ''}", result)


if __name__ == "__main__":
    main()
