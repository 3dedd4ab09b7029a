"""Errors that carry a sentence for the user; the API maps each class to one HTTP status.

The sentence is a `Message`: ``raise NotFound("no record %(id)s", id=record_id)`` gives the API the
English sentence in ``detail`` and gives a page the template and parameters to show it in the reader's
language. Each entry of ``errors`` is a field and a Message in the same way.
"""

from __future__ import annotations

from typing import Any

from taawun.domain.messages import Message


class TaawunError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None, **params: Any) -> None:
        message = detail if isinstance(detail, Message) and not params else Message(str(detail), **params)
        super().__init__(message)
        self.detail: str = message
        self.errors = errors or []


class InvalidInput(TaawunError):
    status = 422
    title = "Invalid input"


class NotAuthenticated(TaawunError):
    status = 401
    title = "Not authenticated"


class Forbidden(TaawunError):
    status = 403
    title = "Forbidden"


class NotFound(TaawunError):
    """Also what a caller gets for a record it may not see, so that hidden records stay deniable."""

    status = 404
    title = "Not found"


class Conflict(TaawunError):
    status = 409
    title = "Conflict"
