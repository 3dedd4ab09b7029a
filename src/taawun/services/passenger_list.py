"""Reading passenger lists (CSV) into traveller queries, with errors a user can act on."""

from __future__ import annotations

import csv
import io

from pydantic import ValidationError

from taawun.domain.errors import InvalidInput
from taawun.domain.messages import Message
from taawun.domain.models import TravellerQuery
from taawun.services.records import validation_errors

MAX_TRAVELLERS = 10_000
COLUMNS = ("names", "birth_date", "nationalities", "sex", "document_number", "document_country", "reference",
           "location")
_ALIASES = {"name": "names", "nationality": "nationalities", "passport": "document_number",
            "passport_number": "document_number", "passport_country": "document_country", "dob": "birth_date"}


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig",):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise InvalidInput("the passenger list is not UTF-8 text; save it as CSV UTF-8 and try again",
                       [{"field": "file", "message": Message("not UTF-8")}])


def parse_csv(text: str) -> list[TravellerQuery]:
    """Columns: names (several separated by '|'), birth_date, nationalities ('|'), sex, document_number,
    document_country, reference, location. Only `names` or `document_number` is required."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [(_ALIASES.get(h.strip().lower(), h.strip().lower())) for h in (reader.fieldnames or [])]
    unknown = [h for h in header if h not in COLUMNS]
    if not header or unknown or not ({"names", "document_number"} & set(header)):
        raise InvalidInput(
            "unexpected columns %(unknown)s; expected a header with some of: %(columns)s"
            " (names or document_number required)", [{"field": "header", "message": Message("wrong columns")}],
            unknown=", ".join(unknown) or "-", columns=", ".join(COLUMNS))
    reader.fieldnames = header
    travellers: list[TravellerQuery] = []
    errors: list[dict[str, str]] = []
    for line_no, row in enumerate(reader, start=2):
        if len(travellers) + len(errors) >= MAX_TRAVELLERS:
            raise InvalidInput("at most %(max)s travellers per list",
                               [{"field": "file", "message": Message("too many rows")}],
                               max=MAX_TRAVELLERS)
        if None in row:
            errors.append({"field": Message("line %(line)s", line=line_no),
                           "message": Message("more values than columns")})
            continue
        values = {k: (v or "").strip() for k, v in row.items()}
        body: dict[str, object] = {
            "names": [n.strip() for n in values.get("names", "").split("|") if n.strip()],
            "nationalities": [n.strip() for n in values.get("nationalities", "").split("|") if n.strip()],
        }
        for key in ("birth_date", "sex", "reference", "location"):
            if values.get(key):
                body[key] = values[key].lower() if key == "sex" else values[key]
        if values.get("document_number"):
            body["documents"] = [{"number": values["document_number"],
                                  "country": values.get("document_country") or None}]
        try:
            travellers.append(TravellerQuery.model_validate(body))
        except ValidationError as exc:
            errors.extend({"field": Message("line %(line)s: %(field)s", line=line_no, field=e["field"]),
                           "message": e["message"]}
                          for e in validation_errors(exc))
    if errors:
        raise InvalidInput("%(field)s: %(message)s", errors[:100], field=errors[0]["field"],
                           message=errors[0]["message"])
    if not travellers:
        raise InvalidInput("the passenger list has no travellers", [{"field": "file", "message": Message("empty")}])
    return travellers
