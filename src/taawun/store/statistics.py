"""Counting queries for dashboards. The caller (access/statistics.py) supplies the visibility condition."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Connection, func, select

from taawun.store.tables import hits, record_crime_areas, records


def count_records(conn: Connection, where: ColumnElement[bool]) -> int:
    return int(conn.execute(select(func.count()).select_from(records).where(where)).scalar_one())


def count_by_crime_area(conn: Connection, where: ColumnElement[bool]) -> dict[str, int]:
    query = (select(record_crime_areas.c.crime_area, func.count())
             .select_from(records.join(record_crime_areas, record_crime_areas.c.record_id == records.c.id))
             .where(where).group_by(record_crime_areas.c.crime_area))
    return {str(area): int(n) for area, n in conn.execute(query)}


def hit_times(conn: Connection, record_owner: str, since: dt.datetime) -> list[dt.datetime]:
    """When the owner's records were hit since ``since`` (the dashboard counts them per day)."""
    query = select(hits.c.at).where(hits.c.record_owner == record_owner, hits.c.at >= since)
    return [row[0] for row in conn.execute(query)]
