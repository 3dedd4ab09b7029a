"""Reading record files for `taawun import`: NDJSON or CSV, one record per line or row.

Each record has the shape of one element of the bulk API's ``records`` list. A bad line stops the
import with an error naming the file and line, so an operator can fix the file and run it again.

CSV: the first row names the fields. A column per top-level field (``kind``, ``birth_date``, ...);
dotted columns for nested objects (``restriction.mode``, ``restriction.members``,
``evaluation.source``); list fields take several values separated by ``;`` (``names`` as
``primary name;alias;alias``, ``nationalities`` as ``MAR;FRA``); a cell starting with ``[`` or
``{`` is read as JSON (e.g. ``identifiers``). An empty cell leaves the field out.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, BinaryIO, get_args, get_origin

from pydantic import Field, TypeAdapter, ValidationError

from taawun.domain.errors import InvalidInput
from taawun.domain.messages import Message
from taawun.domain.models import MODEL_BY_KIND, AnyRecordData, Restriction
from taawun.services.records import parse_record

_RECORD: TypeAdapter[AnyRecordData] = TypeAdapter(Annotated[AnyRecordData, Field(discriminator="kind")])
MAX_LINE = 1_000_000  # bytes: far above any real record, a guard against a file that is not line-based


class BadLine(InvalidInput):
    """A line of an import file that is not a valid record (names the file and line)."""

    def __init__(self, file: str, line: int, message: str, field: str = "line") -> None:
        super().__init__("%(file)s:%(line)s: %(reason)s", [{"field": f"{file}:{line}", "message": message}],
                         file=file, line=line, reason=message)
        self.file, self.line, self.field = file, line, field


@dataclass
class Line:
    number: int
    record: AnyRecordData
    position: int  # bytes of the file read so far (for the progress bar)


def _explain(body: Any) -> str:
    """The message of the first validation error, as the bulk API words it."""
    try:
        parse_record(body)
    except InvalidInput as exc:
        return exc.detail
    return "not a valid record"


def ndjson_lines(fh: BinaryIO, name: str) -> Iterator[Line]:
    """Records of an NDJSON file (UTF-8), validated straight from each line's bytes."""
    position = 0
    for number, raw in enumerate(fh, start=1):
        position += len(raw)
        if len(raw) > MAX_LINE:
            raise BadLine(name, number, f"line longer than {MAX_LINE:,} bytes")
        if not raw.strip():
            continue
        try:
            record = _RECORD.validate_json(raw)
        except ValidationError:
            try:
                body = json.loads(raw)
            except UnicodeDecodeError:
                raise BadLine(name, number, "not UTF-8 text") from None
            except ValueError as exc:
                raise BadLine(name, number, f"not JSON ({exc})") from None
            raise BadLine(name, number, _explain(body)) from None
        yield Line(number, record, position)


def _list_fields() -> set[str]:
    """Dotted paths of the fields that hold lists, in any record kind (for ``;``-separated cells)."""
    out = {f"restriction.{name}" for name, info in Restriction.model_fields.items() if get_origin(info.annotation)
           is list}
    for model in MODEL_BY_KIND.values():
        for name, info in model.model_fields.items():
            annotation = info.annotation
            if get_origin(annotation) is list or any(get_origin(a) is list for a in get_args(annotation)):
                out.add(name)
    return out


_LISTS = _list_fields()


def _cell(path: str, value: str) -> Any:
    if value[:1] in "[{":
        return json.loads(value)
    if path in _LISTS:
        parts = [p.strip() for p in value.split(";") if p.strip()]
        if path == "names":
            return [{"full": p, "type": "primary" if i == 0 else "alias"} for i, p in enumerate(parts)]
        return parts
    return value


def csv_body(header: list[str], row: list[str], kind: str | None) -> dict[str, Any]:
    """One CSV row as a record body (see the module's docstring for the conventions)."""
    body: dict[str, Any] = {"kind": kind} if kind else {}
    for column, value in zip(header, row, strict=True):
        value = value.strip()
        if not value:
            continue
        target = body
        *parents, leaf = column.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = _cell(column, value)
    return body


class _DecodedLines:
    """The file's lines as text for csv.reader, decoded one line at a time so that a line that is not
    UTF-8 is reported with its own number (a decoder reading ahead would blame the header)."""

    def __init__(self, fh: BinaryIO, name: str) -> None:
        self.fh, self.name, self.number, self.position = fh, name, 0, 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.fh:
            self.number += 1
            self.position += len(raw)
            if len(raw) > MAX_LINE:
                raise BadLine(self.name, self.number, f"line longer than {MAX_LINE:,} bytes")
            try:
                yield raw.decode("utf-8-sig" if self.number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise BadLine(self.name, self.number, "not UTF-8 text") from None


def csv_lines(fh: BinaryIO, name: str, kind: str | None) -> Iterator[Line]:
    """Records of a CSV file (UTF-8, header row first); line numbers are those of the file."""
    source = _DecodedLines(fh, name)
    reader = csv.reader(iter(source))
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        raise BadLine(name, 1, f"not CSV ({exc})") from None
    if not header or not any(header):
        raise BadLine(name, 1, "no header row (the first row names the fields)")
    if "kind" not in header and not kind:
        raise BadLine(name, 1, "no kind column: add one or give --kind")
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise BadLine(name, 1, f"column {duplicated[0]!r} appears twice")
    kind_at = header.index("kind") if "kind" in header else None
    while True:
        number = source.number + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise BadLine(name, number, f"not CSV ({exc})") from None
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise BadLine(name, number, f"{len(row)} cells, but the header names {len(header)} columns")
        try:
            body = csv_body(header, row, None if kind_at is not None and row[kind_at].strip() else kind)
        except ValueError as exc:
            raise BadLine(name, number, f"a cell starting with [ or {{ must be JSON ({exc})") from None
        try:
            record = _RECORD.validate_python(body)
        except ValidationError:
            raise BadLine(name, number, _explain(body)) from None
        yield Line(number, record, source.position)


def file_format(path: Path, given: str | None) -> str:
    if given:
        return given
    suffix = path.suffix.lower()
    if suffix in (".ndjson", ".jsonl", ".json"):
        return "ndjson"
    if suffix in (".csv", ".txt"):
        return "csv"
    raise InvalidInput("cannot tell the format of %(file)s from its name; give --format ndjson or csv",
                       [{"field": "format", "message": Message("unknown")}], file=path.name)
