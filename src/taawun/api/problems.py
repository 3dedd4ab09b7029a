"""RFC 9457 problem responses for every error, so clients handle one error shape."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from taawun.domain.errors import TaawunError

log = logging.getLogger("taawun.api")

_TITLES = {400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found",
           405: "Method not allowed", 409: "Conflict", 413: "Request too large", 415: "Unsupported media type",
           422: "Invalid input", 429: "Too many requests", 500: "Internal error"}


def problem(status: int, detail: str, errors: list[dict[str, str]] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    title = _TITLES.get(status, "Error")
    body: dict[str, Any] = {"type": f"/problems/{title.lower().replace(' ', '-')}", "title": title,
                            "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "form"):
        parts = parts[1:]
    # Discriminated unions add the tag ("person", or "function-after[...]" for models with validators)
    # to the path: drop it, the client did not write it.
    return ".".join(p for p in parts if p not in _UNION_TAGS and not p.startswith("function-")) or "body"


_UNION_TAGS = {"person", "travel_document", "vehicle", "firearm", "organisation", "case", "link"}


def install(app: FastAPI) -> None:
    @app.exception_handler(TaawunError)
    async def _taawun(_request: Request, exc: TaawunError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return problem(exc.status, exc.detail, exc.errors, headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for err in exc.errors():
            if err.get("type") == "json_invalid":
                return problem(400, "the request body is not valid JSON",
                               [{"field": "body", "message": str(err.get("ctx", {}).get("error", "malformed"))}])
            message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
            loc = tuple(err.get("loc", ()))
            if err.get("type") in ("union_tag_invalid", "union_tag_not_found"):
                loc = (*loc, "kind")  # the record kind is missing or unknown
            errors.append({"field": _field(loc), "message": message})
        first = errors[0] if errors else {"field": "body", "message": "invalid"}
        return problem(422, f"{first['field']}: {first['message']}", errors[:100])

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        errors = [{"field": "body", "message": str(exc.detail)}] if exc.status_code == 400 else None
        return problem(exc.status_code, str(exc.detail), errors, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "internal error; the operators have the details in the server log")
