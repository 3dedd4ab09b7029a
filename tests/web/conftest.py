"""Fixtures shared by the page tests: one web application per test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.web.server import create_web_app


@pytest.fixture
def app(engine: Engine) -> Iterator[FastAPI]:
    application = create_web_app(engine)
    with TestClient(application):  # runs the start-up once
        yield application
