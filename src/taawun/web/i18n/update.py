"""Refresh the catalogues after changing page text: extract the message ids, merge them into each .po.

    .venv/bin/python src/taawun/web/i18n/update.py

One command, through Babel's Python API rather than the `pybabel` command line, whose options
change between Babel releases (2.17 refused `update --no-location`). New ids arrive untranslated
(empty msgstr) in ar, fr and es; tests/web/test_i18n.py fails until they are translated, so no
page ships with English words in an Arabic layout. Ids no longer in the source are dropped.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).parent
WEB = HERE.parent
# The pages, and the layers whose error messages pages show (domain/messages.py: a Message keeps its template).
SOURCES = (WEB, WEB.parent / "domain", WEB.parent / "access", WEB.parent / "services")
LANGS = ("ar", "en", "fr", "es")
METHOD_MAP = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
# The error classes are keywords too: ``raise NotFound("no record %(id)s", id=...)`` marks its own template.
ERROR_CLASSES = ("TaawunError", "InvalidInput", "NotAuthenticated", "Forbidden", "NotFound", "Conflict")
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "tr": (2,), "Message": None, **dict.fromkeys(ERROR_CLASSES)}
_WRITE = {"no_location": True, "sort_output": True, "ignore_obsolete": True, "width": 120}


def extract() -> Catalog:
    """Every message id in the templates, the Python modules of taawun.web, and the messages of the lower layers."""
    template = Catalog(project="Taawun", version="0.1.0", fuzzy=False)
    for source in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
                str(source), METHOD_MAP, OPTIONS, keywords=KEYWORDS):  # type: ignore[arg-type]
            template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _header(lang: str) -> str:
    return (f"# Taawun web interface: {lang} catalogue. Source of truth for the pages' {lang} text;\n"
            "# compiled in memory at start-up (taawun/web/i18n.py). Refresh with src/taawun/web/i18n/update.py.")


def update(template: Catalog, lang: str) -> int:
    """Merge ``template`` into the ``lang`` catalogue; returns how many of its ids are untranslated."""
    path = HERE / lang / "LC_MESSAGES" / "messages.po"
    if path.exists():
        with open(path, "rb") as fh:
            catalog = read_po(fh, locale=lang)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=lang, project="Taawun", version="0.1.0", fuzzy=False)
    catalog.header_comment = _header(lang)
    created = catalog.creation_date  # Catalog.update stamps "now": a run that changes nothing must change nothing
    catalog.update(template, no_fuzzy_matching=True)
    catalog.creation_date = created
    catalog.obsolete.clear()
    with open(path, "wb") as fh:
        write_po(fh, catalog, **_WRITE)  # type: ignore[arg-type]
    return sum(1 for m in catalog if m.id and not m.string)


def main() -> None:
    template = extract()
    with open(HERE / "messages.pot", "wb") as fh:
        write_po(fh, template, omit_header=True, **_WRITE)  # type: ignore[arg-type]
    for lang in LANGS:
        missing = update(template, lang)
        note = "" if lang == "en" or not missing else f": {missing} to translate"
        print(f"{lang}: {len(template)} messages{note}")


if __name__ == "__main__":
    main()
