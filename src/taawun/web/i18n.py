"""The four interface languages: catalogues, the language of a request, and locale-aware formatting.

Catalogues are the `.po` files under `web/i18n/<lang>/LC_MESSAGES/`, compiled in memory on first
use (Babel's mofile writer). No compiled `.mo` file is committed or built: the `.po` text is the
single source, so a translation edited in review is what the server shows, and a fresh clone needs
no build step before it can serve pages or run its tests.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from taawun.domain import world
from taawun.domain.dates import PartialDateError, parse_partial_date

LANGUAGES = world.LANGUAGES  # ("ar", "en", "fr", "es")
DEFAULT = "en"
RTL = frozenset({"ar"})
NATIVE_NAMES = {"ar": "العربية", "en": "English", "fr": "Français", "es": "Español"}
CATALOGUE_DIR = Path(__file__).parent / "i18n"


def N_(message: str) -> str:  # noqa: N802 - the conventional name gettext tools look for
    """Mark a string for extraction where it is defined; it is translated where it is shown."""
    return message


@cache
def translations(lang: str) -> NullTranslations:
    path = CATALOGUE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang not in LANGUAGES or not path.exists():
        return NullTranslations()
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as gettext does
    buffer.seek(0)
    return Translations(fp=buffer)


def pick(cookie: str | None, user_default: str | None = None, accept: str | None = None) -> str:
    """The language of a request: the user's explicit switch, then their account's, then the browser's."""
    for choice in (cookie, user_default):
        if choice in LANGUAGES:
            return choice
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT


def direction(lang: str) -> str:
    return "rtl" if lang in RTL else "ltr"


def format_number(value: float | int, lang: str) -> str:
    return format_decimal(value, locale=lang)


def format_when(value: dt.datetime | str | None, lang: str) -> str:
    """A moment, shown in UTC (the platform's one clock across time zones) in the locale's pattern."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    value = value.astimezone(dt.UTC)
    return f"{format_date(value, 'medium', locale=lang)} {format_time(value, 'short', tzinfo=dt.UTC, locale=lang)} UTC"


def format_day(value: dt.date | str | None, lang: str) -> str:
    """A date, which may be partial (YYYY or YYYY-MM), in the locale's words."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return format_skeleton("yMMMd", value, locale=lang)
    try:
        year, month, day = parse_partial_date(value)
    except PartialDateError:
        return value
    if day is not None and month is not None:
        return format_skeleton("yMMMd", dt.date(year, month, day), locale=lang)
    if month is not None:
        return format_skeleton("yMMM", dt.date(year, month, 1), locale=lang)
    return format_skeleton("y", dt.date(year, 1, 1), locale=lang)


def organisation_name(code: str | None, lang: str) -> str:
    if not code:
        return ""
    org = world.all_organisations().get(code)
    return org.names.get(lang, code) if org else code


def region_name(code: str, lang: str) -> str:
    return world.REGION_NAMES.get(code, {}).get(lang, code)


def locale_display_name(lang: str) -> str:
    return Locale.parse(lang).get_display_name(lang) or lang
