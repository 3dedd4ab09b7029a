"""The person form: from posted fields to the record body the services validate, and back.

The form keeps what the user typed (`values`) so that a refused submission comes back filled in,
with the services' own error messages; validation itself is the domain models', not repeated here.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

NAME_ROWS = 4
ID_ROWS = 2
_SINGLE = ("sex", "birth_date", "birth_place", "nationalities", "person_status", "description", "restriction_mode",
           "restriction_members", "hit_disclosure", "handling", "handling_note", "evaluation_source",
           "evaluation_information", "review_due", "version")
_LISTS = ("crime_areas", "restriction_regions", "restriction_partners")


def empty() -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(_SINGLE, "")
    values.update({k: [] for k in _LISTS})
    values.update({"restriction_mode": "all_members", "hit_disclosure": "contact_owner", "handling": "H0",
                   "person_status": "other"})
    values["names"] = [{"full": "", "type": "primary" if i == 0 else "alias"} for i in range(NAME_ROWS)]
    values["identifiers"] = [{"type": "passport", "number": "", "country": ""} for _ in range(ID_ROWS)]
    return values


def from_form(form: FormData) -> dict[str, Any]:
    def one(key: str) -> str:
        value = form.get(key)
        return value.strip() if isinstance(value, str) else ""

    values = empty()
    for key in _SINGLE:
        values[key] = one(key)
    for key in _LISTS:
        values[key] = [v for v in form.getlist(key) if isinstance(v, str)]
    values["names"] = [{"full": one(f"name_{i}"), "type": one(f"name_type_{i}") or "alias"} for i in range(NAME_ROWS)]
    values["identifiers"] = [{"type": one(f"id_type_{i}") or "passport", "number": one(f"id_number_{i}"),
                              "country": one(f"id_country_{i}")} for i in range(ID_ROWS)]
    return values


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.replace(";", ",").replace(" ", ",").split(",") if c.strip()]


def to_body(values: dict[str, Any]) -> dict[str, Any]:
    """The record body; optional fields left empty are None, so that an edit clears them."""
    evaluation = None
    if values["evaluation_source"] and values["evaluation_information"]:
        evaluation = {"source": values["evaluation_source"], "information": values["evaluation_information"]}
    mode = values["restriction_mode"] or "all_members"
    restriction: dict[str, Any] = {"mode": mode, "partners": values["restriction_partners"]}
    if mode != "all_members":
        restriction.update({"members": _codes(values["restriction_members"]), "regions": values["restriction_regions"]})
    if mode == "all_except":
        restriction.pop("partners")
    return {
        "kind": "person",
        "names": [{"full": n["full"], "type": n["type"]} for n in values["names"] if n["full"]],
        "sex": values["sex"] or None,
        "birth_date": values["birth_date"] or None,
        "birth_place": values["birth_place"] or None,
        "nationalities": _codes(values["nationalities"]),
        "identifiers": [{"type": i["type"], "number": i["number"], "country": i["country"].upper() or None}
                        for i in values["identifiers"] if i["number"]],
        "person_status": values["person_status"] or "other",
        "description": values["description"] or None,
        "crime_areas": values["crime_areas"],
        "restriction": restriction,
        "hit_disclosure": values["hit_disclosure"] or "contact_owner",
        "handling": values["handling"] or "H0",
        "handling_note": values["handling_note"] or None,
        "evaluation": evaluation,
        "review_due": values["review_due"] or None,
    }


def from_record(payload: dict[str, Any], version: int) -> dict[str, Any]:
    """Form values for editing a stored person (services.records.row_to_payload)."""
    values = empty()
    names = payload.get("names") or []
    values["names"] = [{"full": n.get("full", ""), "type": n.get("type", "alias")} for n in names][:NAME_ROWS]
    values["names"] += [{"full": "", "type": "alias"} for _ in range(NAME_ROWS - len(values["names"]))]
    ids = payload.get("identifiers") or []
    values["identifiers"] = [{"type": i.get("type", "passport"), "number": i.get("number", ""),
                              "country": i.get("country") or ""} for i in ids][:ID_ROWS]
    values["identifiers"] += [{"type": "passport", "number": "", "country": ""}
                              for _ in range(ID_ROWS - len(values["identifiers"]))]
    restriction = payload.get("restriction") or {}
    evaluation = payload.get("evaluation") or {}
    values.update({
        "sex": payload.get("sex") or "", "birth_date": payload.get("birth_date") or "",
        "birth_place": payload.get("birth_place") or "", "nationalities": ", ".join(payload.get("nationalities") or []),
        "person_status": payload.get("person_status") or "other", "description": payload.get("description") or "",
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
