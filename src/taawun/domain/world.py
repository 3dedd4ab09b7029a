"""The organisations that take part: INTERPOL's member countries, regions, the GS and partners.

Country codes and names come from pycountry (ISO 3166) and Babel (CLDR) so that no name is typed
by hand. Membership is a policy list: INTERPOL had 195 members at the time of the seed articles
(2019-2022) — the 193 UN member states except Palau and Tuvalu, plus the Holy See, Palestine,
Curaçao and Sint Maarten. Regions follow the time-zone continent CLDR gives each country,
with MENA as INTERPOL's Middle East and North Africa grouping (including the members that attend
its regional conference: Comoros, Djibouti, Mauritania, Somalia, Sudan).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import pycountry
from babel import Locale
from babel.core import get_global

from taawun.domain.enums import OrgKind

LANGUAGES = ("ar", "en", "fr", "es")

# ISO 3166 entries that are not INTERPOL members: dependent territories, uninhabited areas,
# and the sovereign states that had not joined at the time of the seeds.
_NOT_MEMBERS = frozenset(
    [
        "ABW",
        "AIA",
        "ALA",
        "ASM",
        "ATA",
        "ATF",
        "BES",
        "BLM",
        "BMU",
        "BVT",
        "CCK",
        "COK",
        "CXR",
        "CYM",
        "ESH",
        "FLK",
        "FRO",
        "GGY",
        "GIB",
        "GLP",
        "GRL",
        "GUF",
        "GUM",
        "HKG",
        "HMD",
        "IMN",
        "IOT",
        "JEY",
        "MAC",
        "MAF",
        "MNP",
        "MSR",
        "MTQ",
        "MYT",
        "NCL",
        "NFK",
        "NIU",
        "PCN",
        "PLW",
        "PRI",
        "PYF",
        "REU",
        "SGS",
        "SHN",
        "SJM",
        "SPM",
        "TCA",
        "TKL",
        "TUV",
        "TWN",
        "UMI",
        "VGB",
        "VIR",
        "WLF",
    ]
)

MENA = frozenset(
    [
        "DZA",
        "BHR",
        "EGY",
        "IRN",
        "IRQ",
        "ISR",
        "JOR",
        "KWT",
        "LBN",
        "LBY",
        "MAR",
        "OMN",
        "PSE",
        "QAT",
        "SAU",
        "SYR",
        "TUN",
        "ARE",
        "YEM",
        "COM",
        "DJI",
        "MRT",
        "SOM",
        "SDN",
    ]
)

# Time-zone continents that do not say the region by themselves.
_REGION_OVERRIDES = {
    "CPV": "AFRICA",
    "MUS": "AFRICA",
    "SYC": "AFRICA",
    "COM": "AFRICA",
    "MDG": "AFRICA",
    "STP": "AFRICA",
    "ISL": "EUROPE",
    "CYP": "EUROPE",
    "GEO": "EUROPE",
    "ARM": "EUROPE",
    "AZE": "EUROPE",
    "TUR": "EUROPE",
    "RUS": "EUROPE",
    "MDV": "ASIA_PACIFIC",
    "KAZ": "ASIA_PACIFIC",
}
_TZ_REGIONS = {
    "Europe": "EUROPE",
    "Africa": "AFRICA",
    "America": "AMERICAS",
    "Asia": "ASIA_PACIFIC",
    "Pacific": "ASIA_PACIFIC",
    "Australia": "ASIA_PACIFIC",
    "Indian": "ASIA_PACIFIC",
    "Atlantic": "AMERICAS",
    "Antarctica": "ASIA_PACIFIC",
}

REGION_NAMES: dict[str, dict[str, str]] = {
    "MENA": {
        "en": "Middle East and North Africa",
        "ar": "الشرق الأوسط وشمال أفريقيا",
        "fr": "Moyen-Orient et Afrique du Nord",
        "es": "Oriente Medio y Norte de África",
    },
    "EUROPE": {"en": "Europe", "ar": "أوروبا", "fr": "Europe", "es": "Europa"},
    "ASIA_PACIFIC": {
        "en": "Asia and South Pacific",
        "ar": "آسيا وجنوب المحيط الهادئ",
        "fr": "Asie et Pacifique Sud",
        "es": "Asia y Pacífico Sur",
    },
    "AFRICA": {"en": "Africa", "ar": "أفريقيا", "fr": "Afrique", "es": "África"},
    "AMERICAS": {"en": "Americas", "ar": "الأمريكتان", "fr": "Amériques", "es": "Américas"},
}

PARTNERS: dict[str, dict[str, str]] = {
    "UN": {"en": "United Nations", "ar": "الأمم المتحدة", "fr": "Nations unies", "es": "Naciones Unidas"},
    "OSCE": {
        "en": "Organization for Security and Co-operation in Europe",
        "ar": "منظمة الأمن والتعاون في أوروبا",
        "fr": "Organisation pour la sécurité et la coopération en Europe",
        "es": "Organización para la Seguridad y la Cooperación en Europa",
    },
    "AIMC": {
        "en": "Arab Interior Ministers' Council",
        "ar": "مجلس وزراء الداخلية العرب",
        "fr": "Conseil des ministres arabes de l'Intérieur",
        "es": "Consejo de Ministros del Interior Árabes",
    },
    "ISA": {
        "en": "International Security Alliance",
        "ar": "التحالف الأمني الدولي",
        "fr": "Alliance internationale de sécurité",
        "es": "Alianza Internacional de Seguridad",
    },
}

GS_NAMES = {
    "en": "General Secretariat",
    "ar": "الأمانة العامة",
    "fr": "Secrétariat général",
    "es": "Secretaría General",
}


@dataclass(frozen=True)
class Organisation:
    code: str
    kind: OrgKind
    names: dict[str, str]
    regions: frozenset[str] = field(default_factory=frozenset)


@cache
def members() -> dict[str, Organisation]:
    """Every member country, keyed by ISO 3166 alpha-3, with names in the four languages."""
    locales = {lang: Locale.parse(lang) for lang in LANGUAGES}
    zones: dict[str, list[str]] = dict(get_global("territory_zones"))
    out: dict[str, Organisation] = {}
    for country in pycountry.countries:
        code = country.alpha_3
        if code in _NOT_MEMBERS:
            continue
        alpha2 = country.alpha_2
        names = {lang: loc.territories.get(alpha2, country.name) for lang, loc in locales.items()}
        regions = {_continent(code, alpha2, zones)}
        if code in MENA:
            regions.add("MENA")
            regions.discard("ASIA_PACIFIC")
        out[code] = Organisation(code, OrgKind.MEMBER, names, frozenset(regions))
    return out


def _continent(code: str, alpha2: str, zones: dict[str, list[str]]) -> str:
    if code in _REGION_OVERRIDES:
        return _REGION_OVERRIDES[code]
    tz = (zones.get(alpha2) or ["Asia/Unknown"])[0]
    return _TZ_REGIONS.get(tz.split("/", 1)[0], "ASIA_PACIFIC")


@cache
def all_organisations() -> dict[str, Organisation]:
    orgs = dict(members())
    orgs["GS"] = Organisation("GS", OrgKind.GS, GS_NAMES)
    for code, names in PARTNERS.items():
        orgs[code] = Organisation(code, OrgKind.PARTNER, names)
    return orgs


def is_member(code: str) -> bool:
    return code in members()
