"""The application with its pages, for the tests of tests/web (and as a uvicorn factory for the browser test).

`taawun.web.mount` is idempotent, so this works whether or not `taawun.api.app.create_app` mounts the
pages itself.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from taawun.api.app import create_app
from taawun.web import mount


def create_web_app(engine: Engine | None = None) -> FastAPI:
    return mount(create_app(engine))
