"""Counts for the dashboards, taken only over what the viewer may see, and audited like any read.

The record counts use the same SQL visibility condition as searches (policy.visible_clause, which
property tests hold equal to can_see), so a record hidden from the viewer adds nothing to any
figure: a count is information too (a restricted record in a rare crime area would show up as a
bar otherwise). Hits are counted only on the viewer's own organisation's records, which are its
own to know (the same hits arrive in its inbox).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Connection, and_

from taawun.access import audit
from taawun.access.actor import Actor
from taawun.access.policy import live_clause, require, visible_clause
from taawun.store import statistics as store
from taawun.store.tables import records


@dataclass(frozen=True)
class RecordCounts:
    visible: int  # active records (not links) the viewer may see
    own: int  # of them, the viewer's organisation's
    by_crime_area: dict[str, int]


def record_counts(conn: Connection, actor: Actor) -> RecordCounts:
    require(actor, "read")
    seen = and_(visible_clause(actor), live_clause(), records.c.kind != "link")
    counts = RecordCounts(visible=store.count_records(conn, seen),
                          own=store.count_records(conn, and_(seen, records.c.owner == actor.org_code)),
                          by_crime_area=store.count_by_crime_area(conn, seen))
    audit.record(conn, actor, "stats.records", None, visible=counts.visible, own=counts.own)
    return counts


def hits_per_day(conn: Connection, actor: Actor, first: dt.date) -> dict[dt.date, int]:
    """Hits on the viewer's organisation's records per day (UTC), from ``first`` on."""
    require(actor, "read")
    since = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    moments = store.hit_times(conn, actor.org_code, since)
    counts = Counter((m if m.tzinfo else m.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).date() for m in moments)
    audit.record(conn, actor, "stats.hits", None, since=first.isoformat(), total=sum(counts.values()))
    return dict(counts)
