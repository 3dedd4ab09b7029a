"""Field errors from a pydantic ValidationError, each with a Message a page can show in its own language.

Pydantic words its built-in errors in English only ("Field required", "String should have at most 3
characters"). A form can trigger those as easily as the model's own rules (an empty required field, a
name that is too long, "31/02" typed as a date), so each type a user can reach has a template here with
pydantic's context values as parameters. Errors raised by the model's validators carry their Message
(``raise ValueError(Message(...))``), which is used as it is.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from taawun.domain.messages import N_, Message, of_exception

_REQUIRED = N_("this field is required")
_NOT_A_DATE = N_("is not a date of the form YYYY-MM-DD")
_NOT_A_NUMBER = N_("must be a whole number")
_NOT_AN_OBJECT = N_("must be an object with named fields")
_NOT_AN_ID = N_("is not a valid identifier (UUID)")

_TEMPLATES: dict[str, str] = {
    "missing": _REQUIRED,
    "extra_forbidden": N_("this field is not expected here"),
    "string_too_long": N_("at most %(max_length)s characters"),
    "string_too_short": N_("at least %(min_length)s characters"),
    "too_long": N_("at most %(max_length)s entries"),
    "too_short": N_("at least %(min_length)s entries"),
    "string_type": N_("must be text"),
    "string_pattern_mismatch": N_("does not have the expected form"),
    "list_type": N_("must be a list"),
    "model_type": _NOT_AN_OBJECT,
    "model_attributes_type": _NOT_AN_OBJECT,
    "dict_type": _NOT_AN_OBJECT,
    "int_type": _NOT_A_NUMBER,
    "int_parsing": _NOT_A_NUMBER,
    "int_from_float": _NOT_A_NUMBER,
    "float_type": N_("must be a number"),
    "float_parsing": "must be a number",
    "bool_type": N_("must be true or false"),
    "bool_parsing": "must be true or false",
    "greater_than_equal": N_("must be at least %(ge)s"),
    "less_than_equal": N_("must be at most %(le)s"),
    "greater_than": N_("must be more than %(gt)s"),
    "less_than": N_("must be less than %(lt)s"),
    "enum": N_("must be one of %(expected)s"),
    "literal_error": "must be one of %(expected)s",
    "date_type": _NOT_A_DATE,
    "date_parsing": _NOT_A_DATE,
    "date_from_datetime_parsing": _NOT_A_DATE,
    "date_from_datetime_inexact": _NOT_A_DATE,
    "datetime_type": N_("is not a date and time"),
    "datetime_parsing": "is not a date and time",
    "uuid_type": _NOT_AN_ID,
    "uuid_parsing": _NOT_AN_ID,
    "union_tag_invalid": N_("must be one of %(expected_tags)s"),
    "union_tag_not_found": N_("needs the field %(discriminator)s"),
    "json_invalid": N_("is not valid JSON"),
}
_UNKNOWN = N_("this value is not valid")
# Types pydantic reports when a required field is given as null: for a person filling in a form, it is missing.
_ON_NOTHING = frozenset({"string_type", "enum", "literal_error", "int_type", "float_type", "bool_type", "date_type",
                         "uuid_type", "list_type", "model_type", "dict_type", "datetime_type"})


def _params(template: str, ctx: dict[str, Any]) -> dict[str, Any]:
    """The context values the template names; pydantic's "'a' or 'b'" lists lose their English "or"."""
    params = {}
    for key, value in ctx.items():
        if f"%({key})s" in template:
            params[key] = str(value).replace(" or ", ", ") if key in ("expected", "expected_tags") else value
    return params


def message_of(error: ErrorDetails) -> Message:
    """The Message for one entry of ``ValidationError.errors()``."""
    ctx = error.get("ctx") or {}
    if error["type"] in ("value_error", "assertion_error"):
        raised = ctx.get("error")
        found = of_exception(raised) if isinstance(raised, BaseException) else None
        return found or Message(str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, "))
    if error.get("input", "") is None and error["type"] in _ON_NOTHING:  # a form sends an empty field as None
        return Message(_REQUIRED)
    template = _TEMPLATES.get(error["type"], _UNKNOWN)
    return Message(template, **_params(template, ctx))


def field_errors(exc: ValidationError, prefix: str = "") -> list[dict[str, str]]:
    """``[{"field": "names.0.full", "message": Message}]`` for every error pydantic found."""
    return [{"field": prefix + ".".join(str(p) for p in err["loc"]), "message": message_of(err)}
            for err in exc.errors()]
