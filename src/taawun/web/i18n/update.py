"""Refresh the catalogues after changing page text: extract the message ids, merge them into each .po.

    .venv/bin/python src/taawun/web/i18n/update.py

New ids arrive untranslated (empty msgstr) in ar, fr and es; tests/web/test_i18n.py fails until
they are translated, so no page ships with English words in an Arabic layout.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
WEB = HERE.parent
LANGS = ("ar", "en", "fr", "es")


def main() -> None:
    pot = HERE / "messages.pot"
    bin_dir = Path(sys.executable).parent
    subprocess.run([bin_dir / "pybabel", "extract", "-F", HERE / "babel.cfg", "-k", "N_", "-k", "tr:2",
                    "--no-location", "--sort-output", "--omit-header", "-o", pot, WEB], check=True)
    for lang in LANGS:
        po = HERE / lang / "LC_MESSAGES" / "messages.po"
        if po.exists():
            subprocess.run([bin_dir / "pybabel", "update", "-i", pot, "-o", po, "-l", lang, "--no-location",
                            "--omit-header", "--no-fuzzy-matching", "--ignore-obsolete"], check=True)
        else:
            po.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([bin_dir / "pybabel", "init", "-i", pot, "-o", po, "-l", lang], check=True)


if __name__ == "__main__":
    main()
