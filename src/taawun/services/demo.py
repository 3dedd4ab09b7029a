"""The demo world: fictitious persons, documents, vehicles, firearms, organisations, cases and links,
owned by the members of the seed meetings, with the users who log in to look at them.

Why generated, not shipped: a demo must show realistic Arabic/Latin name variation (the heart of the
matching problem) without carrying data about real people. Names are composed at random from name
PARTS (data/demo_name_parts.json, see scripts/build_demo_name_parts.py); every full name is an
invention. Everything comes from ``random.Random(seed)`` so the same seed gives the same world,
and it is loaded through the services layer (validation, the access gate, the audit log) exactly
as an owner's officer would submit it.

The counter-terrorism working group of MENA and Asia-Pacific members (Abu Dhabi, 2019) has no
entity of its own yet: it is represented by ARE-owned records restricted to the MENA and
ASIA_PACIFIC regions.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from taawun.access import identity
from taawun.access.actor import SYSTEM, Actor
from taawun.access.policy import Audience, can_see
from taawun.domain.enums import OrgKind, Role
from taawun.domain.world import all_organisations
from taawun.services import records as record_service
from taawun.services.accounts import init_database
from taawun.store import accounts as account_store
from taawun.store import records as record_store

DEMO_PASSWORD = "demo-password-1"  # demo only: printed on screen, never use these accounts in production
DEFAULT_PERSONS = 3000
DEFAULT_SEED = 2019
BATCH = 1000
PARTS_FILE = Path(__file__).with_name("data") / "demo_name_parts.json"

# Members of the seed meetings: Marrakesh (MENA chiefs of police), Bratislava (OSCE), Abu Dhabi
# (counter-terrorism working group, MENA and Asia-Pacific), the International Security Alliance
# (Bahrain's minister, with Egypt, Jordan, Indonesia among its members), the UN in New York.
DEMO_MEMBERS = ("MAR", "SVK", "ARE", "BHR", "EGY", "JOR", "IDN", "USA")
MEMBER_ROLES = (Role.OFFICER, Role.ANALYST, Role.FRONTLINE, Role.ADMIN)
PARTNER_CODES = ("UN", "OSCE", "AIMC", "ISA")
WORKING_GROUP = {"mode": "only", "regions": ["MENA", "ASIA_PACIFIC"]}

# Share of the persons each member owns, and where its persons' names come from.
OWNER_WEIGHTS = {"MAR": 20, "ARE": 19, "SVK": 14, "BHR": 10, "EGY": 11, "JOR": 8, "USA": 9, "IDN": 9}
NAME_ORIGINS = {
    "MAR": {"arabic": 85, "european": 10, "persian_south_asian": 5},
    "ARE": {"arabic": 65, "persian_south_asian": 30, "european": 5},
    "BHR": {"arabic": 70, "persian_south_asian": 30},
    "EGY": {"arabic": 95, "european": 5},
    "JOR": {"arabic": 95, "european": 5},
    "SVK": {"european": 60, "arabic": 30, "persian_south_asian": 10},
    "USA": {"arabic": 45, "european": 35, "persian_south_asian": 20},
    "IDN": {"persian_south_asian": 55, "arabic": 45},
}
# Nationalities by name origin (besides the owner's own country).
NATIONALITIES = {
    "arabic": ["MAR", "DZA", "TUN", "LBY", "EGY", "SDN", "JOR", "SYR", "IRQ", "LBN", "SAU", "YEM", "ARE", "BHR",
               "KWT", "QAT", "OMN", "MRT", "SOM", "PSE"],
    "persian_south_asian": ["PAK", "IRN", "AFG", "IDN", "MYS", "BGD"],
    "european": ["SVK", "CZE", "HUN", "POL", "AUT", "FRA", "ITA", "DEU", "BEL", "NLD", "ESP", "SRB", "ROU"],
}
CITIES = {
    "MAR": ["Marrakesh", "Casablanca", "Tangier", "Rabat", "Agadir"],
    "SVK": ["Bratislava", "Košice", "Žilina", "Nitra"],
    "ARE": ["Abu Dhabi", "Dubai", "Sharjah", "Al Ain"],
    "BHR": ["Manama", "Muharraq", "Riffa"],
    "EGY": ["Cairo", "Alexandria", "Port Said", "Aswan"],
    "JOR": ["Amman", "Zarqa", "Aqaba", "Irbid"],
    "IDN": ["Jakarta", "Surabaya", "Medan", "Batam"],
    "USA": ["New York", "Newark", "Miami", "Houston"],
}
PERSON_STATUSES = {"wanted": 30, "suspect": 35, "foreign_terrorist_fighter": 10, "missing": 10, "deceased": 3,
                   "other": 12}
CRIME_AREAS = ["terrorism", "organised_crime", "human_trafficking", "migrant_smuggling", "drugs", "cybercrime",
               "financial_crime", "corruption", "maritime", "environmental", "cultural_property", "firearms"]
AREA_WEIGHTS = {"ARE": {"terrorism": 8}, "BHR": {"terrorism": 4, "drugs": 4}, "MAR": {"migrant_smuggling": 4,
                "drugs": 4}, "SVK": {"human_trafficking": 3, "organised_crime": 4}, "IDN": {"terrorism": 5,
                "maritime": 3}, "USA": {"financial_crime": 4, "cybercrime": 4}, "EGY": {"cultural_property": 4},
                "JOR": {"terrorism": 3, "firearms": 3}}
VEHICLES = [("Toyota", "Land Cruiser"), ("Toyota", "Hilux"), ("Nissan", "Patrol"), ("Hyundai", "Tucson"),
            ("Mercedes-Benz", "Sprinter"), ("Volkswagen", "Passat"), ("Škoda", "Octavia"), ("Ford", "Transit"),
            ("Kia", "Sportage"), ("Renault", "Kangoo"), ("Dacia", "Logan"), ("Mitsubishi", "Pajero")]
FIREARMS = [("Glock", "17", "9×19mm"), ("Beretta", "92FS", "9×19mm"), ("CZ", "75", "9×19mm"),
            ("Kalashnikov", "AKM", "7.62×39mm"), ("Zastava", "M70", "7.62×39mm"), ("Colt", "M1911", ".45 ACP"),
            ("Heckler & Koch", "MP5", "9×19mm"), ("Makarov", "PM", "9×18mm")]
# Fictitious organisation names, composed in parallel Arabic / English.
ORG_HEADS = {
    "terrorist_group": [("كتائب", "Brigades of"), ("جماعة", "Group of"), ("سرايا", "Companies of"),
                        ("حركة", "Movement of")],
    "criminal_group": [("شبكة", "Network"), ("عصابة", "Gang"), ("تنظيم", "Ring")],
    "company": [("شركة", "Company"), ("مؤسسة", "Establishment"), ("مجموعة", "Group")],
}
ORG_TAILS = [("الفجر الأزرق", "the Blue Dawn"), ("الوادي البعيد", "the Far Valley"),
             ("النجم الشمالي", "the North Star"), ("الرمال الحمراء", "the Red Sands"),
             ("الجسر القديم", "the Old Bridge"), ("الميناء الغربي", "the West Harbour"),
             ("الصقر الرمادي", "the Grey Falcon"), ("النخلة الذهبية", "the Golden Palm"),
             ("الهلال الصامت", "the Silent Crescent"), ("الريح الشرقية", "the East Wind"),
             ("البحر الهادئ", "the Calm Sea"), ("الواحة الخضراء", "the Green Oasis")]
COMPANY_SUFFIX = [("للتجارة العامة", "General Trading LLC"), ("للشحن", "Shipping Ltd"), ("للصرافة", "Exchange Co."),
                  ("للاستيراد والتصدير", "Import Export FZE")]
CASE_TEMPLATES = [
    "Seizure of {n} kg of cannabis resin in a lorry at {place}; driver and two passengers arrested.",
    "Smuggling of {n} migrants by sea intercepted off {place}; facilitators identified.",
    "Attempted transfer of funds to a terrorist group through exchange houses in {place}.",
    "Theft of {n} blank passports from a printing contractor in {place}.",
    "Online recruitment for a terrorist group traced to accounts operated from {place}.",
    "Trafficking of {n} antiquities seized at the port of {place}.",
    "Illegal firearms workshop dismantled in {place}; {n} weapons recovered.",
    "Business e-mail compromise defrauding {n} companies, proceeds laundered through {place}.",
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    org: str
    role: str
    password: str = DEMO_PASSWORD


@dataclass
class Spec:
    """One record to create: ``ref`` is a local key; ``@key`` values in the body are resolved to ids."""

    ref: str
    owner: str
    body: dict[str, Any]


@dataclass
class DemoWorld:
    specs: list[Spec] = field(default_factory=list)

    def by_kind(self, kind: str) -> list[Spec]:
        return [s for s in self.specs if s.body["kind"] == kind]


@dataclass(frozen=True)
class DemoResult:
    loaded: bool  # False when the demo was already there
    counts: dict[str, int]
    logins: list[DemoLogin]


def demo_logins() -> list[DemoLogin]:
    out = [DemoLogin(f"{code.lower()}.{role.value}", code, role.value)
           for code in DEMO_MEMBERS for role in MEMBER_ROLES]
    out += [DemoLogin("gs.reviewer", "GS", Role.REVIEWER.value), DemoLogin("gs.admin", "GS", Role.ADMIN.value)]
    out += [DemoLogin(f"{code.lower()}.analyst", code, Role.ANALYST.value) for code in PARTNER_CODES]
    return out


@cache
def name_parts() -> dict[str, dict[str, list[dict[str, Any]]]]:
    groups: dict[str, dict[str, list[dict[str, Any]]]] = json.loads(PARTS_FILE.read_text(encoding="utf-8"))["groups"]
    return groups


# --- generation (pure: the seed decides everything) -----------------------------------------------


class _Gen:
    def __init__(self, persons: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.persons = persons
        self.world = DemoWorld()
        self.today = dt.date(2024, 6, 1)  # fixed, so that the same seed gives the same world every day
        self.h3_done = False
        self.regions = {code: all_organisations()[code].regions for code in DEMO_MEMBERS}
        self.restrictions: dict[str, dict[str, Any]] = {}
        self.owners: dict[str, str] = {}

    # small helpers
    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def owner(self) -> str:
        return self.pick(OWNER_WEIGHTS)

    def add(self, ref: str, owner: str, body: dict[str, Any]) -> Spec:
        spec = Spec(ref, owner, body)
        self.world.specs.append(spec)
        self.restrictions[ref] = body.get("restriction") or {"mode": "all_members"}
        self.owners[ref] = owner
        return spec

    def crime_areas(self, owner: str) -> list[str]:
        weights = {a: 1 for a in CRIME_AREAS}
        weights.update(AREA_WEIGHTS.get(owner, {}))
        areas = {self.pick(weights)}
        if self.rng.random() < 0.25:
            areas.add(self.pick(weights))
        return sorted(areas)

    def restriction(self, owner: str, areas: Sequence[str]) -> dict[str, Any]:
        r = self.rng.random()
        if owner == "ARE" and "terrorism" in areas and r < 0.6:
            return dict(WORKING_GROUP)  # the counter-terrorism working group (no entity of its own yet)
        if r < 0.68:
            return {"mode": "all_members"}
        if r < 0.78:
            partners = self.rng.sample(PARTNER_CODES, self.rng.randint(1, 2))
            return {"mode": "all_members", "partners": sorted(partners)}
        if r < 0.88:
            neighbours = [m for m in DEMO_MEMBERS if m != owner]
            choice = self.rng.random()
            if choice < 0.4:
                return {"mode": "only", "members": sorted(self.rng.sample(neighbours, self.rng.randint(1, 3)))}
            if choice < 0.8:
                return {"mode": "only", "regions": [self.rng.choice(sorted(self.regions[owner]))]}
            return {"mode": "only", "regions": ["MENA"], "partners": ["AIMC"]}
        if r < 0.97:
            excluded = self.rng.sample([m for m in DEMO_MEMBERS if m != owner], self.rng.randint(1, 2))
            return {"mode": "all_except", "members": sorted(excluded)}
        return {"mode": "only", "partners": [self.rng.choice(PARTNER_CODES)]}

    def common(self, owner: str, areas: list[str] | None = None) -> dict[str, Any]:
        areas = areas if areas is not None else self.crime_areas(owner)
        body: dict[str, Any] = {"crime_areas": areas, "restriction": self.restriction(owner, areas)}
        if self.rng.random() < 0.15:
            body["hit_disclosure"] = "silent"
        r = self.rng.random()
        if not self.h3_done and owner == "MAR":
            self.h3_done = True
            body["handling"] = "H3"
            body["handling_note"] = "Do not contact the subject's family; inform NCB Rabat before any action."
        elif r < 0.15:
            body["handling"] = "H2"
        elif r < 0.40:
            body["handling"] = "H1"
        if self.rng.random() < 0.85:
            body["evaluation"] = {"source": self.rng.choice("AABBBCCX"),
                                  "information": self.rng.choice([1, 2, 2, 3, 4])}
        r = self.rng.random()
        if r < 0.02:  # already past its review date: `taawun expire` has something to do
            body["review_due"] = (self.today - dt.timedelta(days=self.rng.randint(1, 90))).isoformat()
        elif r < 0.06:  # due soon: the owner is told four months ahead
            body["review_due"] = (dt.date.today() + dt.timedelta(days=self.rng.randint(10, 120))).isoformat()
        return body

    # persons
    def spell(self, part: dict[str, Any]) -> str:
        latin: list[str] = part["latin"]
        return latin[0] if self.rng.random() < 0.55 else self.rng.choice(latin)

    def names(self, origin: str, sex: str) -> list[dict[str, Any]]:
        """A chain of parts: Arabic given, father, grandfather, family; others given, middle, family. Never
        fewer than three parts, so that a composed name is not by chance a real person's full name (checked
        against the source lists in the tests)."""
        parts = name_parts()[origin]
        given_slot = "given_f" if sex == "f" else "given_m"
        chain = [self.rng.choice(parts[given_slot]), self.rng.choice(parts["given_m"])]
        if origin == "arabic":
            chain.append(self.rng.choice(parts["given_m"]))  # grandfather: the usual four-part Arabic name
        family = self.rng.choice(parts["family"])
        while family["ar"] is not None and family["ar"] == chain[-1]["ar"]:
            family = self.rng.choice(parts["family"])
        chain.append(family)
        latin = " ".join(self.spell(p) for p in chain)
        if any(p["ar"] is None for p in chain):
            out = [{"full": latin, "type": "primary"}]
        else:
            arabic = " ".join(str(p["ar"]) for p in chain)
            language = "fa" if origin == "persian_south_asian" and self.rng.random() < 0.5 else "ar"
            if self.rng.random() < 0.5:  # recorded from an Arabic-script document
                out = [{"full": arabic, "type": "primary", "language": language},
                       {"full": latin, "type": "transliteration"}]
            else:
                out = [{"full": latin, "type": "primary"},
                       {"full": arabic, "type": "original_script", "language": language}]
        if self.rng.random() < 0.35:
            out.append({"full": self.alias(chain), "type": "alias"})
        return out

    def alias(self, chain: list[dict[str, Any]]) -> str:
        """Variants police records really hold: family name first, a part dropped, another spelling."""
        latin = [self.spell(p) for p in chain]
        r = self.rng.random()
        if r < 0.35:  # family name first, in capitals, as on many forms
            return " ".join([latin[-1].upper(), *latin[:-1]])
        if r < 0.6 and len(chain) >= 4:  # grandfather dropped
            return " ".join([latin[0], latin[1], latin[-1]])
        if r < 0.8 and all(p["ar"] for p in chain):  # Arabic script, family name first
            return " ".join([str(chain[-1]["ar"]), *(str(p["ar"]) for p in chain[:-1])])
        return " ".join(self.rng.choice(p["latin"]) for p in chain)  # another Latin spelling of each part

    def birth_date(self) -> str:
        year = self.rng.randint(1955, 2004)
        r = self.rng.random()
        if r < 0.15:
            return f"{year}"
        if r < 0.35:
            return f"{year}-{self.rng.randint(1, 12):02d}"
        return (dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randint(0, 364))).isoformat()

    def passport(self, country: str) -> str:
        letters = "".join(self.rng.choices(string.ascii_uppercase, k=2))
        return f"{letters}{self.rng.randint(1_000_000, 9_999_999)}" if country != "USA" else \
            f"{self.rng.randint(100_000_000, 999_999_999)}"

    def person(self, index: int) -> None:
        owner = self.owner()
        origin = self.pick(NAME_ORIGINS[owner])
        sex = "f" if self.rng.random() < 0.18 else "m"
        nationality = owner if self.rng.random() < 0.55 else self.rng.choice(NATIONALITIES[origin])
        nationalities = [nationality]
        if self.rng.random() < 0.08:
            nationalities.append(self.rng.choice(NATIONALITIES[origin] + ["FRA", "GBR", "CAN", "TUR"]))
        body: dict[str, Any] = {"kind": "person", "names": self.names(origin, sex), **self.common(owner)}
        if self.rng.random() < 0.97:
            body["sex"] = sex
        if self.rng.random() < 0.92:
            body["birth_date"] = self.birth_date()
        if self.rng.random() < 0.4:
            body["birth_place"] = self.rng.choice(CITIES.get(nationality, ["unknown"]))
        body["nationalities"] = nationalities
        if self.rng.random() < 0.6:
            body["identifiers"] = [{"type": "passport", "number": self.passport(nationality), "country": nationality}]
            if self.rng.random() < 0.2:
                body["identifiers"].append({"type": "national_id", "country": nationality,
                                            "number": str(self.rng.randint(10**9, 10**10 - 1))})
        body["person_status"] = self.pick(PERSON_STATUSES)
        if body["person_status"] == "foreign_terrorist_fighter" and "terrorism" not in body["crime_areas"]:
            body["crime_areas"] = sorted({*body["crime_areas"], "terrorism"})
        if self.rng.random() < 0.2:
            body["description"] = self.rng.choice([
                "Scar above the left eyebrow.", "Speaks Arabic, French and English.", "Uses several mobile numbers.",
                "Believed to travel on forged documents.", "Last seen at a land border crossing.",
            ])
        self.add(f"person:{index}", owner, body)

    # other kinds
    def organisations(self, count: int) -> None:
        for index in range(count):
            owner = self.owner()
            otype = self.rng.choice(["terrorist_group", "criminal_group", "criminal_group", "company"])
            head_ar, head_en = self.rng.choice(ORG_HEADS[otype])
            tail_ar, tail_en = self.rng.choice(ORG_TAILS)
            if otype == "company":
                suffix_ar, suffix_en = self.rng.choice(COMPANY_SUFFIX)
                ar, en = f"{head_ar} {tail_ar} {suffix_ar}", f"{tail_en.removeprefix('the ').title()} {suffix_en}"
            elif otype == "terrorist_group":
                ar, en = f"{head_ar} {tail_ar}", f"{head_en} {tail_en}"
            else:
                ar, en = f"{head_ar} {tail_ar}", f"{tail_en.removeprefix('the ').title()} {head_en}"
            areas = ["terrorism"] if otype == "terrorist_group" else self.crime_areas(owner)
            body = {"kind": "organisation", "organisation_type": otype, **self.common(owner, areas),
                    "names": [{"full": en, "type": "primary"}, {"full": ar, "type": "original_script"}],
                    "description": "Fictitious organisation of the demo world."}
            self.add(f"organisation:{index}", owner, body)

    def cases(self, count: int) -> None:
        for index in range(count):
            owner = self.owner()
            place = self.rng.choice(CITIES[owner])
            summary = self.rng.choice(CASE_TEMPLATES).format(n=self.rng.randint(2, 400), place=place)
            date = (self.today - dt.timedelta(days=self.rng.randint(30, 2500))).isoformat()
            self.add(f"case:{index}", owner, {"kind": "case", "summary": summary, "date": date, "place": place,
                                               **self.common(owner)})

    def vehicles(self, count: int) -> None:
        vin_alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"  # VINs never use I, O, Q
        for index in range(count):
            owner = self.owner()
            make, model = self.rng.choice(VEHICLES)
            body: dict[str, Any] = {"kind": "vehicle", "make": make, "model": model, **self.common(owner)}
            if self.rng.random() < 0.8:
                body["vin"] = "".join(self.rng.choices(vin_alphabet, k=17))
            if self.rng.random() < 0.7 or "vin" not in body:
                body["plate"] = f"{self.rng.randint(1, 99)}-{self.rng.choice(string.ascii_uppercase)}-" \
                                f"{self.rng.randint(1000, 99999)}"
                body["plate_country"] = owner
            self.add(f"vehicle:{index}", owner, body)

    def firearms(self, count: int) -> None:
        for index in range(count):
            owner = self.owner()
            make, model, calibre = self.rng.choice(FIREARMS)
            serial = "".join(self.rng.choices(string.ascii_uppercase, k=3)) + str(self.rng.randint(10000, 999999))
            areas = sorted({"firearms", *self.crime_areas(owner)})
            self.add(f"firearm:{index}", owner, {"kind": "firearm", "serial": serial, "make": make, "model": model,
                                                  "calibre": calibre, **self.common(owner, areas)})

    def documents(self, count: int) -> None:
        persons = self.world.by_kind("person")
        for index in range(count):
            body: dict[str, Any] = {"kind": "travel_document",
                                    "document_type": self.pick({"passport": 80, "id_card": 15, "visa": 5}),
                                    "document_status": self.pick({"stolen": 45, "lost": 40, "revoked": 10,
                                                                  "invalid": 5})}
            holder = self.rng.choice(persons) if self.rng.random() < 0.35 else None
            owner = holder.owner if holder else self.owner()
            country = owner if self.rng.random() < 0.8 else self.rng.choice(NATIONALITIES["arabic"])
            body.update(number=self.passport(country), country=country, **self.common(owner))
            if holder is not None:
                body["holder_id"] = "@" + holder.ref
                body["restriction"] = self.restrictions[holder.ref]  # no wider than its holder
            self.add(f"travel_document:{index}", owner, body)

    def visible_to(self, owner: str, ref: str) -> bool:
        """Whether ``owner``'s officer may see record ``ref``: a link may only join records its owner sees."""
        target = self.restrictions[ref]
        actor = Actor("demo", "demo", owner, OrgKind.MEMBER, Role.OFFICER, self.regions[owner])
        audience = Audience.from_json(target["mode"], {k: v for k, v in target.items() if k != "mode"})
        return can_see(actor, self.owners[ref], audience)

    def links(self) -> None:
        by_kind = {k: self.world.by_kind(k) for k in ("person", "organisation", "case", "vehicle", "firearm")}
        plan = [("member_of", "person", "organisation", 0.12), ("associate_of", "person", "person", 0.10),
                ("involved_in", "person", "case", 0.10), ("used", "person", "vehicle", 0.04),
                ("used", "person", "firearm", 0.03), ("involved_in", "organisation", "case", 0.5)]
        index = 0
        for link_type, source_kind, target_kind, rate in plan:
            for source in by_kind[source_kind]:
                if self.rng.random() >= rate:
                    continue
                target = self.rng.choice(by_kind[target_kind])
                if target.ref == source.ref or not self.visible_to(source.owner, target.ref):
                    continue
                self.link(index, link_type, source, target.ref)
                index += 1
        for doc in self.world.by_kind("travel_document"):
            holder = doc.body.get("holder_id")
            if holder and self.rng.random() < 0.5:
                person_ref = holder[1:]
                self.link(index, "holder_of", next(s for s in by_kind["person"] if s.ref == person_ref), doc.ref)
                index += 1

    def link(self, index: int, link_type: str, source: Spec, target_ref: str) -> None:
        body = {"kind": "link", "link_type": link_type, "source_id": "@" + source.ref, "target_id": "@" + target_ref,
                "crime_areas": source.body["crime_areas"], "restriction": self.restrictions[source.ref],
                "handling": source.body.get("handling", "H0"), "hit_disclosure": "contact_owner"}
        if body["handling"] == "H3":
            body["handling_note"] = source.body["handling_note"]
        self.add(f"link:{index}", source.owner, body)


def generate(persons: int = DEFAULT_PERSONS, seed: int = DEFAULT_SEED) -> DemoWorld:
    """The demo world for ``seed``: deterministic, no I/O besides reading the shipped name parts."""
    if persons < 1:
        raise ValueError("the demo needs at least one person")
    gen = _Gen(persons, seed)
    for index in range(persons):
        gen.person(index)
    gen.organisations(max(4, persons // 75))
    gen.cases(max(4, persons // 40))
    gen.vehicles(max(2, persons // 20))
    gen.firearms(max(2, persons // 30))
    gen.documents(max(4, persons // 5))
    gen.links()
    return gen.world


# --- loading (through the services layer) -----------------------------------------------------------


def demo_loaded(conn: Connection) -> bool:
    return account_store.user_by_username(conn, demo_logins()[0].username) is not None


def has_records(conn: Connection) -> bool:
    return record_store.count_records(conn) > 0


def _resolve(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        return ids[value[1:]]
    return value


def _batches(specs: Sequence[Spec]) -> Iterator[tuple[str, list[Spec]]]:
    """Per owner, in insertion order, at most BATCH records per call."""
    by_owner: dict[str, list[Spec]] = {}
    for spec in specs:
        by_owner.setdefault(spec.owner, []).append(spec)
    for owner, owned in by_owner.items():
        for start in range(0, len(owned), BATCH):
            yield owner, owned[start:start + BATCH]


def create_users(conn: Connection) -> list[DemoLogin]:
    logins = demo_logins()
    shared_hash = identity.hash_password(DEMO_PASSWORD)  # one slow hash for the one published demo password
    for login in logins:
        identity.add_user(conn, SYSTEM, username=login.username, org_code=login.org, role=Role(login.role),
                          password=DEMO_PASSWORD, password_hash=shared_hash)
    return logins


def load(engine: Engine, persons: int = DEFAULT_PERSONS, seed: int = DEFAULT_SEED) -> DemoResult:
    """Initialise the database if needed and load the demo world once; a second call changes nothing."""
    init_database(engine)
    with engine.connect() as conn:
        if demo_loaded(conn):
            return DemoResult(False, {}, demo_logins())
    world = generate(persons, seed)
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        if demo_loaded(conn):  # loaded meanwhile by another process
            return DemoResult(False, {}, demo_logins())
        logins = create_users(conn)
        officers: dict[str, Actor] = {}
        for code in DEMO_MEMBERS:
            user = account_store.user_by_username(conn, f"{code.lower()}.officer")
            assert user is not None
            officers[code] = identity.actor_for(conn, user)
        ids: dict[str, str] = {}
        # Kinds in dependency order: documents name their holders, links name both ends.
        for kind in ("person", "organisation", "case", "vehicle", "firearm", "travel_document", "link"):
            for owner, batch in _batches(world.by_kind(kind)):
                payloads = [record_service.parse_record({k: _resolve(v, ids) for k, v in s.body.items()})
                            for s in batch]
                rows = record_service.bulk_create(conn, officers[owner], payloads)
                ids.update((s.ref, row.id) for s, row in zip(batch, rows, strict=True))
                counts[kind] = counts.get(kind, 0) + len(rows)
    return DemoResult(True, counts, logins)
