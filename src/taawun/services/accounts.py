"""Set-up and account use cases: schema, reference data, users, logins and tokens."""

from __future__ import annotations

from sqlalchemy import Engine

from taawun.access import reference
from taawun.store.migrate import upgrade


def init_database(engine: Engine) -> None:
    """Create or upgrade the schema and load the organisations; safe to run again."""
    upgrade(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        reference.seed(conn)
