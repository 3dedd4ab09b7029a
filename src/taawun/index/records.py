"""The persons of a name index, kept column by column.

Why columns: a million persons as a million record objects (each with three tuples and its
entry ids as int objects) cost ~400 bytes apiece beyond their strings, and an index snapshot that
holds them as objects spends most of its load time re-creating them one by one (and the cyclic
garbage collector walking them). In columns (ids and names as plain lists of strings, the rest
as machine arrays and small tables of the few distinct dates, nationality sets and sexes) a
snapshot loads in bulk, and a search makes a record object only for the few persons it reports.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from taawun.names.attributes import PartialDate, parse_date

_V = TypeVar("_V", bound=Hashable)


@dataclass(slots=True)
class Record:
    """One person as a search reads it (made from the columns when read)."""

    record_id: str
    names: tuple[str, ...]
    entries: tuple[int, ...]  # the index's entries (one per name with parts), consecutive ids
    entry_names: tuple[str, ...]  # the name each entry was made from
    birth: PartialDate | None
    nationalities: frozenset[str]
    sex: str | None
    birth_raw: str | None


class _Distinct(Generic[_V]):
    """Distinct values, each with a small int code: millions of records repeat a few thousand values."""

    __slots__ = ("values", "_code")

    def __init__(self, values: list[_V]) -> None:
        self.values = values
        self._code = {v: i for i, v in enumerate(values)}

    def code(self, value: _V) -> int:
        c = self._code.get(value)
        if c is None:
            c = self._code[value] = len(self.values)
            self.values.append(value)
        return c


class RecordTable:
    """Records by internal id (0, 1, ...); a removed record reads as None.

    A record's names are `names[name_start[r] : name_start[r + 1]]`; `made` marks (per name) those
    that gave an entry (a name without a part gives none); its entries are the consecutive ids from
    `first[r]`. Birth dates are coded by their text (with the parsed date beside it), nationality
    sets and sexes by value.
    """

    __slots__ = ("_ids", "_names", "_name_start", "_made", "_first", "_birth", "_nats", "_sex", "_births",
                 "_dates", "_nat_sets", "_sexes")

    def __init__(self) -> None:
        self._ids: list[str | None] = []
        self._names: list[str] = []
        self._name_start = array("q", [0])
        self._made = bytearray()
        self._first = array("i")
        self._birth = array("i")
        self._nats = array("i")
        self._sex = array("i")
        self._births: _Distinct[str | None] = _Distinct([None])  # birth date as given
        self._dates: list[PartialDate | None] = [None]  # ... and parsed, by the same code
        self._nat_sets: _Distinct[frozenset[str]] = _Distinct([frozenset()])
        self._sexes: _Distinct[str | None] = _Distinct([None])

    def __len__(self) -> int:
        return len(self._ids)

    def append(self, record_id: str, names: tuple[str, ...], made: bytes, first: int, birth_raw: str | None,
               nationalities: frozenset[str], sex: str | None) -> None:
        """Add a record as the next id; `made` flags the names that gave an entry (from `first` on)."""
        births = self._births
        code = births.code(birth_raw)
        if code == len(self._dates):
            self._dates.append(parse_date(birth_raw))
        self._ids.append(record_id)
        self._names.extend(names)
        self._name_start.append(len(self._names))
        self._made.extend(made)
        self._first.append(first)
        self._birth.append(code)
        self._nats.append(self._nat_sets.code(nationalities))
        self._sex.append(self._sexes.code(sex))

    def birth(self, rid: int) -> PartialDate | None:
        """The parsed birth date of a record (kept also for removed ones)."""
        return self._dates[self._birth[rid]]

    def entries(self, rid: int) -> range:
        """Entry ids of a record (kept also for removed ones)."""
        a, b = self._name_start[rid], self._name_start[rid + 1]
        first = self._first[rid]
        return range(first, first + b - a - self._made.count(0, a, b))

    def discard(self, rid: int) -> None:
        self._ids[rid] = None

    def live_ids(self) -> dict[str, int]:
        """Internal id by record id, of the records not removed."""
        ids: dict[str | None, int] = dict(zip(self._ids, range(len(self._ids)), strict=True))
        ids.pop(None, None)  # removed records (bulk first, then one pop: far faster than a filtered loop)
        return ids  # type: ignore[return-value]  # no None key left

    def __getitem__(self, rid: int) -> Record | None:
        record_id = self._ids[rid]
        if record_id is None:
            return None
        a, b = self._name_start[rid], self._name_start[rid + 1]
        names = tuple(self._names[a:b])
        made = self._made[a:b]
        entry_names = names if made.count(0) == 0 else tuple(n for n, m in zip(names, made, strict=True) if m)
        first = self._first[rid]
        code = self._birth[rid]
        return Record(record_id=record_id, names=names, entries=tuple(range(first, first + len(entry_names))),
                      entry_names=entry_names, birth=self._dates[code],
                      nationalities=self._nat_sets.values[self._nats[rid]], sex=self._sexes.values[self._sex[rid]],
                      birth_raw=self._births.values[code])

    # -- persistence ----------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """The columns as they are (lists of strings and arrays pickle in bulk)."""
        return {"ids": self._ids, "names": self._names, "name_start": self._name_start, "made": self._made,
                "first": self._first, "birth": self._birth, "nats": self._nats, "sex": self._sex,
                "births": self._births.values, "nat_sets": self._nat_sets.values, "sexes": self._sexes.values}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> RecordTable:
        t = cls()
        t._ids, t._names, t._name_start, t._made = state["ids"], state["names"], state["name_start"], state["made"]
        t._first, t._birth, t._nats, t._sex = state["first"], state["birth"], state["nats"], state["sex"]
        t._births = _Distinct(state["births"])
        t._dates = [parse_date(raw) for raw in t._births.values]
        t._nat_sets = _Distinct(state["nat_sets"])
        t._sexes = _Distinct(state["sexes"])
        return t
