"""Words for the closed vocabularies (roles, kinds, crime areas, sharing choices) in plain language.

Message ids are English; they are translated where shown. The explanations say what a choice does
in the words an officer would use, because restriction, disclosure and handling decide who learns
what about a person and are hard to undo once information has been seen.
"""

from __future__ import annotations

from taawun.web.i18n import N_

ROLES = {
    "frontline": N_("Frontline officer"),
    "analyst": N_("Analyst"),
    "officer": N_("NCB officer"),
    "reviewer": N_("Reviewer"),
    "admin": N_("Administrator"),
}

KINDS = {
    "person": N_("Person"),
    "travel_document": N_("Travel document"),
    "vehicle": N_("Vehicle"),
    "firearm": N_("Firearm"),
    "organisation": N_("Organisation"),
    "case": N_("Case"),
    "link": N_("Link"),
}

CRIME_AREAS = {
    "terrorism": N_("Terrorism"),
    "organised_crime": N_("Organised crime"),
    "human_trafficking": N_("Human trafficking"),
    "migrant_smuggling": N_("Migrant smuggling"),
    "drugs": N_("Drugs"),
    "cybercrime": N_("Cybercrime"),
    "financial_crime": N_("Financial crime"),
    "corruption": N_("Corruption"),
    "maritime": N_("Maritime crime"),
    "environmental": N_("Environmental crime"),
    "cultural_property": N_("Cultural property"),
    "firearms": N_("Firearms trafficking"),
}

STATUSES = {"active": N_("Active"), "expired": N_("Expired"), "deleted": N_("Deleted")}

PERSON_STATUSES = {
    "wanted": N_("Wanted"),
    "missing": N_("Missing"),
    "suspect": N_("Suspect"),
    "foreign_terrorist_fighter": N_("Foreign terrorist fighter"),
    "deceased": N_("Deceased"),
    "other": N_("Other"),
}

DOCUMENT_STATUSES = {"stolen": N_("Stolen"), "lost": N_("Lost"), "revoked": N_("Revoked"), "invalid": N_("Invalid")}

DOCUMENT_TYPES = {"passport": N_("Passport"), "id_card": N_("Identity card"), "visa": N_("Visa"), "other": N_("Other")}

ORGANISATION_TYPES = {"terrorist_group": N_("Terrorist group"), "criminal_group": N_("Criminal group"),
                      "company": N_("Company"), "other": N_("Other")}

LINK_TYPES = {
    "member_of": N_("is a member of"),
    "associate_of": N_("is an associate of"),
    "holder_of": N_("is the holder of"),
    "used": N_("used"),
    "involved_in": N_("is involved in"),
    "same_as": N_("is the same as"),
}

DIFFUSION_REQUEST_CODES = ("arrest", "locate", "information")

# What a diffusion asks, in the words that fit the record it is about: one arrests a person but seizes a
# vehicle, a document or a firearm. "None" is for places that do not know the record's kind (the inbox).
DIFFUSION_REQUESTS: dict[str | None, dict[str, str]] = {
    "person": {
        "arrest": N_("Arrest: detain the person and contact us."),
        "locate": N_("Locate: find out where the person is and tell us."),
        "information": N_("Information: send us what you know about this person."),
    },
    "organisation": {
        "arrest": N_("Arrest: detain the members of the organisation named in the record and contact us."),
        "locate": N_("Locate: find out where the organisation operates and tell us."),
        "information": N_("Information: send us what you know about this organisation."),
    },
    "case": {
        "arrest": N_("Arrest: detain the persons involved in the case and contact us."),
        "locate": N_("Locate: find out where the persons involved in the case are and tell us."),
        "information": N_("Information: send us what you know about this case."),
    },
    "travel_document": {
        "arrest": N_("Seize: take the document from whoever presents it, hold that person and contact us."),
        "locate": N_("Locate: find out where the document is and who holds it, and tell us."),
        "information": N_("Information: send us what you know about this document."),
    },
    "vehicle": {
        "arrest": N_("Seize: stop and impound the vehicle, hold its occupants and contact us."),
        "locate": N_("Locate: find out where the vehicle is and tell us."),
        "information": N_("Information: send us what you know about this vehicle."),
    },
    "firearm": {
        "arrest": N_("Seize: seize the firearm, hold whoever has it and contact us."),
        "locate": N_("Locate: find out where the firearm is and tell us."),
        "information": N_("Information: send us what you know about this firearm."),
    },
    "link": {
        "arrest": N_("Arrest or seize: act on the linked records and contact us."),
        "locate": N_("Locate: find out where the subjects of the linked records are and tell us."),
        "information": N_("Information: send us what you know about these linked records."),
    },
    None: {
        "arrest": N_("Arrest or seize: detain the person or seize the item, and contact us."),
        "locate": N_("Locate: find out where it is and tell us."),
        "information": N_("Information: send us what you know."),
    },
}
_ITEM_KINDS = ("travel_document", "vehicle", "firearm")
RECORD_CHANGES = {"create": N_("Created"), "update": N_("Changed"), "delete": N_("Deleted"),
                  "expire": N_("Expired (review date passed)")}

DIFFUSION_REQUEST_SHORT = {"arrest": N_("Arrest"), "locate": N_("Locate"), "information": N_("Information")}
_SEIZE = N_("Seize")
_ARREST_OR_SEIZE = N_("Arrest or seize")


def diffusion_request(code: str, kind: str | None, short: bool = False) -> str:
    """The message id for a diffusion's request about a record of ``kind`` (None: kind not known here)."""
    if short:
        if code == "arrest" and kind in _ITEM_KINDS:
            return _SEIZE
        if code == "arrest" and kind not in KINDS:
            return _ARREST_OR_SEIZE
        return DIFFUSION_REQUEST_SHORT.get(code, code)
    return DIFFUSION_REQUESTS.get(kind, DIFFUSION_REQUESTS[None]).get(code, code)

DIFFUSION_STATUSES = {"active": N_("Active"), "withdrawn": N_("Withdrawn")}

SEXES = {"m": N_("Male"), "f": N_("Female"), "u": N_("Unknown")}

NAME_TYPES = {
    "primary": N_("Primary name"),
    "alias": N_("Alias"),
    "original_script": N_("Original script"),
    "transliteration": N_("Transliteration"),
}

RESTRICTIONS = {
    "all_members": N_("All member countries may see it."),
    "only": N_("Only the countries, regions and partners listed may see it."),
    "all_except": N_("All member countries except those listed may see it."),
}

RESTRICTION_CHOICES = {
    "all_members": N_("All member countries"),
    "only": N_("Only those I list"),
    "all_except": N_("All member countries except those I list"),
}

DISCLOSURES = {
    "contact_owner": N_("Contact us: a country that may not see the record, but screens this person, is told "
                        "only \"possible hit, contact the owner's NCB\"."),
    "silent": N_("Silent: a country that may not see the record learns nothing when it screens this person."),
}

# The same choice for records other than persons, whose screening matches documents rather than people.
DISCLOSURES_RECORD = {
    "contact_owner": N_("Contact us: a country that may not see the record, but whose check matches it, is told only "
                        "\"possible hit, contact the owner's NCB\"."),
    "silent": N_("Silent: a country that may not see the record learns nothing when its check matches it."),
}

DISCLOSURE_SHORT = {"contact_owner": N_("Contact the owner"), "silent": N_("Silent")}

HANDLING = {
    "H0": N_("H0 – use only to prevent and fight crime."),
    "H1": N_("H1 – not to be used in court without our permission."),
    "H2": N_("H2 – not to be passed on without our permission (no export, no forwarding)."),
    "H3": N_("H3 – other restrictions, stated in words below."),
}

ACTIONS = {
    "arrest": N_("Arrest: the person is wanted. Detain and contact the owner's NCB."),
    "locate": N_("Locate: the person is reported missing. Protect them and contact the owner's NCB."),
    "inform": N_("Inform: let the person go unless you have other grounds, and inform the owner's NCB."),
}

RESULTS = {
    "hit": N_("HIT"),
    "possible_hit": N_("POSSIBLE HIT"),
    "no_hit": N_("NO HIT"),
}

HIT_STATUS = {"pending": N_("Waiting for the owner"), "confirmed": N_("Confirmed"), "rejected": N_("Rejected")}

NOTIFICATION_TYPES = {"hit": N_("Hit on our record"), "hit_answer": N_("Answer to our hit"),
                      "notice_decision": N_("Decision on our notice request"),
                      "notice_expiring": N_("Our notice expires soon"), "notice_expired": N_("Our notice has expired"),
                      "diffusion": N_("Diffusion sent to us"), "diffusion_reply": N_("Reply to our diffusion"),
                      "diffusion_withdrawn": N_("Diffusion withdrawn by its sender")}

SOURCE_RELIABILITY = {
    "A": N_("A – reliable"),
    "B": N_("B – usually reliable"),
    "C": N_("C – fairly reliable"),
    "X": N_("X – cannot be judged"),
}

INFORMATION_ACCURACY = {
    "1": N_("1 – known to be true"),
    "2": N_("2 – known personally to the source"),
    "3": N_("3 – not known personally, but confirmed"),
    "4": N_("4 – cannot be judged"),
}

# Notices (web/view_notices.py): types, workflow states, timeline steps, the review checklist and decisions.
NOTICE_TYPES = {
    "red": N_("Red notice (wanted person)"),
    "yellow": N_("Yellow notice (missing person)"),
    "blue": N_("Blue notice (more information)"),
    "black": N_("Black notice (unidentified body)"),
    "green": N_("Green notice (warning)"),
    "orange": N_("Orange notice (imminent threat)"),
    "purple": N_("Purple notice (modus operandi)"),
    "un_special": N_("UN Security Council special notice"),
}
NOTICE_STATUSES = {
    "draft": N_("Draft"), "submitted": N_("Submitted"), "under_review": N_("Under review"),
    "published": N_("Published"), "refused": N_("Refused"), "returned": N_("Returned for changes"),
    "cancelled": N_("Cancelled"), "expired": N_("Expired"), "withdrawn": N_("Withdrawn"),
}
NOTICE_EVENTS = {
    "create": N_("Request drafted"), "update": N_("Request amended"), "submit": N_("Submitted to the GS"),
    "review_start": N_("Review started"), "publish": N_("Published"), "refuse": N_("Refused"),
    "return": N_("Returned for changes"), "cancel": N_("Cancelled"), "withdraw": N_("Withdrawn"),
    "extend": N_("Extended for five years"), "expire": N_("Expired"), "expiry_warning": N_("Expiry warning sent"),
}
NOTICE_CHECKLIST = {
    "neutrality": N_("Neutrality: nothing political, military, religious or racial"),
    "human_rights": N_("Human rights respected"),
    "minimum_data": N_("Minimum data present"),
    "data_quality": N_("Data quality"),
}
NOTICE_DECISIONS = {"publish": N_("Publish"), "refuse": N_("Refuse"), "return": N_("Return for changes")}
NOTICE_ACTIONS = {
    "arrest": N_("Arrest"), "locate": N_("Locate"), "locate/inform": N_("Locate or inform"),
    "inform": N_("Inform"), "inform/alert": N_("Inform and alert"),
    "apply sanctions/inform": N_("Apply the sanctions and inform"),
}
NOTICE_FLAGS = {
    "offence_against_the_state": N_("Offence against the state"), "opposition_activity": N_("Opposition activity"),
    "insult_to_officials": N_("Insult to officials"), "lese_majeste": N_("Lèse-majesté"),
    "religious_offence": N_("Religious offence"), "political_party": N_("Political party"),
    "journalism": N_("Journalism"), "protest": N_("Protest"),
}
ALL = {
    "role_names": ROLES, "kind_names": KINDS, "crime_area_names": CRIME_AREAS, "status_names": STATUSES,
    "person_status_names": PERSON_STATUSES, "document_status_names": DOCUMENT_STATUSES, "sex_names": SEXES,
    "name_type_names": NAME_TYPES, "restriction_texts": RESTRICTIONS, "restriction_choices": RESTRICTION_CHOICES,
    "disclosure_texts": DISCLOSURES, "disclosure_record_texts": DISCLOSURES_RECORD,
    "disclosure_short": DISCLOSURE_SHORT, "handling_texts": HANDLING,
    "action_texts": ACTIONS, "result_words": RESULTS, "hit_status_names": HIT_STATUS,
    "notification_names": NOTIFICATION_TYPES, "source_names": SOURCE_RELIABILITY,
    "accuracy_names": INFORMATION_ACCURACY, "notice_type_names": NOTICE_TYPES, "notice_status_names": NOTICE_STATUSES,
    "event_names": NOTICE_EVENTS, "checklist_names": NOTICE_CHECKLIST, "decision_names": NOTICE_DECISIONS,
    "notice_action_names": NOTICE_ACTIONS, "flag_names": NOTICE_FLAGS,
    "document_type_names": DOCUMENT_TYPES, "organisation_type_names": ORGANISATION_TYPES, "link_type_names": LINK_TYPES,
    "diffusion_request_codes": DIFFUSION_REQUEST_CODES, "diffusion_status_names": DIFFUSION_STATUSES,
    "diffusion_request": diffusion_request,
    "record_change_names": RECORD_CHANGES,
}
