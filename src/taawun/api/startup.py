"""What the server does once when it starts: the notice expiry job, so a server that runs without
a scheduler still expires notices and warns owners. Cheap (one indexed query) and never fatal."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import inspect

from taawun.access.audit import utcnow
from taawun.services.notices import expire_due

log = logging.getLogger("taawun.api")


def run_notice_expiry(app: FastAPI) -> None:
    try:
        engine = app.state.engine
        if not inspect(engine).has_table("notices"):
            return  # no schema yet (or an older one): `taawun init` comes first
        with engine.begin() as conn:
            expired, warned = expire_due(conn, utcnow().date())
        if expired or warned:
            log.info("notices: %d expired, %d owners warned", len(expired), len(warned))
    except Exception:  # a failed job must not keep the server from serving
        log.exception("the notice expiry job failed at start-up")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    run_notice_expiry(app)
    yield
