"""Sentences from the model, the gate and the services, shown in the page's language.

The lower layers raise errors carrying a `Message` (English sentence + untranslated template +
parameters, see domain/messages.py); here the template is looked up in the page's catalogue and the
parameters filled in, themselves translated when they are Messages (a record kind, an action). A
plain string that is not a Message (data, or text already translated by a view) is shown as it is.

Field paths ("names.0.full", "restriction.members") become the form's own labels, so that an error
points at the field the way the page names it.
"""

from __future__ import annotations

import re
from typing import Any

from taawun.domain.messages import Message
from taawun.web import i18n, vocab
from taawun.web.i18n import N_
from taawun.web.kind_forms import KIND_FIELDS

_INDEX = re.compile(r"^\d+$")

# Fields of the person, sharing and notice forms (the other record kinds' labels come from kind_forms).
FIELD_LABELS: dict[str, str] = {
    "names": N_("Names"), "sex": N_("Sex"), "birth_date": N_("Birth date"), "birth_place": N_("Birth place"),
    "nationalities": N_("Nationalities"), "identifiers": N_("Identity documents"),
    "person_status": N_("Status"), "description": N_("Description"), "crime_areas": N_("Crime areas"),
    "restriction": N_("Shared with"), "restriction.members": N_("Countries to list"),
    "restriction.regions": N_("Regions"), "restriction.partners": N_("Partner organisations"),
    "hit_disclosure": N_("When a country that may not see it screens a match"), "handling": N_("Handling code"),
    "handling_note": N_("Restrictions in words (needed for H3)"), "evaluation": N_("Evaluation"),
    "review_due": N_("Review by"), "owner": N_("Owner (code)"), "kind": N_("Kind"), "version": N_("Version"),
    "reference": N_("Referenced record"),
    "members": N_("Countries"), "regions": N_("Regions"), "request": N_("Request"), "text": N_("Message"),
    "reason": N_("Reason"), "reasons": N_("Reasons"), "decision": N_("Decision"), "note": N_("Note"),
    "type": N_("Notice type"), "subject_id": N_("Subject record id"), "subject": N_("Subject record"),
    "subject.names": N_("Names"), "subject.birth_date": N_("Birth date"), "public_extract": N_("Public extract"),
    "checklist": N_("Review checklist"), "data.warrant": N_("Arrest warrant or judicial decision"),
    "data.warrant.type": N_("Kind of decision"), "data.warrant.date": N_("Warrant date"),
    "data.warrant.issuing_authority": N_("Issuing authority"), "data.warrant.charges": N_("Charges (one per line)"),
    "data.circumstances": N_("Circumstances"), "data.last_seen_date": N_("Last seen on"),
    "data.last_seen_place": N_("Last seen at"), "data.information_sought": N_("Information sought"),
    "data.found_date": N_("Body found on"), "data.found_place": N_("Body found at"),
    "data.description": N_("Description"), "data.summary": N_("Summary"), "data.threat": N_("Threat"),
    "data.modus_operandi": N_("Modus operandi"), "data.unsc_reference": N_("UN Security Council reference"),
    "username": N_("Username"), "password": N_("Password"), "role": N_("Role"), "org": N_("Organisation"),
    "language": N_("Language"), "file": N_("CSV file (UTF-8)"), "header": N_("Column names"),
    "documents": N_("Document number"), "q": N_("Name, number or words"),
}
FIELD_LABELS.update({f"checklist.{k}": v for k, v in vocab.NOTICE_CHECKLIST.items()})
for _fields in KIND_FIELDS.values():
    for _field in _fields:
        FIELD_LABELS.setdefault(_field.name, _field.label)


def translate(text: Any, lang: str) -> str:
    """``text`` in ``lang`` if it is a Message (its parameters too), else unchanged."""
    if not isinstance(text, Message):
        return "" if text is None else str(text)
    translated = i18n.translations(lang).gettext(text.template)
    if not text.params:
        return translated
    params = {k: translate(v, lang) if isinstance(v, Message) else v for k, v in text.params.items()}
    try:
        return translated % params
    except (KeyError, ValueError, TypeError):  # a broken translation must not hide the error itself
        return text.template % params


def field_label(field: Any, lang: str) -> str:
    """The form's label for a field path, with the row number of a list entry ("Names 2"); else the path."""
    if isinstance(field, Message):
        return translate(field, lang)
    path = str(field or "")
    parts = path.split(".")
    gettext = i18n.translations(lang).gettext
    for length in range(len(parts), 0, -1):
        key = ".".join(p for p in parts[:length] if not _INDEX.match(p))
        if key in FIELD_LABELS:
            rows = [int(p) + 1 for p in parts[:length] if _INDEX.match(p)]
            label = gettext(FIELD_LABELS[key])
            return f"{label} {i18n.format_number(rows[-1], lang)}" if rows else label
    return path
