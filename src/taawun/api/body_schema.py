"""OpenAPI schemas for request bodies that a route reads itself (raw bytes, CSV or JSON).

Such routes declare their body by hand; the schema must point at shared component schemas, never at a name that
does not exist. A model only such routes read (no route declares it as a body) would otherwise be missing from
the document's components, so the models and nested models named here are added to them (`install`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

_COMPONENTS = "#/components/schemas/"
_declared: dict[str, dict[str, Any]] = {}  # component name -> schema, for every model named by the two below


def component_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with its nested models referenced under #/components/schemas."""
    schema = model.model_json_schema(ref_template=_COMPONENTS + "{model}")
    _declared.update(schema.pop("$defs", {}))
    return schema


def component_ref(model: type[BaseModel]) -> dict[str, Any]:
    """A reference to the model's own component schema."""
    _declared[model.__name__] = component_schema(model)
    return {"$ref": _COMPONENTS + model.__name__}


def install(app: FastAPI) -> None:
    """Add the hand-declared bodies' models to the OpenAPI components (FastAPI's own schema wins for a name it
    already has)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = generate()
            schemas = doc.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in _declared.items():
                schemas.setdefault(name, schema)
        return app.openapi_schema or generate()

    app.openapi = openapi  # type: ignore[method-assign]
