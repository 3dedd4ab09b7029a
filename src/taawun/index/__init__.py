"""Screening indexes: persons by name (+ birth date, nationality, sex) and documents by number."""

from taawun.compiled import use_compiled

use_compiled(__name__, __path__)  # first: the compiled modules, when built from these sources

from taawun.index.documents import DocumentHit, DocumentIndex, normalise_number  # noqa: E402
from taawun.index.person import Hit, PersonIndex  # noqa: E402

__all__ = ["DocumentHit", "DocumentIndex", "Hit", "PersonIndex", "normalise_number"]
