"""Error messages carry an untranslated template and its parameters, so that pages can show them in any language
while the API keeps its English sentences.

The source check makes sure that no raise site slips back to an f-string: the catalogue extractor only sees
literal templates, and an f-string would silently show English on Arabic, French and Spanish pages.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pydantic import ValidationError

from taawun.domain.errors import Forbidden, InvalidInput, NotFound
from taawun.domain.messages import Message
from taawun.domain.models import PersonData, TravelDocumentData, VehicleData
from taawun.domain.validation import field_errors
from taawun.web.messages import field_label, translate

SRC = Path(__file__).parents[1] / "src" / "taawun"
ERROR_CLASSES = {"TaawunError", "InvalidInput", "NotAuthenticated", "Forbidden", "NotFound", "Conflict"}
# The plumbing itself, which passes on templates marked elsewhere (N_ tables) or wraps a non-Message text.
PLUMBING = {
    ("domain/errors.py", "str(detail)"),
    ("domain/notices.py", "_KIND_WORDS.get(k, k)"),
    ("access/policy.py", "ROLE_WORDS.get(role, role.value)"),
    ("domain/validation.py", "str(error['msg']).removeprefix('Value error, ').removeprefix('Assertion failed, ')"),
}


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _raise_sites() -> list[tuple[str, int, ast.Call]]:
    sites = []
    for package in ("domain", "access", "services", "web"):
        for path in sorted((SRC / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and (_name(node.func) in ERROR_CLASSES or _name(node.func) == "Message"):
                    sites.append((str(path.relative_to(SRC)), node.lineno, node))
                elif (package == "domain" and isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                      and _name(node.exc.func) == "ValueError"):
                    sites.append((str(path.relative_to(SRC)), node.lineno, node.exc))
    return sites


def test_every_raise_site_gives_a_literal_template() -> None:
    sites = _raise_sites()
    assert len(sites) > 120
    bad = []
    for where, line, call in sites:
        if not call.args or (where, ast.unparse(call.args[0])) in PLUMBING:
            continue
        first = call.args[0]
        literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
        already_translated = isinstance(first, ast.Call) and _name(first.func) == "tr"  # web: in the page's language
        marked = isinstance(first, ast.Call) and _name(first.func) == "Message"  # domain validators
        passed_on = isinstance(first, ast.Starred | ast.Name | ast.Subscript)  # a Message made elsewhere
        if not (literal or already_translated or marked or passed_on):
            bad.append(f"{where}:{line}: {ast.unparse(first)[:80]}")
    assert not bad, "templates must be literals with %(name)s parameters:\n" + "\n".join(bad)


def test_the_api_sentence_stays_english_and_keeps_the_template() -> None:
    exc = NotFound("no record %(id)s", id="r-1")
    assert exc.detail == "no record r-1" and str(exc) == "no record r-1"
    assert isinstance(exc.detail, Message) and exc.detail.template == "no record %(id)s"
    assert translate(exc.detail, "fr") == "aucune fiche r-1"
    assert translate(exc.detail, "en") == "no record r-1"
    assert translate("already translated text", "ar") == "already translated text"
    plain = InvalidInput("nothing to change")  # no parameters: the sentence is the template
    assert translate(plain.detail, "es") == "nada que modificar"


def test_parameters_that_are_messages_are_translated_too() -> None:
    refused = Forbidden("the role %(role)s may not %(action)s", role=Message("frontline officer"),
                        action=Message("manage users"))
    assert refused.detail == "the role frontline officer may not manage users"
    assert translate(refused.detail, "fr") == "le rôle agent de première ligne ne permet pas de gérer les utilisateurs"
    assert "إدارة المستخدمين" in translate(refused.detail, "ar")


def test_model_and_pydantic_errors_are_shown_in_the_page_language() -> None:
    with pytest.raises(ValidationError) as caught:
        VehicleData.model_validate({"make": "Dacia"})
    [error] = field_errors(caught.value)
    assert error["message"] == "a vehicle needs a VIN or a plate"
    assert translate(error["message"], "es") == "un vehículo necesita un número de bastidor (VIN) o una matrícula"

    with pytest.raises(ValidationError) as caught:
        PersonData.model_validate({"names": [{"full": "N" * 400}], "birth_date": "1984-13", "sex": "x"})
    errors = {e["field"]: e["message"] for e in field_errors(caught.value)}
    assert translate(errors["birth_date"], "fr") == "le mois 13 n'existe pas"
    assert translate(errors["names.0.full"], "fr") == "le nom est trop long (300 caractères au maximum)"
    assert translate(errors["sex"], "ar").startswith("يجب أن يكون أحد الخيارات التالية")
    assert " or " not in translate(errors["sex"], "ar")  # pydantic's English "or" is not carried into the list

    with pytest.raises(ValidationError) as caught:
        TravelDocumentData.model_validate({"number": None, "country": "MAR", "document_status": None})
    assert {e["field"]: translate(e["message"], "es") for e in field_errors(caught.value)} == {
        "number": "este campo es obligatorio", "document_status": "este campo es obligatorio"}

    with pytest.raises(ValidationError) as caught:
        PersonData.model_validate({})
    [missing] = field_errors(caught.value)
    assert missing["field"] == "names" and translate(missing["message"], "ar") == "هذا الحقل إلزامي"


def test_field_paths_become_the_form_labels() -> None:
    assert field_label("names.1.full", "fr") == "Noms 2"
    assert field_label("birth_date", "es") == "Fecha de nacimiento"
    assert field_label("plate", "ar") == field_label("plate", "ar") and field_label("plate", "en") == "Number plate"
    assert field_label("checklist.human_rights", "en") == "Human rights respected"
    assert field_label("something.unknown", "fr") == "something.unknown"
    assert field_label(Message("line %(line)s: %(field)s", line=3, field="names"), "es") == "línea 3: names"
