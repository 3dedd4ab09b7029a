"""Screening indexes: persons by name (+ birth date, nationality, sex) and documents by number."""

from taawun.index.documents import DocumentHit, DocumentIndex, normalise_number
from taawun.index.person import Hit, PersonIndex

__all__ = ["DocumentHit", "DocumentIndex", "Hit", "PersonIndex", "normalise_number"]
