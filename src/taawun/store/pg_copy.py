"""PostgreSQL COPY in text format, built here as whole lines instead of one driver call per row.

Why: a file import writes some six rows per record (the record, its terms, audience, areas,
history). psycopg's ``Copy.write_row`` costs a few microseconds of Python per row, plus a
Python-level JSON dumper call per JSON value; building each line with ``str.join`` and sending
megabyte blocks does the same work in about a third of the time. The values are those SQLAlchemy's
bind processors produced (so JSON columns arrive as psycopg ``Json`` wrappers and are serialised
by the same ``json.dumps`` psycopg would use); anything of a type this module does not know makes
the caller fall back to ``write_row``, so no value is ever formatted differently from psycopg.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from psycopg.types.json import Json

BLOCK = 1 << 20  # characters per write: large enough to amortise the call, small enough to stream
# COPY text format: backslash, and the field, row and carriage-return separators, are escaped.
_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


class Unsupported(TypeError):
    """A value this module does not format; the caller uses the driver's own row writer."""


def _text(value: str) -> str:
    # Most values (ids, codes, terms) hold nothing to escape; `in` is far cheaper than translate.
    for char, escaped in _ESCAPES:
        if char in value:
            value = value.replace(char, escaped)
    return value


def _json(value: Json) -> str:
    dumps = value.dumps or json.dumps
    text = dumps(value.obj)
    return _text(text if isinstance(text, str) else bytes(text).decode())


def _bool(value: bool) -> str:
    return "t" if value else "f"


# Exact types only: bool is an int and datetime is a date, and each needs its own form.
_FORMAT: dict[type, Callable[[Any], str]] = {
    str: _text, int: int.__repr__, float: float.__repr__, bool: _bool, Json: _json,
    dt.datetime: dt.datetime.isoformat, dt.date: dt.date.isoformat,
}


def field(value: Any) -> str:
    """One value as a COPY text field (``\\N`` for NULL); Unsupported for any other type."""
    if value is None:
        return "\\N"
    try:
        fmt = _FORMAT[type(value)]
    except KeyError:
        raise Unsupported(type(value).__name__) from None
    return fmt(value)


def lines(rows: Sequence[Sequence[Any]]) -> list[str]:
    """The rows as COPY text lines (each ending in a newline)."""
    out = []
    stamps: dict[Any, str] = {}  # a batch shares its timestamps and dates: format each once
    for row in rows:
        cells = []
        for value in row:
            kind = type(value)
            if kind is dt.datetime or kind is dt.date:
                try:
                    cells.append(stamps[value])
                except KeyError:
                    cells.append(text := field(value))
                    stamps[value] = text
            else:
                cells.append(field(value))
        out.append("\t".join(cells) + "\n")
    return out


def copy_rows(cursor: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """COPY ``rows`` into ``table`` on a psycopg cursor, in the caller's transaction.

    The text is built before COPY starts: a value of an unknown type raises Unsupported while
    nothing has been sent, and the caller can then write the same rows another way."""
    text = lines(rows)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        block: list[str] = []
        size = 0
        for line in text:
            block.append(line)
            size += len(line)
            if size >= BLOCK:
                copy.write("".join(block))
                block, size = [], 0
        if block:
            copy.write("".join(block))
