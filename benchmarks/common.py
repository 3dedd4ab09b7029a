"""Shared plumbing for the API benchmarks (api_bulk.py, api_search.py).

Why a real server: the figures that matter to an NCB are what a client sees over HTTP — request
parsing, validation, the access gate, the audit chain and the database together — so each
benchmark starts `uvicorn` on a free local port in a subprocess and talks to it with httpx, rather
than calling services in-process. The database is prepared in-process (schema + two users) because
creating users is not what is being measured.

PostgreSQL: with TAAWUN_BENCH_PG set to an admin URL (postgresql+psycopg://user:pw@host:port/postgres)
a throwaway database is created there; otherwise, as root on Debian, a throwaway PostgreSQL 15 cluster
is started like .ci/run does (default settings: durable commits, so the figures are honest).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

from bench_util import BENCH_DIR, REPO_ROOT, log

PASSWORD = "bench-password-123"
OFFICER = ("bench_officer", "MAR", "officer")  # writes the records (MAR-owned)
ANALYST = ("bench_analyst", "SVK", "analyst")  # searches them: another member, so the gate filters
PG_VERSION = "15"

CRIME_AREAS = ["terrorism", "organised_crime", "human_trafficking", "migrant_smuggling", "drugs",
               "financial_crime", "firearms"]
# Who may see a record: most are shared with all members, some only with a region or a few members
# (SVK, the searcher, is outside MENA and outside the "only" list: it must not see those).
RESTRICTIONS: list[tuple[float, dict[str, Any]]] = [
    (0.80, {"mode": "all_members"}),
    (0.10, {"mode": "only", "regions": ["MENA"]}),
    (0.05, {"mode": "only", "members": ["ARE", "MAR", "TUN"]}),
    (0.05, {"mode": "all_except", "members": ["SVK"]}),
]


def base_args(description: str, default_persons: int) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--persons", type=int, default=default_persons)
    parser.add_argument("--batch", type=int, default=10_000, help="records per POST /records/bulk")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="tiny run, for a smoke test")
    return parser


# --- persons -------------------------------------------------------------------------------------
_FALLBACK_PARTS = [  # (Arabic, Latin spellings) — used only when watchlist_gen's data is absent
    ("محمد", ["Mohammed", "Muhammad", "Mohamed"]), ("احمد", ["Ahmed", "Ahmad"]), ("علي", ["Ali"]),
    ("يوسف", ["Youssef", "Yusuf"]), ("خالد", ["Khaled", "Khalid"]), ("عمر", ["Omar", "Umar"]),
    ("حسن", ["Hassan", "Hasan"]), ("ابراهيم", ["Ibrahim", "Brahim"]), ("كريم", ["Karim", "Kareem"]),
    ("سعيد", ["Said", "Saeed"]), ("مصطفى", ["Mustafa", "Moustafa"]), ("طارق", ["Tarek", "Tariq"]),
    ("عبد الله", ["Abdullah", "Abdallah"]), ("عبد الرحمن", ["Abderrahmane", "Abdul Rahman"]),
    ("بن علي", ["Benali", "Ben Ali"]), ("الحسيني", ["El Husseini", "Al-Husayni"]),
    ("التازي", ["Tazi", "Ettazi"]), ("المنصوري", ["El Mansouri", "Al-Mansuri"]),
    ("بوزيد", ["Bouzid", "Bou Zid"]), ("الشامي", ["Al-Shami", "Chami"]), ("حداد", ["Haddad"]),
    ("العمراني", ["El Amrani", "Al-Amrani"]), ("القرشي", ["Al-Qurashi", "Korachi"]),
    ("بلقاسم", ["Belkacem", "Belqasim"]), ("الزين", ["Ezzine", "Al-Zain"]), ("شتوك", ["Shtok", "Chtouk"]),
]


def _fallback_persons(n: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for i in range(n):
        parts = rng.sample(_FALLBACK_PARTS, rng.choice((2, 3, 3, 4)))
        arabic = " ".join(a for a, _ in parts)
        latin = " ".join(rng.choice(spellings) for _, spellings in parts)
        year = rng.randint(1950, 2005)
        yield {"id": f"p{i:08d}", "names": [arabic, latin], "birth_date": f"{year}-{rng.randint(1, 12):02d}",
               "nationalities": [rng.choice(["MAR", "DZA", "TUN", "EGY", "SYR", "IRQ"])],
               "sex": "f" if rng.random() < 0.2 else "m"}


def generated_persons(n: int, seed: int) -> tuple[list[dict[str, Any]], str]:
    """Fictitious persons from watchlist_gen (real name-part statistics) or, without its data, a fixed list."""
    try:
        import watchlist_gen

        if Path(watchlist_gen.DEFAULT_DATA).exists():
            return list(watchlist_gen.generate_persons(n, seed)), "watchlist_gen"
    except ImportError:
        pass
    return list(_fallback_persons(n, seed)), "fallback name parts"


def person_body(person: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The generator's person as a POST /records body, with a realistic mix of sharing restrictions."""
    names = [{"full": n, "type": "primary" if i == 0 else "alias"} for i, n in enumerate(person["names"])]
    pick, acc = rng.random(), 0.0
    restriction = RESTRICTIONS[0][1]
    for weight, value in RESTRICTIONS:
        acc += weight
        if pick < acc:
            restriction = value
            break
    body = {"kind": "person", "names": names, "birth_date": person.get("birth_date"),
            "nationalities": person.get("nationalities") or [], "sex": person.get("sex"),
            "crime_areas": rng.sample(CRIME_AREAS, rng.choice((1, 1, 2))), "restriction": restriction,
            "person_status": rng.choice(["wanted", "suspect", "suspect", "other"])}
    return {k: v for k, v in body.items() if v is not None}


def encoded_batches(bodies: Sequence[dict[str, Any]], size: int) -> list[tuple[int, bytes]]:
    """JSON-encode every batch up front so client-side encoding is not counted as server time."""
    return [(len(bodies[i:i + size]), json.dumps({"records": bodies[i:i + size]}, ensure_ascii=False).encode())
            for i in range(0, len(bodies), size)]


# --- databases -----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_database(url: str) -> None:
    """Schema, organisations and the two benchmark users (directly: user creation is not measured)."""
    from taawun.access import identity
    from taawun.access.actor import SYSTEM
    from taawun.domain.enums import Role
    from taawun.services.accounts import init_database
    from taawun.store.db import make_engine

    engine = make_engine(url)
    init_database(engine)
    with engine.begin() as conn:
        for username, org, role in (OFFICER, ANALYST):
            identity.add_user(conn, SYSTEM, username=username, org_code=org, role=Role(role), password=PASSWORD)
    engine.dispose()


def _run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def _pg_cluster() -> Iterator[str]:
    """A throwaway Debian PostgreSQL cluster (needs root and postgresql-15); yields an admin URL."""
    if os.geteuid() != 0 or not shutil.which("pg_createcluster"):
        sys.exit("benchmarks: set TAAWUN_BENCH_PG to an admin URL, or run as root with Debian's postgresql-15")
    name, port = f"taawun_bench_{os.getpid()}", free_port()
    _run(["pg_createcluster", PG_VERSION, name, "-p", str(port)])
    try:
        conf = Path(f"/etc/postgresql/{PG_VERSION}/{name}/conf.d/bench.conf")
        conf.write_text("listen_addresses = '127.0.0.1'\nshared_buffers = '512MB'\n")
        _run(["pg_ctlcluster", PG_VERSION, name, "start"])
        _run(["runuser", "-u", "postgres", "--", "psql", "-q", "-p", str(port), "-d", "postgres",
              "-c", "CREATE ROLE bench SUPERUSER LOGIN PASSWORD 'bench'"])
        log(f"started PostgreSQL {PG_VERSION} cluster {name} on port {port}")
        yield f"postgresql+psycopg://bench:bench@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(["pg_dropcluster", "--stop", PG_VERSION, name], check=False)


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh, empty database URL of the requested kind, removed afterwards."""
    if kind == "sqlite":
        tmp = tempfile.mkdtemp(prefix="taawun-bench-")
        try:
            yield f"sqlite:///{tmp}/bench.db"
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    from sqlalchemy import create_engine, text

    with contextlib.ExitStack() as stack:
        admin_url = os.environ.get("TAAWUN_BENCH_PG") or stack.enter_context(_pg_cluster())
        name = f"taawun_bench_{os.getpid()}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin_url.rsplit("/", 1)[0] + "/" + name
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


# --- the server ----------------------------------------------------------------------------------
class Server:
    """The running server: its base URL and process, whose CPU time we read.

    Why CPU time: on a shared machine wall-clock rates depend on what else runs; the server's own
    CPU seconds (all threads, from /proc) say what the code costs, so both are reported.
    """

    def __init__(self, base: str, pid: int) -> None:
        self.base = base
        self.pid = pid

    def cpu_seconds(self) -> float:
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def load_average() -> float:
    return round(os.getloadavg()[0], 1)


@contextlib.contextmanager
def server(db_url: str) -> Iterator[Server]:
    """`uvicorn` serving Taawun on a free local port in a subprocess (one worker)."""
    port = free_port()
    env = {**os.environ, "TAAWUN_DB": db_url}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT / "src"), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "taawun.api.app:create_app", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(cmd, env=env, cwd=BENCH_DIR, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with status {proc.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield Server(base, proc.pid)
    finally:
        stop_processes([proc], timeout=20)


def stop_processes(procs: list[subprocess.Popen[Any]], timeout: float = 30) -> None:
    """Stop server subprocesses: all asked at once to end, then each killed if it has not within `timeout`."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()


def login(client: httpx.Client, username: str) -> None:
    """Log in through the API and keep the bearer token on the client."""
    resp = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    resp.raise_for_status()
    client.headers["Authorization"] = f"Bearer {resp.json()['access_token']}"


def bulk_load(client: httpx.Client, batches: Sequence[tuple[int, bytes]]) -> list[float]:
    """POST every batch to /records/bulk; returns each batch's wall time in seconds."""
    times = []
    for i, (count, payload) in enumerate(batches):
        t0 = time.perf_counter()
        resp = client.post("/api/v1/records/bulk", content=payload, headers={"Content-Type": "application/json"},
                           timeout=900)  # a 10,000-record batch can take minutes on a loaded machine
        elapsed = time.perf_counter() - t0
        if resp.status_code != 201:
            raise RuntimeError(f"batch {i}: HTTP {resp.status_code}: {resp.text[:500]}")
        if resp.json()["created"] != count:
            raise RuntimeError(f"batch {i}: created {resp.json()['created']} of {count}")
        times.append(elapsed)
        log(f"batch {i + 1}/{len(batches)}: {count} records in {elapsed:.2f} s ({count / elapsed:,.0f}/s)")
    return times

