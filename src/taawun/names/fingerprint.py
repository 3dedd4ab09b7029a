"""A digest of the name engine itself (its code and learned tables).

Why: an index snapshot stores analysed name parts and their weights; after an upgrade of the
engine those would silently keep the old analysis. Whoever loads a snapshot compares this
digest with the one stored beside it and rebuilds on a mismatch.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def engine_fingerprint() -> str:
    """SHA-256 over the engine's source files and data tables (names and contents)."""
    digest = hashlib.sha256()
    files = sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and p.suffix in (".py", ".gz", ".json", ".tsv"))
    for path in files:
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()
