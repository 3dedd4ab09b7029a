"""Small helpers shared by the name benchmarks: output, timing, memory.

Why a module: every benchmark must print one JSON document and also keep it in
``benchmarks/out/<name>.json`` so runs can be compared later; and memory figures must be taken the
same way everywhere (RSS now via psutil, lifetime peak via getrusage) to be comparable.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"

# The engine lives in src/; make `import taawun` work even without an editable install.
if str(REPO_ROOT / "src") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "src"))


def rss_bytes() -> int:
    """Current resident set size of this process (psutil if present, else /proc)."""
    try:
        import psutil

        return int(psutil.Process().memory_info().rss)
    except ImportError:  # pragma: no cover - psutil is in the bench extra
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes() -> int:
    """Lifetime peak RSS of this process (ru_maxrss is in KiB on Linux)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def mib(n: float) -> float:
    return round(n / 2**20, 1)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) — no interpolation, so p99 is an observed value."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k]


def environment() -> dict[str, Any]:
    """What the figures were measured on: they mean little without it."""
    from taawun import compiled  # after the sys.path set-up above

    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=10,
        ).stdout.strip()
        # the engine is developed concurrently: say whether it differed from the commit
        dirty = bool(subprocess.run(
            ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--", "src/taawun/names", "src/taawun/index"],
            capture_output=True, text=True, timeout=10,
        ).stdout.strip())
    except OSError:
        commit, dirty = "", False
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "commit": commit,
        "engine_uncommitted_changes": dirty,
        "engine": compiled.engine(),  # the name engine's mypyc build or pure Python (taawun.compiled)
        "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def emit(name: str, result: dict[str, Any]) -> Path:
    """Print the JSON result and write it to benchmarks/out/<name>.json."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    text = json.dumps(result, ensure_ascii=False, indent=1, default=str)
    path.write_text(text + "\n", encoding="utf-8")
    print(text)
    return path


def log(msg: str) -> None:
    """Progress to stderr so stdout stays pure JSON."""
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)
