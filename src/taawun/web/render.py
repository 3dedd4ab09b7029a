"""Rendering pages: one Jinja environment per language, and the context every page shares.

One environment per language (four, built once) keeps gettext per request without shared mutable
state between threads. Templates are autoescaped; record data is only ever inserted as text.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from taawun.access.actor import Actor
from taawun.web import i18n, messages, names, pages, vocab
from taawun.web.security import CSRF_FIELD, PRE_COOKIE, csrf_token, set_cookie


@cache
def environment(lang: str) -> Environment:
    env = Environment(loader=PackageLoader("taawun.web", "templates"), autoescape=select_autoescape(["html"]),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update({
        "when": lambda v: i18n.format_when(v, lang),
        "day": lambda v: i18n.format_day(v, lang),
        "number": lambda v: i18n.format_number(v, lang),
        "org": lambda v: i18n.organisation_name(v, lang),
        "region": lambda v: i18n.region_name(v, lang),
        "percent": lambda v: i18n.format_number(round(float(v) * 100), lang) + "%",
        "msg": lambda v: messages.translate(v, lang),
        "field": lambda v: messages.field_label(v, lang),
    })
    env.globals.update({"person_names": names.display, "name_html": names.html, "languages": i18n.LANGUAGES,
                        "native_names": i18n.NATIVE_NAMES, "csrf_field": CSRF_FIELD, **vocab.ALL})
    return env


def lang_of(request: Request) -> str:
    lang: str = getattr(request.state, "lang", i18n.DEFAULT)
    return lang


def actor_of(request: Request) -> Actor | None:
    return getattr(request.state, "web_actor", None)


def tr(request: Request, message: str, **params: Any) -> str:
    text = i18n.translations(lang_of(request)).gettext(message)
    return text % params if params else text


def render(request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    lang = lang_of(request)
    actor = actor_of(request)
    token = csrf_token(request)
    values = {
        "request": request,
        "lang": lang,
        "dir": i18n.direction(lang),
        "rtl": lang in i18n.RTL,
        "actor": actor,
        "nav": pages.nav_for(actor),
        "badges": getattr(request.state, "badges", {}) if actor else {},
        "csrf": token,
        "csrf_input": Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">'),
        "here": request.url.path,
    }
    values.update(context or {})
    html = environment(lang).get_template(template).render(values)
    response = HTMLResponse(html, status_code=status)
    new_pre = getattr(request.state, "new_pre_csrf", None)
    if new_pre:
        set_cookie(request, response, PRE_COOKIE, new_pre)
    return response
