"""Sentences for users that can be shown in any interface language, without the domain knowing about languages.

A `Message` is the English sentence (what the API, the CLI and the logs show) that also keeps its
untranslated template and parameters. The web layer looks the template up in its catalogues and fills in
the parameters, so an Arabic page shows an Arabic sentence, while the model, the gate and the services
stay free of any web or locale dependency. Templates use named ``%(name)s`` placeholders, the gettext
convention, and are marked for the catalogue extractor by the call itself (``Message("...")`` and the
error classes of ``taawun.domain.errors`` are extraction keywords in ``web/i18n/update.py``).
"""

from __future__ import annotations

from typing import Any


class Message(str):
    """An English sentence that remembers the template and parameters it was made from.

    A subclass of ``str`` so that every existing use (JSON bodies, ``in`` checks, logs) keeps working
    unchanged; only a caller that wants another language looks at ``template`` and ``params``.
    """

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Message:
        text = template % params if params else template
        made = super().__new__(cls, text)
        made.template = template
        made.params = params
        return made


def of_exception(exc: BaseException) -> Message | None:
    """The Message an exception was raised with (``raise ValueError(Message(...))``), if any."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, Message) else None


def N_(template: str) -> str:  # noqa: N802 - the conventional name gettext tools look for
    """Mark a template for the catalogue where it is defined; a Message is made from it where it is raised."""
    return template
