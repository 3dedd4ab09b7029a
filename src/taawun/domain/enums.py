"""Closed vocabularies shared by every layer, so that the API, the CLI and the store agree on spelling."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    PERSON = "person"
    TRAVEL_DOCUMENT = "travel_document"
    VEHICLE = "vehicle"
    FIREARM = "firearm"
    ORGANISATION = "organisation"
    CASE = "case"
    LINK = "link"


class CrimeArea(StrEnum):
    TERRORISM = "terrorism"
    ORGANISED_CRIME = "organised_crime"
    HUMAN_TRAFFICKING = "human_trafficking"
    MIGRANT_SMUGGLING = "migrant_smuggling"
    DRUGS = "drugs"
    CYBERCRIME = "cybercrime"
    FINANCIAL_CRIME = "financial_crime"
    CORRUPTION = "corruption"
    MARITIME = "maritime"
    ENVIRONMENTAL = "environmental"
    CULTURAL_PROPERTY = "cultural_property"
    FIREARMS = "firearms"


class RestrictionMode(StrEnum):
    ALL_MEMBERS = "all_members"
    ONLY = "only"
    ALL_EXCEPT = "all_except"


class HitDisclosure(StrEnum):
    CONTACT_OWNER = "contact_owner"
    SILENT = "silent"


class Handling(StrEnum):
    H0 = "H0"  # use only to prevent and combat crime
    H1 = "H1"  # not in court without the owner's permission
    H2 = "H2"  # not to be passed on without the owner's permission
    H3 = "H3"  # other restrictions, stated in words


class RecordStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    DELETED = "deleted"


class SourceReliability(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    X = "X"


class PersonStatus(StrEnum):
    WANTED = "wanted"
    MISSING = "missing"
    SUSPECT = "suspect"
    FOREIGN_TERRORIST_FIGHTER = "foreign_terrorist_fighter"
    DECEASED = "deceased"
    OTHER = "other"


class NameType(StrEnum):
    PRIMARY = "primary"
    ALIAS = "alias"
    ORIGINAL_SCRIPT = "original_script"
    TRANSLITERATION = "transliteration"


class Sex(StrEnum):
    MALE = "m"
    FEMALE = "f"
    UNKNOWN = "u"


class DocumentType(StrEnum):
    PASSPORT = "passport"
    ID_CARD = "id_card"
    VISA = "visa"
    OTHER = "other"


class DocumentStatus(StrEnum):
    STOLEN = "stolen"
    LOST = "lost"
    REVOKED = "revoked"
    INVALID = "invalid"


class IdentifierType(StrEnum):
    PASSPORT = "passport"
    NATIONAL_ID = "national_id"
    OTHER = "other"


class OrganisationType(StrEnum):
    TERRORIST_GROUP = "terrorist_group"
    CRIMINAL_GROUP = "criminal_group"
    COMPANY = "company"
    OTHER = "other"


class LinkType(StrEnum):
    MEMBER_OF = "member_of"
    ASSOCIATE_OF = "associate_of"
    HOLDER_OF = "holder_of"
    USED = "used"
    INVOLVED_IN = "involved_in"
    SAME_AS = "same_as"


class OrgKind(StrEnum):
    MEMBER = "member"
    GS = "gs"
    PARTNER = "partner"


class Role(StrEnum):
    FRONTLINE = "frontline"
    ANALYST = "analyst"
    OFFICER = "officer"
    REVIEWER = "reviewer"
    ADMIN = "admin"
