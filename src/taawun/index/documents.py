"""Exact lookup of identity documents by normalised number (and issuing country).

Document numbers are typed with spaces, hyphens, lower case and O/0 confusion; none of these
distinguish two documents, so the key is the number with those removed. Lookups are dict
probes, constant time at any size.
"""

from __future__ import annotations

import pickle
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

_KEEP = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def normalise_number(number: str) -> str:
    """Upper case, alphanumerics only, letter O read as zero."""
    up = number.upper()
    return "".join(c for c in up if c in _KEEP).replace("O", "0")


def normalise_country(country: str | None) -> str:
    return (country or "").strip().upper()


@dataclass(slots=True)
class DocumentHit:
    record_id: str
    number: str
    country: str
    score: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class DocumentIndex:
    """(country, normalised number) -> record ids, plus number -> record ids."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._by_number: dict[str, dict[str, list[str]]] = {}  # number -> country -> record ids
        self._docs_of: dict[str, list[tuple[str, str]]] = {}

    def add(self, record_id: str, number: str, country: str | None = None) -> None:
        num = normalise_number(number)
        if not num:
            return
        ctry = normalise_country(country)
        with self._lock:
            ids = self._by_number.setdefault(num, {}).setdefault(ctry, [])
            if record_id not in ids:
                ids.append(record_id)
                self._docs_of.setdefault(record_id, []).append((num, ctry))

    def remove(self, record_id: str) -> bool:
        with self._lock:
            docs = self._docs_of.pop(record_id, None)
            if not docs:
                return False
            for num, ctry in docs:
                by_c = self._by_number.get(num)
                if by_c is None:
                    continue
                ids = by_c.get(ctry)
                if ids and record_id in ids:
                    ids.remove(record_id)
                    if not ids:
                        del by_c[ctry]
                if not by_c:
                    del self._by_number[num]
            return True

    def search(self, number: str, country: str | None = None) -> list[DocumentHit]:
        """Records holding this document; without a country, in any country."""
        num = normalise_number(number)
        by_c = self._by_number.get(num)
        if not by_c:
            return []
        if country:
            ctry = normalise_country(country)
            return [DocumentHit(r, num, ctry) for r in by_c.get(ctry, ())]
        return [DocumentHit(r, num, c) for c, ids in by_c.items() for r in ids]

    def __len__(self) -> int:
        return len(self._docs_of)

    def save(self, path: str | Path) -> None:
        with self._lock, open(path, "wb") as fh:
            pickle.dump({"version": 1, "docs": self._docs_of}, fh, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: str | Path) -> DocumentIndex:
        with open(path, "rb") as fh:
            state = pickle.load(fh)
        idx = cls()
        for rid, docs in state["docs"].items():
            for num, ctry in docs:
                idx._by_number.setdefault(num, {}).setdefault(ctry, []).append(rid)
            idx._docs_of[rid] = list(docs)
        return idx
