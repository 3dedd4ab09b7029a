"""The start page: what matters to each role, in numbers and two small charts.

Every figure comes through the gate (access/statistics.py for counts, the inbox and the audit trail
as in the API), so it counts exactly what the user may see, and reading it is audited like any other
read: a record hidden from the viewer adds nothing to any number or bar.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from fastapi import APIRouter, Request, Response

from taawun.access import audit_view, statistics
from taawun.access import screening as screening_gate
from taawun.access.actor import Actor
from taawun.access.policy import allowed
from taawun.web import accounts, charts, vocab
from taawun.web.i18n import N_
from taawun.web.pages import Page, register
from taawun.web.render import lang_of, render, tr
from taawun.web.routing import WebActor, WebRoute, begin

router = APIRouter(route_class=WebRoute)
register(Page("dashboard", "/dashboard", N_("Overview"), order=10))

DAYS = 30


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def _per_day(moments: list[Any], today: dt.date) -> dict[dt.date, int]:
    first = today - dt.timedelta(days=DAYS - 1)
    return dict(Counter(d for d in map(_day, moments) if first <= d <= today))


def _figures(request: Request, actor: Actor) -> dict[str, Any]:
    lang, rtl = lang_of(request), lang_of(request) == "ar"
    today = dt.datetime.now(dt.UTC).date()
    out: dict[str, Any] = {"stats": [], "charts": []}
    with begin(request) as conn:
        out["stats"].append((screening_gate.unread_count(conn, actor), tr(request, "unread notifications"), "/inbox"))
        if allowed(actor, "read"):
            counts = statistics.hits_per_day(conn, actor, today - dt.timedelta(days=DAYS - 1))
            title = tr(request, "Hits on our records, last %(days)s days", days=DAYS)
            out["charts"].append({"title": title, "svg": charts.per_day(counts, DAYS, today, title, lang, rtl),
                                  "rows": [(d.isoformat(), n) for d, n in sorted(counts.items())], "dates": True})
            figures = statistics.record_counts(conn, actor)
            out["stats"].append((figures.visible, tr(request, "active records you can see"), "/records"))
            out["stats"].append((figures.own, tr(request, "of them are your organisation's"), None))
            areas = sorted(figures.by_crime_area.items(), key=lambda item: (-item[1], item[0]))
            items_ = [(tr(request, vocab.CRIME_AREAS.get(a, a)), n) for a, n in areas]
            title = tr(request, "Records you can see, by crime area")
            out["charts"].append({"title": title, "svg": charts.bars(items_, title, lang, rtl), "rows": items_,
                                  "dates": False})
        if allowed(actor, "manage_users"):
            users = accounts.users_of_own_organisation(conn, actor)
            out["stats"].append((sum(1 for u in users if u["active"]), tr(request, "active user accounts"),
                                 "/admin/users"))
        if allowed(actor, "read_audit") and actor.role.value in ("admin", "reviewer"):
            trail = audit_view.trail(conn, actor, limit=1000)
            counts = _per_day([e["at"] for e in trail], today)
            title = tr(request, "Audit trail entries, last %(days)s days", days=DAYS)
            out["charts"].append({"title": title, "svg": charts.per_day(counts, DAYS, today, title, lang, rtl),
                                  "rows": [(d.isoformat(), n) for d, n in sorted(counts.items())], "dates": True})
    return out


@router.get("/dashboard")
def dashboard(request: Request, actor: WebActor) -> Response:
    return render(request, "dashboard.html", {"can_screen": allowed(actor, "screen"),
                                              "can_write": allowed(actor, "write"), **_figures(request, actor)})
