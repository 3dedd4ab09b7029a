"""Validated shapes of records as owners submit them.

One set of models serves the API, the CLI, bulk imports and the demo loader, so a record is
judged by the same rules whichever door it comes through. Pydantic is used for validation only;
nothing here touches storage.
"""

from __future__ import annotations

import datetime as dt
import time
from functools import lru_cache
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from taawun.domain import enums as E
from taawun.domain.dates import PartialDateError, normalise_partial_date
from taawun.domain.messages import Message
from taawun.domain.text import TextError, clean_text, detect_script
from taawun.domain.world import PARTNERS, REGION_NAMES, all_organisations, is_member

REVIEW_PERIOD_DAYS = 5 * 365


def _text(max_length: int, field: Message) -> AfterValidator:
    def check(value: str) -> str:
        try:
            return clean_text(value, field=field, max_length=max_length)
        except TextError as exc:
            raise ValueError(*exc.args) from None

    return AfterValidator(check)


def _partial_date(value: str) -> str:
    try:
        return _normalised_date(value)
    except PartialDateError as exc:
        raise ValueError(*exc.args) from None


@lru_cache(maxsize=65536)
def _normalised_date(value: str) -> str:
    """Cached: a bulk import repeats the same birth dates and years many times."""
    return normalise_partial_date(value)


_today: tuple[float, str] = (0.0, "")  # (when the day ends, as a timestamp; that day as YYYY-MM-DD)


def _today_iso() -> str:
    """Today's local date, recomputed only when the day ends: ``date.today()`` costs microseconds per record."""
    global _today
    ends, iso = _today
    if time.time() >= ends:
        today = dt.date.today()
        ends = dt.datetime.combine(today + dt.timedelta(days=1), dt.time()).timestamp()
        _today = ends, iso = ends, today.isoformat()
    return iso


def _unsorted(values: list[Any]) -> bool:
    """Whether a list needs sorting and de-duplicating (assigning to a validated model is slow; most lists are fine)."""
    return len(values) > 1 and any(a >= b for a, b in zip(values, values[1:], strict=False))


def _country(value: str) -> str:
    code = value.strip().upper()
    if not is_member(code):
        raise ValueError(Message("'%(code)s' is not the ISO 3166 alpha-3 code of a member country", code=value[:10]))
    return code


def _any_country(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or not _is_country_code(code):
        raise ValueError(Message("'%(code)s' is not an ISO 3166 alpha-3 country code", code=value[:10]))
    return code


@lru_cache(maxsize=1024)
def _is_country_code(code: str) -> bool:
    """Cached: pycountry's lookup is slow, and a bulk import names the same few countries again and again."""
    import pycountry

    return pycountry.countries.get(alpha_3=code) is not None


Country = Annotated[str, AfterValidator(_any_country)]
MemberCode = Annotated[str, AfterValidator(_country)]
PartialDate = Annotated[str, AfterValidator(_partial_date)]
Name = Annotated[str, Field(max_length=1000), _text(300, Message("name"))]
ShortText = Annotated[str, Field(max_length=1000), _text(200, Message("text"))]
LongText = Annotated[str, Field(max_length=40000), _text(10000, Message("text"))]
Number = Annotated[str, Field(max_length=200), _text(64, Message("number"))]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NameEntry(Strict):
    full: Name
    type: E.NameType = E.NameType.PRIMARY
    script: str | None = Field(default=None, pattern="^[A-Z][a-z]{3}$", description="ISO 15924; detected when absent")
    language: str | None = Field(default=None, pattern="^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=20,
                                 description="BCP 47 tag, e.g. ar, fr, ar-Latn")

    @model_validator(mode="after")
    def _detect(self) -> NameEntry:
        if not self.script:
            self.script = detect_script(self.full)
        return self


class Restriction(Strict):
    mode: E.RestrictionMode = E.RestrictionMode.ALL_MEMBERS
    members: list[MemberCode] = Field(default_factory=list, max_length=300)
    regions: list[str] = Field(default_factory=list, max_length=20)
    partners: list[str] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _check(self) -> Restriction:
        if not (self.members or self.regions or self.partners):  # the usual case: nothing listed
            if self.mode == E.RestrictionMode.ONLY:
                raise ValueError(Message("mode only needs at least one member, region or partner"))
            return self
        unknown_regions = [r for r in self.regions if r not in REGION_NAMES]
        if unknown_regions:
            raise ValueError(Message("unknown region '%(region)s'; known: %(known)s", region=unknown_regions[0],
                                     known=", ".join(REGION_NAMES)))
        unknown_partners = [p for p in self.partners if p not in PARTNERS]
        if unknown_partners:
            raise ValueError(Message("unknown partner '%(partner)s'; known: %(known)s", partner=unknown_partners[0],
                                     known=", ".join(PARTNERS)))
        if self.mode == E.RestrictionMode.ALL_MEMBERS and (self.members or self.regions):
            raise ValueError(Message("mode all_members takes no member or region list (partners may be added)"))
        if self.mode == E.RestrictionMode.ONLY and not (self.members or self.regions or self.partners):
            raise ValueError(Message("mode only needs at least one member, region or partner"))
        if self.mode == E.RestrictionMode.ALL_EXCEPT and self.partners:
            raise ValueError(Message("mode all_except excludes members or regions, not partners"))
        if _unsorted(self.members):
            self.members = sorted(set(self.members))
        if _unsorted(self.regions):
            self.regions = sorted(set(self.regions))
        if _unsorted(self.partners):
            self.partners = sorted(set(self.partners))
        return self


class Evaluation(Strict):
    source: E.SourceReliability
    information: Annotated[int, Field(ge=1, le=4)]


class Identifier(Strict):
    type: E.IdentifierType
    number: Number
    country: Country | None = None


class CommonFields(Strict):
    """Fields every record has, whatever its kind."""

    crime_areas: list[E.CrimeArea] = Field(default_factory=list, max_length=12)
    restriction: Restriction = Field(default_factory=Restriction)
    hit_disclosure: E.HitDisclosure = E.HitDisclosure.CONTACT_OWNER
    handling: E.Handling = E.Handling.H0
    handling_note: ShortText | None = None
    evaluation: Evaluation | None = None
    review_due: dt.date | None = None
    owner: str | None = Field(default=None, max_length=10, description="defaults to the caller's organisation")

    @model_validator(mode="after")
    def _common(self) -> CommonFields:
        if self.handling == E.Handling.H3 and not self.handling_note:
            raise ValueError(Message("handling H3 needs handling_note stating the restriction in words"))
        if self.owner is not None:
            self.owner = self.owner.strip().upper()
            if self.owner not in all_organisations():
                raise ValueError(Message("unknown owner '%(owner)s'", owner=self.owner))
        if _unsorted(self.crime_areas):
            self.crime_areas = sorted(set(self.crime_areas))
        return self


class PersonData(CommonFields):
    kind: Literal["person"] = "person"
    names: list[NameEntry] = Field(min_length=1, max_length=50)
    sex: E.Sex | None = None
    birth_date: PartialDate | None = None
    birth_place: ShortText | None = None
    nationalities: list[Country] = Field(default_factory=list, max_length=10)
    identifiers: list[Identifier] = Field(default_factory=list, max_length=50)
    person_status: E.PersonStatus = E.PersonStatus.OTHER
    description: LongText | None = None

    @model_validator(mode="after")
    def _birth(self) -> PersonData:
        if self.birth_date and self.birth_date > _today_iso():
            raise ValueError(Message("birth_date is in the future"))
        if _unsorted(self.nationalities):
            self.nationalities = sorted(set(self.nationalities))
        return self


class TravelDocumentData(CommonFields):
    kind: Literal["travel_document"] = "travel_document"
    number: Number
    country: Country
    document_type: E.DocumentType = E.DocumentType.PASSPORT
    document_status: E.DocumentStatus
    holder_id: UUID | None = None


class VehicleData(CommonFields):
    kind: Literal["vehicle"] = "vehicle"
    vin: Number | None = None
    plate: Number | None = None
    plate_country: Country | None = None
    make: ShortText | None = None
    model: ShortText | None = None

    @model_validator(mode="after")
    def _ident(self) -> VehicleData:
        if not (self.vin or self.plate):
            raise ValueError(Message("a vehicle needs a VIN or a plate"))
        return self


class FirearmData(CommonFields):
    kind: Literal["firearm"] = "firearm"
    serial: Number
    make: ShortText | None = None
    model: ShortText | None = None
    calibre: ShortText | None = None


class OrganisationData(CommonFields):
    kind: Literal["organisation"] = "organisation"
    names: list[NameEntry] = Field(min_length=1, max_length=50)
    organisation_type: E.OrganisationType = E.OrganisationType.OTHER
    description: LongText | None = None


class CaseData(CommonFields):
    kind: Literal["case"] = "case"
    summary: LongText
    date: PartialDate | None = None
    place: ShortText | None = None


class LinkData(CommonFields):
    kind: Literal["link"] = "link"
    link_type: E.LinkType
    source_id: UUID
    target_id: UUID
    note: ShortText | None = None

    @model_validator(mode="after")
    def _ends(self) -> LinkData:
        if self.source_id == self.target_id:
            raise ValueError(Message("a link joins two different records"))
        return self


RecordUnion = PersonData | TravelDocumentData | VehicleData | FirearmData | OrganisationData | CaseData
RecordData = Annotated[RecordUnion, Field(discriminator="kind")]
AnyRecordData = PersonData | TravelDocumentData | VehicleData | FirearmData | OrganisationData | CaseData | LinkData

MODEL_BY_KIND: dict[str, type[CommonFields]] = {
    "person": PersonData,
    "travel_document": TravelDocumentData,
    "vehicle": VehicleData,
    "firearm": FirearmData,
    "organisation": OrganisationData,
    "case": CaseData,
    "link": LinkData,
}

# Fields that exist on every record and are stored in their own columns.
COMMON_FIELDS = frozenset(CommonFields.model_fields)


class DocumentQuery(Strict):
    number: Number
    country: Country | None = None


class TravellerQuery(Strict):
    """One traveller as a frontline officer or a passenger list describes them."""

    names: list[Name] = Field(default_factory=list, max_length=10)
    birth_date: PartialDate | None = None
    nationalities: list[Country] = Field(default_factory=list, max_length=5)
    sex: E.Sex | None = None
    documents: list[DocumentQuery] = Field(default_factory=list, max_length=5)
    location: ShortText | None = None
    reference: ShortText | None = Field(default=None, description="the caller's own id for this traveller")

    @model_validator(mode="after")
    def _something(self) -> TravellerQuery:
        if not self.names and not self.documents:
            raise ValueError(Message("give at least a name or a document number"))
        return self
