"""Record forms: from posted fields to the record body the services validate, and back.

The form keeps what the user typed (`values`) so that a refused submission comes back filled in,
with the services' own error messages; validation itself is the domain models', not repeated here.
The sharing and handling fields are the same for every kind of record (`common_*`); the person
form is here too, and the other kinds are described field by field in web/kind_forms.py.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

NAME_ROWS = 4
ID_ROWS = 2
COMMON_SINGLE = ("restriction_mode", "restriction_members", "hit_disclosure", "handling", "handling_note",
                 "evaluation_source", "evaluation_information", "review_due", "version")
COMMON_LISTS = ("crime_areas", "restriction_regions", "restriction_partners")
_PERSON_SINGLE = ("sex", "birth_date", "birth_place", "nationalities", "person_status", "description")


def one(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def common_empty() -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(COMMON_SINGLE, "")
    values.update({k: [] for k in COMMON_LISTS})
    values.update({"restriction_mode": "all_members", "hit_disclosure": "contact_owner", "handling": "H0"})
    return values


def common_from_form(form: FormData, values: dict[str, Any]) -> dict[str, Any]:
    for key in COMMON_SINGLE:
        values[key] = one(form, key)
    for key in COMMON_LISTS:
        values[key] = [v for v in form.getlist(key) if isinstance(v, str)]
    return values


def codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.replace(";", ",").replace(" ", ",").split(",") if c.strip()]


def common_to_body(values: dict[str, Any]) -> dict[str, Any]:
    """Sharing, handling, evaluation and review; empty optional fields are None so that an edit clears them."""
    evaluation = None
    if values["evaluation_source"] and values["evaluation_information"]:
        evaluation = {"source": values["evaluation_source"], "information": values["evaluation_information"]}
    mode = values["restriction_mode"] or "all_members"
    restriction: dict[str, Any] = {"mode": mode, "partners": values["restriction_partners"]}
    if mode != "all_members":
        restriction.update({"members": codes(values["restriction_members"]), "regions": values["restriction_regions"]})
    if mode == "all_except":
        restriction.pop("partners")
    return {
        "crime_areas": values["crime_areas"],
        "restriction": restriction,
        "hit_disclosure": values["hit_disclosure"] or "contact_owner",
        "handling": values["handling"] or "H0",
        "handling_note": values["handling_note"] or None,
        "evaluation": evaluation,
        "review_due": values["review_due"] or None,
    }


def common_from_record(payload: dict[str, Any], version: int, values: dict[str, Any]) -> dict[str, Any]:
    restriction = payload.get("restriction") or {}
    evaluation = payload.get("evaluation") or {}
    values.update({
        "crime_areas": list(payload.get("crime_areas") or []),
        "restriction_mode": restriction.get("mode", "all_members"),
        "restriction_members": ", ".join(restriction.get("members") or []),
        "restriction_regions": list(restriction.get("regions") or []),
        "restriction_partners": list(restriction.get("partners") or []),
        "hit_disclosure": payload.get("hit_disclosure") or "contact_owner", "handling": payload.get("handling") or "H0",
        "handling_note": payload.get("handling_note") or "",
        "evaluation_source": evaluation.get("source", ""),
        "evaluation_information": str(evaluation.get("information", "")),
        "review_due": payload.get("review_due") or "", "version": str(version),
    })
    return values


def name_rows_from_form(form: FormData) -> list[dict[str, str]]:
    return [{"full": one(form, f"name_{i}"), "type": one(form, f"name_type_{i}") or "alias"} for i in range(NAME_ROWS)]


def name_rows_from_record(names: list[dict[str, Any]]) -> list[dict[str, str]]:
    rows = [{"full": n.get("full", ""), "type": n.get("type", "alias")} for n in names][:NAME_ROWS]
    return rows + [{"full": "", "type": "alias"} for _ in range(NAME_ROWS - len(rows))]


def empty() -> dict[str, Any]:
    values = common_empty()
    values.update(dict.fromkeys(_PERSON_SINGLE, ""))
    values["person_status"] = "other"
    values["names"] = [{"full": "", "type": "primary" if i == 0 else "alias"} for i in range(NAME_ROWS)]
    values["identifiers"] = [{"type": "passport", "number": "", "country": ""} for _ in range(ID_ROWS)]
    return values


def from_form(form: FormData) -> dict[str, Any]:
    values = common_from_form(form, empty())
    for key in _PERSON_SINGLE:
        values[key] = one(form, key)
    values["names"] = name_rows_from_form(form)
    values["identifiers"] = [{"type": one(form, f"id_type_{i}") or "passport", "number": one(form, f"id_number_{i}"),
                              "country": one(form, f"id_country_{i}")} for i in range(ID_ROWS)]
    return values


def to_body(values: dict[str, Any]) -> dict[str, Any]:
    """The person record body; optional fields left empty are None, so that an edit clears them."""
    return {
        "kind": "person",
        "names": [{"full": n["full"], "type": n["type"]} for n in values["names"] if n["full"]],
        "sex": values["sex"] or None,
        "birth_date": values["birth_date"] or None,
        "birth_place": values["birth_place"] or None,
        "nationalities": codes(values["nationalities"]),
        "identifiers": [{"type": i["type"], "number": i["number"], "country": i["country"].upper() or None}
                        for i in values["identifiers"] if i["number"]],
        "person_status": values["person_status"] or "other",
        "description": values["description"] or None,
        **common_to_body(values),
    }


def from_record(payload: dict[str, Any], version: int) -> dict[str, Any]:
    """Form values for editing a stored person (services.records.row_to_payload)."""
    values = common_from_record(payload, version, empty())
    values["names"] = name_rows_from_record(payload.get("names") or [])
    ids = payload.get("identifiers") or []
    values["identifiers"] = [{"type": i.get("type", "passport"), "number": i.get("number", ""),
                              "country": i.get("country") or ""} for i in ids][:ID_ROWS]
    values["identifiers"] += [{"type": "passport", "number": "", "country": ""}
                              for _ in range(ID_ROWS - len(values["identifiers"]))]
    values.update({
        "sex": payload.get("sex") or "", "birth_date": payload.get("birth_date") or "",
        "birth_place": payload.get("birth_place") or "", "nationalities": ", ".join(payload.get("nationalities") or []),
        "person_status": payload.get("person_status") or "other", "description": payload.get("description") or "",
    })
    return values
