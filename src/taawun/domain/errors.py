"""Errors that carry a sentence for the user; the API maps each class to one HTTP status."""

from __future__ import annotations


class TaawunError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
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
