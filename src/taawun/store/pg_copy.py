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


def _probe(texts: Any) -> bool:
    """Whether any of the strings holds a character COPY text format escapes (one C-level scan)."""
    joined = "".join(texts)
    return "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined


def _column(values: Sequence[Any]) -> list[str]:
    """One column's values as COPY text fields, formatted exactly as `field` formats each.

    Why by column: a column's values share a type (bar NULLs), so the formatter is chosen once and
    the check for characters to escape is one scan of the whole column; per value, that dispatch
    and four substring tests cost more than the formatting itself."""
    kinds = set(map(type, values))
    nulls = type(None) in kinds
    kinds.discard(type(None))
    if not kinds:
        return ["\\N"] * len(values)
    kind = kinds.pop()
    if kinds or kind not in _FORMAT:
        return [field(v) for v in values]
    present = [v for v in values if v is not None] if nulls else values
    out: list[str]
    if kind is str:
        out = [_text(v) for v in present] if _probe(present) else list(present)
    elif kind is Json:
        dumpers = {v.dumps for v in present}
        if len(dumpers) == 1:  # one serialiser for the column (json.dumps when the wrapper names none)
            dumps = dumpers.pop() or json.dumps
            out = [t if isinstance(t, str) else bytes(t).decode() for t in map(dumps, (v.obj for v in present))]
            if _probe(out):
                out = [_text(t) for t in out]
        else:
            out = [_json(v) for v in present]
    elif kind is dt.datetime or kind is dt.date:  # a batch shares its timestamps and dates: format each once
        stamps = {v: field(v) for v in set(present)}
        out = [stamps[v] for v in present]
    else:
        out = list(map(_FORMAT[kind], present))
    if nulls:
        it = iter(out)
        out = ["\\N" if v is None else next(it) for v in values]
    return out


def lines(rows: Sequence[Sequence[Any]]) -> list[str]:
    """The rows as COPY text lines (each ending in a newline)."""
    return column_lines(list(zip(*rows, strict=True)))


def column_lines(columns: Sequence[Sequence[Any]]) -> list[str]:
    """COPY text lines of rows given column by column (each column one sequence of values)."""
    if not columns or not columns[0]:
        return []
    texts = [_column(values) for values in columns]
    texts[-1] = [text + "\n" for text in texts[-1]]
    return list(map("\t".join, zip(*texts, strict=True)))


def copy_lines(cursor: Any, table: str, columns: Sequence[str], text: Sequence[str]) -> None:
    """COPY lines made by `lines` into ``table`` on a psycopg cursor, in the caller's transaction.

    The lines are built before COPY starts (by the caller): a value of an unknown type raises
    Unsupported while nothing has been sent, and the caller can then write the rows another way."""
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
