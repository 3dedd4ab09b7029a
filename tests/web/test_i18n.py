"""The catalogues: every page string is in the template catalogue, and translated in ar, fr and es."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from taawun.web import i18n

WEB = Path(i18n.__file__).parent
SRC = WEB.parent
KEYWORDS = {"_": None, "gettext": None, "N_": None, "tr": (2,), "Message": None,
            **dict.fromkeys(("TaawunError", "InvalidInput", "NotAuthenticated", "Forbidden", "NotFound", "Conflict"))}


def _source_ids() -> set[str]:
    """Extracted here independently of update.py: the pages, and the messages of the layers below them."""
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    ids = set()
    for source in (WEB, SRC / "domain", SRC / "access", SRC / "services"):
        found = extract_from_dir(str(source), method_map, options, keywords=KEYWORDS)  # type: ignore[arg-type]
        ids |= {msg[2] if isinstance(msg[2], str) else msg[2][0] for msg in found}
    return ids


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


def test_update_script_runs_and_leaves_translated_catalogues_unchanged(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The one refresh command works with the installed Babel, and on up-to-date catalogues changes nothing."""
    import importlib.util
    import shutil

    spec = importlib.util.spec_from_file_location("i18n_update", WEB / "i18n" / "update.py")
    assert spec and spec.loader
    update = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(update)
    assert {m.id for m in update.extract() if m.id} == set(_catalogue("en"))
    copy = tmp_path / "i18n"
    shutil.copytree(WEB / "i18n", copy)
    monkeypatch.setattr(update, "HERE", copy)
    update.main()
    for lang in ("ar", "en", "fr", "es"):
        rel = Path(lang) / "LC_MESSAGES" / "messages.po"

        def body(root: Path, rel: Path = rel) -> list[str]:
            return [line for line in (root / rel).read_text().splitlines() if "POT-Creation-Date" not in line]

        assert body(copy) == body(WEB / "i18n"), lang
