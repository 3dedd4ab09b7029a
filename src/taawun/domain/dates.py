"""Partial dates: police records often know only a birth year, or a year and a month."""

from __future__ import annotations

import datetime as dt
import re

from taawun.domain.messages import Message

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class PartialDateError(ValueError):
    pass


def parse_partial_date(value: str) -> tuple[int, int | None, int | None]:
    """Split ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into parts, refusing impossible dates."""
    match = _PARTIAL.match(value.strip())
    if not match:
        raise PartialDateError(Message("'%(value)s' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD",
                                       value=value[:40]))
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if year < 1800 or year > 2200:
        raise PartialDateError(Message("year %(year)s is out of range (1800-2200)", year=year))
    if month is not None and not 1 <= month <= 12:
        raise PartialDateError(Message("month %(month)s does not exist", month=f"{month:02d}"))
    if day is not None:
        assert month is not None
        try:
            dt.date(year, month, day)
        except ValueError:
            raise PartialDateError(Message("%(value)s is not a real calendar date", value=value)) from None
    return year, month, day


def normalise_partial_date(value: str) -> str:
    year, month, day = parse_partial_date(value)
    out = f"{year:04d}"
    if month is not None:
        out += f"-{month:02d}"
    if day is not None:
        out += f"-{day:02d}"
    return out


def partial_date_is_future(value: str, today: dt.date | None = None) -> bool:
    year, month, day = parse_partial_date(value)
    today = today or dt.date.today()
    return (year, month or 1, day or 1) > (today.year, today.month, today.day)
