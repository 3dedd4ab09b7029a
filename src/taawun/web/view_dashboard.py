"""The start page: what matters to each role, in numbers and two small charts.

Everything comes through the same gate functions as the API (inbox, record search, audit trail),
so the figures are exactly what the user may see, and reading them is audited like any other read.
There is no aggregate query in the gate yet, so record figures are taken over the newest records
the user can see (SAMPLE), and the page says so rather than presenting them as totals.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from fastapi import APIRouter, Request, Response

from taawun.access import audit_view
from taawun.access import screening as screening_gate
from taawun.access.actor import Actor
from taawun.access.policy import allowed
from taawun.services import records as record_service
from taawun.web import accounts, charts, vocab
from taawun.web.i18n import N_
from taawun.web.pages import Page, register
from taawun.web.render import lang_of, render, tr
from taawun.web.routing import WebActor, WebRoute, begin

router = APIRouter(route_class=WebRoute)
register(Page("dashboard", "/dashboard", N_("Overview"), order=10))

SAMPLE = 300
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
        items, unread = screening_gate.inbox(conn, actor, unread_only=False, limit=500, before_seq=None)
        out["stats"].append((unread, tr(request, "unread notifications"), "/inbox"))
        hits = [n["at"] for n in items if n["type"] == "hit"]
        if allowed(actor, "read") or hits:
            counts = _per_day(hits, today)
            title = tr(request, "Hits on our records, last %(days)s days", days=DAYS)
            out["charts"].append({"title": title, "svg": charts.per_day(counts, DAYS, today, title, lang, rtl),
                                  "rows": [(d.isoformat(), n) for d, n in sorted(counts.items())], "dates": True})
        if allowed(actor, "read"):
            rows, _ = record_service.search(conn, actor, limit=SAMPLE)
            own = sum(1 for r in rows if r.owner == actor.org_code)
            out["stats"].append((len(rows), tr(request, "newest records you can see (up to %(n)s)", n=SAMPLE),
                                 "/records"))
            out["stats"].append((own, tr(request, "of them are your organisation's"), None))
            areas = Counter(a for r in rows for a in r.crime_areas)
            items_ = [(tr(request, vocab.CRIME_AREAS.get(a, a)), n) for a, n in areas.most_common()]
            title = tr(request, "Records by crime area (newest %(n)s you can see)", n=SAMPLE)
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
