"""Exact lookup of identity documents by normalised number (and issuing country).

Document numbers are typed with spaces, hyphens, lower case and O/0 confusion; none of these
distinguish two documents, so the key is the number with those removed.

Why arrays, not dicts: at ten million documents, Python dicts of strings cost several GB. Here a
number is kept as a 64-bit hash of its normalised form in a sorted numpy array (binary search),
with its country code and the slot of its record beside it; record ids live once, as bytes in one
blob. Recent additions wait in a small dict and are merged into the arrays in batches that grow
with the index (amortised constant cost per add). Removal marks the record's slot dead; merges
drop its rows. Two different numbers share a 64-bit hash with probability ~N / 2**64 per lookup
(~5e-13 at 10M documents), which is accepted.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

_DROP = re.compile(r"[^A-Z0-9]+")  # after upper-casing: everything but ASCII letters and digits
_SNAPSHOT_VERSION = 2
_MIN_BATCH = 65_536  # pending rows merged at once, at least


def normalise_number(number: str) -> str:
    """Upper case, alphanumerics only, letter O read as zero."""
    return _DROP.sub("", number.upper()).replace("O", "0")


def normalise_country(country: str | None) -> str:
    return (country or "").strip().upper()


def _hash(text: str) -> int:
    """Stable 64-bit hash (Python's str hash changes between processes; snapshots must not)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass(slots=True)
class DocumentHit:
    record_id: str
    number: str
    country: str
    score: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class DocumentIndex:
    """(normalised number hash, country) -> record slots, in sorted arrays plus a pending batch."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._countries: list[str] = []
        self._country_ix: dict[str, int] = {}
        # merged rows, sorted by number hash (stable: insertion order within one number)
        self._num = np.zeros(0, dtype=np.uint64)
        self._ctry = np.zeros(0, dtype=np.uint16)
        self._slot = np.zeros(0, dtype=np.int32)
        # pending rows: number hash -> [(country code, slot)]
        self._pending: dict[int, list[tuple[int, int]]] = {}
        self._n_pending = 0
        # record slots (one per added record; a re-added record gets a new one)
        self._slot_alive = np.zeros(0, dtype=bool)
        self._slot_hash = np.zeros(0, dtype=np.uint64)
        self._slot_order = np.zeros(0, dtype=np.int64)  # slots sorted by record id hash
        self._slot_keys = np.zeros(0, dtype=np.uint64)  # the record id hashes in that order
        self._id_blob = b""
        self._id_off = np.zeros(1, dtype=np.int64)
        self._new_ids: list[str] = []  # slots not yet in the blob / arrays
        self._new_alive: list[bool] = []
        self._new_slot_of: dict[str, int] = {}
        self._alive_count = 0

    # -- record slots -----------------------------------------------------------------------
    def _n_merged_slots(self) -> int:
        return int(self._slot_alive.shape[0])

    def _record_id(self, slot: int) -> str:
        base = self._n_merged_slots()
        if slot >= base:
            return self._new_ids[slot - base]
        a, b = int(self._id_off[slot]), int(self._id_off[slot + 1])
        return self._id_blob[a:b].decode("utf-8")

    def _is_alive(self, slot: int) -> bool:
        base = self._n_merged_slots()
        return self._new_alive[slot - base] if slot >= base else bool(self._slot_alive[slot])

    def _live_slot(self, record_id: str) -> int | None:
        """The slot currently holding this record, if any."""
        slot = self._new_slot_of.get(record_id)
        if slot is not None and self._is_alive(slot):
            return slot
        if not self._slot_hash.size:
            return None
        h = _hash(record_id)
        keys = self._slot_keys
        k = int(keys.searchsorted(np.uint64(h)))
        while k < keys.shape[0] and int(keys[k]) == h:
            s = int(self._slot_order[k])
            if self._slot_alive[s] and self._record_id(s) == record_id:
                return s
            k += 1
        return None

    # -- mutation -----------------------------------------------------------------------------
    def add(self, record_id: str, number: str, country: str | None = None) -> None:
        num = normalise_number(number)
        if not num:
            return
        ctry = normalise_country(country)
        h = _hash(num)
        with self._lock:
            c = self._country_ix.get(ctry)
            if c is None:
                c = self._country_ix[ctry] = len(self._countries)
                self._countries.append(ctry)
            slot = self._live_slot(record_id)
            if slot is None:
                slot = self._n_merged_slots() + len(self._new_ids)
                self._new_ids.append(record_id)
                self._new_alive.append(True)
                self._new_slot_of[record_id] = slot
                self._alive_count += 1
            elif any(cc == c and s == slot for cc, s in self._rows_of(h)):
                return  # this record already holds this document
            self._pending.setdefault(h, []).append((c, slot))
            self._n_pending += 1
            if self._n_pending >= max(_MIN_BATCH, self._num.shape[0] // 4):
                self._merge()

    def remove(self, record_id: str) -> bool:
        with self._lock:
            slot = self._live_slot(record_id)
            if slot is None:
                return False
            base = self._n_merged_slots()
            if slot >= base:
                self._new_alive[slot - base] = False
            else:
                self._slot_alive[slot] = False
            self._alive_count -= 1
            return True

    def _merge(self) -> None:
        """Fold pending rows and new slots into the sorted arrays, dropping rows of removed records."""
        if self._new_ids:
            raw = [r.encode("utf-8") for r in self._new_ids]
            lens = np.fromiter((len(b) for b in raw), dtype=np.int64, count=len(raw))
            self._id_off = np.concatenate([self._id_off, self._id_off[-1] + np.cumsum(lens)])
            self._id_blob += b"".join(raw)
            self._slot_alive = np.concatenate([self._slot_alive, np.array(self._new_alive, dtype=bool)])
            new_hash = np.fromiter((_hash(r) for r in self._new_ids), dtype=np.uint64, count=len(raw))
            self._slot_hash = np.concatenate([self._slot_hash, new_hash])
            self._slot_order = np.argsort(self._slot_hash, kind="stable")
            self._slot_keys = self._slot_hash[self._slot_order]
            self._new_ids, self._new_alive, self._new_slot_of = [], [], {}
        n = self._n_pending
        p_num = np.empty(n, dtype=np.uint64)
        p_ctry = np.empty(n, dtype=np.uint16)
        p_slot = np.empty(n, dtype=np.int32)
        k = 0
        for h, rows in self._pending.items():
            for c, s in rows:
                p_num[k], p_ctry[k], p_slot[k] = h, c, s
                k += 1
        num = np.concatenate([self._num, p_num])
        ctry = np.concatenate([self._ctry, p_ctry])
        slot = np.concatenate([self._slot, p_slot])
        live = self._slot_alive[slot]
        num, ctry, slot = num[live], ctry[live], slot[live]
        order = np.argsort(num, kind="stable")
        self._num, self._ctry, self._slot = num[order], ctry[order], slot[order]
        self._pending = {}
        self._n_pending = 0

    # -- lookup -------------------------------------------------------------------------------
    def _rows_of(self, h: int) -> list[tuple[int, int]]:
        """(country code, slot) of every row filed under this number hash, removed ones included."""
        out: list[tuple[int, int]] = []
        if self._num.size:
            key = np.uint64(h)
            lo = int(self._num.searchsorted(key, "left"))
            hi = int(self._num.searchsorted(key, "right"))
            if hi > lo:
                out.extend(zip(self._ctry[lo:hi].tolist(), self._slot[lo:hi].tolist(), strict=True))
        out.extend(self._pending.get(h, ()))
        return out

    def search(self, number: str, country: str | None = None) -> list[DocumentHit]:
        """Records holding this document; without a country, in any country."""
        num = normalise_number(number)
        if not num:
            return []
        h = _hash(num)
        with self._lock:
            want = None
            if country:
                want = self._country_ix.get(normalise_country(country))
                if want is None:
                    return []
            return [DocumentHit(self._record_id(s), num, self._countries[c])
                    for c, s in self._rows_of(h) if (want is None or c == want) and self._is_alive(s)]

    @property
    def lock(self) -> threading.RLock:
        """The lock every read and change of the index takes: while a caller holds it, no other thread is
        inside the index (a process forked then gets a consistent copy to search)."""
        return self._lock

    def __len__(self) -> int:
        return self._alive_count

    # -- persistence ----------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        with self._lock:
            if self._n_pending or self._new_ids:
                self._merge()
            state = {"version": _SNAPSHOT_VERSION, "countries": self._countries, "num": self._num,
                     "ctry": self._ctry, "slot": self._slot, "slot_alive": self._slot_alive,
                     "slot_hash": self._slot_hash, "id_blob": self._id_blob, "id_off": self._id_off,
                     "alive": self._alive_count}
            with open(path, "wb") as fh:
                pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: str | Path) -> DocumentIndex:
        with open(path, "rb") as fh:
            state = pickle.load(fh)
        if state.get("version") != _SNAPSHOT_VERSION:
            raise ValueError("unsupported DocumentIndex snapshot version")
        idx = cls()
        idx._countries = list(state["countries"])
        idx._country_ix = {c: i for i, c in enumerate(idx._countries)}
        idx._num, idx._ctry, idx._slot = state["num"], state["ctry"], state["slot"]
        idx._slot_alive, idx._slot_hash = state["slot_alive"], state["slot_hash"]
        idx._slot_order = np.argsort(idx._slot_hash, kind="stable")
        idx._slot_keys = idx._slot_hash[idx._slot_order]
        idx._id_blob, idx._id_off = state["id_blob"], state["id_off"]
        idx._alive_count = state["alive"]
        return idx
