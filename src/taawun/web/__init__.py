"""The web interface: server-rendered pages over the same services and access gate as the API.

`mount(app)` adds the pages and the static files to an application made by `taawun.api.app`.
Each page module registers its nav entry in `pages.REGISTRY` and its routes on its own router;
`PAGE_MODULES` lists them, so a new page is one module plus one line here.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"

PAGE_MODULES = (
    "taawun.web.view_auth",
    "taawun.web.view_dashboard",
    "taawun.web.view_screening",
    "taawun.web.view_records",
    "taawun.web.view_export",
    "taawun.web.view_inbox",
    "taawun.web.view_notices",
    "taawun.web.view_diffusions",
    "taawun.web.view_audit",
    "taawun.web.view_admin",
)


def mount(app: FastAPI) -> FastAPI:
    """Add the pages to ``app`` (once: calling it again changes nothing)."""
    if getattr(app.state, "web_mounted", False):
        return app
    app.state.web_mounted = True
    for name in PAGE_MODULES:
        app.include_router(import_module(name).router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
