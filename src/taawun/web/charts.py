"""Small charts drawn on the server as inline SVG: no chart library and no script in the page.

Colours come from CSS classes (inline style attributes would break the Content-Security-Policy).
For right-to-left pages the drawing is mirrored (labels on the right, bars and time running
leftwards), like the rest of the layout. Each chart has a title for screen readers and the page
also offers the same numbers as a table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup, escape

from taawun.web.i18n import format_day, format_number


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    return Markup(f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
                  f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
                  f'<title>{escape(title)}</title>{"".join(body)}</svg>')


def bars(items: Sequence[tuple[str, int]], title: str, lang: str, rtl: bool = False) -> Markup:
    """Horizontal bars, one per labelled count (e.g. records by crime area)."""
    width, label_w, row_h, value_w = 600, 190, 26, 50
    height = max(row_h, row_h * len(items)) + 8
    top = max((v for _, v in items), default=0) or 1
    span = width - label_w - value_w
    body = []
    for i, (label, value) in enumerate(items):
        y = 4 + i * row_h
        length = round(span * value / top)
        text_y = y + row_h / 2 + 4
        if rtl:
            x0 = width - label_w
            body.append(f'<text class="chart-label" x="{width - 4}" y="{text_y}" text-anchor="end">'
                        f'{escape(label)}</text>')
            body.append(f'<rect class="chart-bar" x="{x0 - length}" y="{y + 4}" width="{length}" '
                        f'height="{row_h - 8}"/>')
            body.append(f'<text class="chart-value" x="{x0 - length - 4}" y="{text_y}" text-anchor="end">'
                        f'{escape(format_number(value, lang))}</text>')
        else:
            body.append(f'<text class="chart-label" x="{label_w - 8}" y="{text_y}" text-anchor="end">'
                        f'{escape(label)}</text>')
            body.append(f'<rect class="chart-bar" x="{label_w}" y="{y + 4}" width="{length}" height="{row_h - 8}"/>')
            body.append(f'<text class="chart-value" x="{label_w + length + 4}" y="{text_y}">'
                        f'{escape(format_number(value, lang))}</text>')
    return _svg(width, height, title, body)


def per_day(counts: dict[dt.date, int], days: int, today: dt.date, title: str, lang: str,
            rtl: bool = False) -> Markup:
    """Columns, one per day over the last ``days`` days, oldest first in reading order."""
    width, height, base, left = 600, 170, 140, 36
    span = width - left - 8
    step = span / days
    top = max(counts.values(), default=0) or 1
    body = [f'<line class="chart-axis" x1="{8 if rtl else left}" y1="{base}" x2="{width - left if rtl else width - 8}" '
            f'y2="{base}"/>']
    for i in range(days):
        day = today - dt.timedelta(days=days - 1 - i)
        value = counts.get(day, 0)
        h = round(110 * value / top)
        x = left + i * step if not rtl else width - left - (i + 1) * step
        if value:
            body.append(f'<rect class="chart-bar" x="{x + 1:.1f}" y="{base - h}" width="{max(step - 2, 1):.1f}" '
                        f'height="{h}"><title>{escape(format_day(day, lang))}: '
                        f'{escape(format_number(value, lang))}</title></rect>')
    first, last = today - dt.timedelta(days=days - 1), today
    start_x, end_x = (width - left, 8) if rtl else (left, width - 8)
    body.append(f'<text class="chart-label" x="{start_x}" y="{base + 20}" text-anchor="{"end" if rtl else "start"}">'
                f'{escape(format_day(first, lang))}</text>')
    body.append(f'<text class="chart-label" x="{end_x}" y="{base + 20}" text-anchor="{"start" if rtl else "end"}">'
                f'{escape(format_day(last, lang))}</text>')
    label_x = width - 4 if rtl else 4
    body.append(f'<text class="chart-value" x="{label_x}" y="{base - 106}" text-anchor="{"end" if rtl else "start"}">'
                f'{escape(format_number(top, lang))}</text>')
    return _svg(width, height, title, body)
