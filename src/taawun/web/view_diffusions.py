"""Diffusions: send one about a record, the list of those sent and received, one with its replies.

The pages validate with the API's own request models and call services.diffusions, so the same
gate decides: a record or a diffusion the user may not see is a 404 page, a record under H2 can be
sent on only by its owner, and a recipient that the owner does not share the record with is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from taawun.access.actor import Actor
from taawun.access.policy import allowed, require
from taawun.api.routes_diffusions import DiffusionIn, ReplyIn, WithdrawIn
from taawun.domain import world
from taawun.domain.errors import Forbidden, InvalidInput
from taawun.services import diffusions as svc
from taawun.services import records as record_svc
from taawun.web import forms
from taawun.web.i18n import N_
from taawun.web.pages import Page, can, register
from taawun.web.render import render
from taawun.web.routing import WebActor, WebRoute, begin

M = TypeVar("M", bound=BaseModel)

router = APIRouter(route_class=WebRoute)
register(Page("diffusions", "/diffusions", N_("Diffusions"), order=36, allowed=can("read")))
LIMIT = 200


def _errors(exc: ValidationError) -> list[dict[str, str]]:
    return record_svc.validation_errors(exc)


@router.get("/diffusions")
def diffusions_page(request: Request, actor: WebActor) -> Response:
    with begin(request) as conn:
        rows = svc.find(conn, actor, LIMIT)
    return render(request, "diffusions_list.html", {"rows": rows})


def _form(request: Request, actor: Actor, values: dict[str, Any], errors: list[dict[str, str]] | None = None,
          status: int = 200) -> Response:
    with begin(request) as conn:
        row = record_svc.get(conn, actor, values["record_id"])  # the gate: a hidden record is a 404 page
    return render(request, "diffusion_form.html", {"values": values, "row": row, "errors": errors or [],
                                                   "regions": sorted(world.REGION_NAMES)}, status=status)


@router.get("/diffusions/new")
def new_diffusion(request: Request, actor: WebActor) -> Response:
    require(actor, "write")
    values = {"record_id": request.query_params.get("record", ""), "request": "information", "message": "",
              "members": "", "regions": []}
    return _form(request, actor, values)


def _send(request: Request, actor: Actor, values: dict[str, Any]) -> Response:
    body = {"record_id": values["record_id"], "request": values["request"], "message": values["message"] or None,
            "members": forms.codes(values["members"]), "regions": values["regions"]}
    try:
        sent = DiffusionIn.model_validate(body)
        with begin(request) as conn:
            out = svc.send(conn, actor, sent.record_id, sent.request, sent.message, sent.members, sent.regions)
    except ValidationError as exc:
        return _form(request, actor, values, _errors(exc), status=422)
    except (InvalidInput, Forbidden) as exc:  # Forbidden: H2, said in words next to the form
        return _form(request, actor, values, [{"field": "", "message": exc.detail}], status=exc.status)
    return RedirectResponse(f"/diffusions/{out['id']}", status_code=303)


@router.post("/diffusions/new")
async def send_diffusion(request: Request, actor: WebActor) -> Response:
    require(actor, "write")
    form = await request.form()
    values: dict[str, Any] = {key: forms.one(form, key) for key in ("record_id", "request", "message", "members")}
    values["regions"] = [v for v in form.getlist("regions") if isinstance(v, str)]
    return await run_in_threadpool(_send, request, actor, values)


def _view(request: Request, actor: Actor, diffusion_id: str, errors: list[dict[str, str]] | None = None,
          status: int = 200) -> Response:
    with begin(request) as conn:
        item = svc.get(conn, actor, diffusion_id)
    active = item["status"] == "active"
    return render(request, "diffusion_view.html", {
        "d": item, "errors": errors or [],
        "may_reply": active and item["direction"] == "received" and allowed(actor, "write"),
        "may_withdraw": active and item["direction"] == "sent" and actor.role.value == "officer"}, status=status)


@router.get("/diffusions/{diffusion_id}")
def diffusion_page(request: Request, actor: WebActor, diffusion_id: str) -> Response:
    return _view(request, actor, diffusion_id)


def _answer(request: Request, actor: Actor, diffusion_id: str, model: type[M], data: dict[str, Any],
            act: Callable[[Connection, M], object]) -> Response:
    """Validate a form on a diffusion's page with the API's model, act, and return to the page."""
    try:
        body = model.model_validate(data)
    except ValidationError as exc:
        return _view(request, actor, diffusion_id, _errors(exc), status=422)
    with begin(request) as conn:
        act(conn, body)
    return RedirectResponse(f"/diffusions/{diffusion_id}", status_code=303)


def _reply(request: Request, actor: Actor, diffusion_id: str, text: str) -> Response:
    return _answer(request, actor, diffusion_id, ReplyIn, {"text": text},
                   lambda conn, body: svc.reply(conn, actor, diffusion_id, body.text))


@router.post("/diffusions/{diffusion_id}/reply")
async def reply(request: Request, actor: WebActor, diffusion_id: str) -> Response:
    text = forms.one(await request.form(), "text")
    return await run_in_threadpool(_reply, request, actor, diffusion_id, text)


def _withdraw(request: Request, actor: Actor, diffusion_id: str, reason: str) -> Response:
    return _answer(request, actor, diffusion_id, WithdrawIn, {"reason": reason or None},
                   lambda conn, body: svc.withdraw(conn, actor, diffusion_id, body.reason))


@router.post("/diffusions/{diffusion_id}/withdraw")
async def withdraw(request: Request, actor: WebActor, diffusion_id: str) -> Response:
    reason = forms.one(await request.form(), "reason")
    return await run_in_threadpool(_withdraw, request, actor, diffusion_id, reason)
