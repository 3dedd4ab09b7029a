"""The catalogues: every page string is in the template catalogue, and translated in ar, fr and es."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from taawun.web import i18n

WEB = Path(i18n.__file__).parent
KEYWORDS = {"_": None, "gettext": None, "N_": None, "tr": (2,)}


def _source_ids() -> set[str]:
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = extract_from_dir(str(WEB), method_map, options, keywords=KEYWORDS)  # type: ignore[arg-type]
    return {msg[2] if isinstance(msg[2], str) else msg[2][0] for msg in found}


def _catalogue(lang: str) -> dict[str, str]:
    path = WEB / "i18n" / lang / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as fh:
        return {m.id: m.string for m in read_po(fh, locale=lang) if m.id and isinstance(m.id, str)}


def test_every_page_string_is_in_the_catalogues() -> None:
    missing = _source_ids() - set(_catalogue("en"))
    assert not missing, f"run src/taawun/web/i18n/update.py and translate: {sorted(missing)[:10]}"


@pytest.mark.parametrize("lang", ["ar", "fr", "es"])
def test_catalogue_is_complete_and_keeps_placeholders(lang: str) -> None:
    import re

    catalogue = _catalogue(lang)
    assert set(catalogue) == set(_catalogue("en"))
    untranslated = [k for k, v in catalogue.items() if not v]
    assert not untranslated, untranslated[:10]
    for msgid, text in catalogue.items():
        assert set(re.findall(r"%\(\w+\)s", msgid)) == set(re.findall(r"%\(\w+\)s", text)), (lang, msgid)


def test_catalogues_compile_in_memory() -> None:
    assert i18n.translations("ar").gettext("Sign in") == "تسجيل الدخول"
    assert i18n.translations("xx").gettext("Sign in") == "Sign in"


def test_locale_formatting() -> None:
    import datetime as dt

    assert i18n.format_day("1984-07", "fr") == "juil. 1984"
    assert i18n.format_day("1984", "en") == "1984"
    assert i18n.format_number(12345, "en") == "12,345"
    assert i18n.format_number(12345, "fr") != "12,345"
    assert i18n.format_when(dt.datetime(2025, 1, 2, 3, 4, tzinfo=dt.UTC), "en").endswith("UTC")
    assert i18n.pick(None, None, "de-DE,es;q=0.8") == "es" and i18n.pick("xx", "ar", None) == "ar"
