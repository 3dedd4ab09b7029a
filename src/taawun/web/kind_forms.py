"""The forms of the record kinds other than persons, described field by field.

Each kind lists its own fields (those of its model in domain/models.py, in the order DESIGN.md
gives them); the page template draws them from this description, and the sharing, handling and
review fields every record has come from web/forms.py. A new field is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

from taawun.web import forms, vocab
from taawun.web.i18n import N_


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # English message id (N_), translated in the template
    widget: str = "text"  # text | textarea | select | code (a country code) | record (a record id) | partial_date
    choices: dict[str, str] | None = None
    required: bool = False
    hint: str | None = None


_DATE_HINT = N_("Year alone (1984) or year and month (1984-07) also work.")
_RECORD_HINT = N_("The record's number, shown on its page under \"Record number\".")
_COUNTRY_HINT = N_("3-letter code, e.g. MAR, FRA, ESP.")

KIND_FIELDS: dict[str, tuple[Field, ...]] = {
    "travel_document": (
        Field("number", N_("Document number"), required=True),
        Field("country", N_("Issuing country"), "code", required=True, hint=_COUNTRY_HINT),
        Field("document_type", N_("Document type"), "select", vocab.DOCUMENT_TYPES, required=True),
        Field("document_status", N_("Why it is recorded"), "select", vocab.DOCUMENT_STATUSES, required=True),
        Field("holder_id", N_("Holder (person record number, if known)"), "record", hint=_RECORD_HINT),
    ),
    "vehicle": (
        Field("vin", N_("Vehicle identification number (VIN)"), hint=N_("Give the VIN, the plate, or both.")),
        Field("plate", N_("Number plate")),
        Field("plate_country", N_("Country of the plate"), "code", hint=_COUNTRY_HINT),
        Field("make", N_("Make")),
        Field("model", N_("Model")),
    ),
    "firearm": (
        Field("serial", N_("Serial number"), required=True),
        Field("make", N_("Make")),
        Field("model", N_("Model")),
        Field("calibre", N_("Calibre")),
    ),
    "organisation": (
        Field("organisation_type", N_("Type of organisation"), "select", vocab.ORGANISATION_TYPES, required=True),
        Field("description", N_("Description"), "textarea"),
    ),
    "case": (
        Field("summary", N_("Summary of the case"), "textarea", required=True),
        Field("date", N_("Date of the facts"), "partial_date", hint=_DATE_HINT),
        Field("place", N_("Place of the facts")),
    ),
    "link": (
        Field("source_id", N_("From record (number)"), "record", required=True, hint=_RECORD_HINT),
        Field("link_type", N_("Relation"), "select", vocab.LINK_TYPES, required=True),
        Field("target_id", N_("To record (number)"), "record", required=True, hint=_RECORD_HINT),
        Field("note", N_("Note")),
    ),
}
NAMED_KINDS = frozenset({"organisation"})  # kinds with name rows, as persons have
_DEFAULTS = {"document_type": "passport", "organisation_type": "other", "link_type": "associate_of"}


def empty(kind: str, **prefill: str) -> dict[str, Any]:
    values = forms.common_empty()
    for f in KIND_FIELDS[kind]:
        values[f.name] = prefill.get(f.name, _DEFAULTS.get(f.name, ""))
    if kind in NAMED_KINDS:
        values["names"] = [{"full": "", "type": "primary" if i == 0 else "alias"} for i in range(forms.NAME_ROWS)]
    return values


def from_form(kind: str, form: FormData) -> dict[str, Any]:
    values = forms.common_from_form(form, empty(kind))
    for f in KIND_FIELDS[kind]:
        values[f.name] = forms.one(form, f.name)
    if kind in NAMED_KINDS:
        values["names"] = forms.name_rows_from_form(form)
    return values


def to_body(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The record body: empty fields are None (an edit clears them), country codes in capitals."""
    body: dict[str, Any] = {"kind": kind}
    for f in KIND_FIELDS[kind]:
        value = values[f.name]
        body[f.name] = (value.upper() if f.widget == "code" else value) or None
    if kind in NAMED_KINDS:
        body["names"] = [{"full": n["full"], "type": n["type"]} for n in values["names"] if n["full"]]
    body.update(forms.common_to_body(values))
    return body


def from_record(kind: str, payload: dict[str, Any], version: int) -> dict[str, Any]:
    values = forms.common_from_record(payload, version, empty(kind))
    for f in KIND_FIELDS[kind]:
        value = payload.get(f.name)
        values[f.name] = "" if value is None else str(value)
    if kind in NAMED_KINDS:
        values["names"] = forms.name_rows_from_record(payload.get("names") or [])
    return values
