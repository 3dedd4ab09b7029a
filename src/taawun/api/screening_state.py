"""The worker's screening index: loaded from a snapshot or built on first use, then kept current."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from fastapi import Request
from sqlalchemy import Engine

from taawun.services.screening_index import ScreeningIndex
from taawun.store.db import READ_ONLY

log = logging.getLogger("taawun.screening")
_lock = threading.Lock()


def snapshot_dir() -> Path | None:
    value = os.environ.get("TAAWUN_INDEX_DIR")
    return Path(value) if value else None


def load_or_build(engine: Engine) -> ScreeningIndex:
    directory = snapshot_dir()
    if directory and (directory / "meta.json").exists():
        try:
            index = ScreeningIndex.load(directory)
            log.info("screening index loaded from %s at change %d", directory, index.seq)
            return index
        except Exception:  # a damaged or outdated snapshot is rebuilt, never fatal
            log.exception("could not load the index snapshot in %s; rebuilding", directory)
    index = ScreeningIndex()
    with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
        count = index.build(conn)
    log.info("screening index built from %d records", count)
    return index


def screening_index(request: Request) -> ScreeningIndex:
    state = request.app.state
    index: ScreeningIndex | None = getattr(state, "screening_index", None)
    if index is None:
        with _lock:
            index = getattr(state, "screening_index", None)
            if index is None:
                index = load_or_build(state.engine)
                state.screening_index = index
    return index
