"""The application factory: one FastAPI app per database."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from taawun import compiled, web
from taawun.api import (
    body_schema,
    problems,
    routes_admin,
    routes_auth,
    routes_diffusions,
    routes_notices,
    routes_public,
    routes_records,
    routes_screening,
)
from taawun.api.startup import lifespan
from taawun.store.db import make_engine

API_PREFIX = "/api/v1"


def create_app(engine: Engine | None = None, db_url: str | None = None) -> FastAPI:
    app = FastAPI(
        title="Taawun",
        version="0.1.0",
        description="Shared criminal information under each owner's control.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.engine = engine or make_engine(db_url)
    problems.install(app)
    for router in (routes_auth.router, routes_records.router, routes_admin.router, routes_screening.router):
        app.include_router(router, prefix=API_PREFIX)
    for router in (routes_notices.router, routes_diffusions.router):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(routes_public.router)  # outside /api/v1: no login
    web.mount(app)  # the pages, over the same services and gate
    body_schema.install(app)

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok", "engine": compiled.engine()}  # name engine: "compiled" (mypyc) or "pure"

    return app
