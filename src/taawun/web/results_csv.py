"""Passenger-list results as a CSV file, one line per traveller in the order of the list.

Hidden records appear only as "contact NCB X", exactly as on screen. Cells that a spreadsheet
would run as a formula (starting with = + - @) are prefixed with an apostrophe, so a crafted
name in a passenger list cannot execute anything on the officer's computer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from taawun.domain.models import TravellerQuery

HEADER = ("line", "reference", "names", "birth_date", "result", "owners", "record_ids", "scores", "actions")


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def encode(travellers: Sequence[TravellerQuery], results: Sequence[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for line, (traveller, result) in enumerate(zip(travellers, results, strict=True), start=2):
        hits = result["hits"]
        writer.writerow([_cell(str(v)) for v in (
            line, traveller.reference or "", " | ".join(traveller.names), traveller.birth_date or "",
            result["result"], " | ".join(h["owner"] for h in hits),
            " | ".join(h.get("record_id", "") for h in hits),
            " | ".join(str(h["score"]) for h in hits if "score" in h),
            " | ".join(h.get("action", "contact_owner") for h in hits))])
    return ("\ufeff" + out.getvalue()).encode()  # BOM: spreadsheets then read the Arabic names as UTF-8
