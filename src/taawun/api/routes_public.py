"""The only route without login: public extracts of published red and yellow notices.

It shows exactly the fields the requesting member allowed (name, photo reference, charges,
nationality), fixed at publication; nothing else about a notice or its subject is public.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from taawun.access.notices import public_extracts
from taawun.api.deps import engine_of

router = APIRouter(tags=["public"])


@router.get("/public/notices")
def public_notices(request: Request) -> dict[str, Any]:
    with engine_of(request).begin() as conn:
        return {"items": public_extracts(conn)}
