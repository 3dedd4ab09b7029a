"""Showing names in the script they were recorded in, with the other script beside when known.

A record's names carry their script (ISO 15924, detected when not given). The first name is shown
as recorded; the first name in another script (Arabic beside Latin or the reverse) is shown next
to it, so an officer who reads only one of the two scripts still recognises the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from taawun.domain.text import detect_script

_LANG_OF_SCRIPT = {"Arab": "ar"}


@dataclass(frozen=True)
class ShownName:
    text: str
    script: str

    @property
    def lang(self) -> str | None:
        return _LANG_OF_SCRIPT.get(self.script)


def _entries(names: Any) -> list[ShownName]:
    out = []
    for entry in names or []:
        if isinstance(entry, dict):
            full = str(entry.get("full") or "")
            script = str(entry.get("script") or detect_script(full))
        else:
            full, script = str(entry), detect_script(str(entry))
        if full:
            out.append(ShownName(full, script))
    return out


def display(names: Any) -> tuple[ShownName | None, ShownName | None]:
    """The name as recorded, and the first one in another script (or None)."""
    entries = _entries(names)
    if not entries:
        return None, None
    first = entries[0]
    other = next((e for e in entries[1:] if e.script != first.script), None)
    return first, other


def _span(name: ShownName, css: str) -> str:
    lang = f' lang="{name.lang}"' if name.lang else ""
    return f'<bdi class="{css}" dir="auto"{lang}>{escape(name.text)}</bdi>'


def html(names: Any) -> Markup:
    """Markup for a list cell: the recorded name, then the other script in a quieter style."""
    first, other = display(names)
    if first is None:
        return Markup("")
    out = _span(first, "name")
    if other is not None:
        out += " " + _span(other, "name-other")
    return Markup(out)
