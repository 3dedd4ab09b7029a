"""OpenAPI schemas for request bodies that a route reads itself (raw bytes, CSV or JSON).

Such routes declare their body by hand; the schema must point at the shared component schemas
(which the other routes' models already put there), never at a name that does not exist.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def component_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with its nested models referenced under #/components/schemas."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    return schema
