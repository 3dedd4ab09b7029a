"""The worker's screening index: loaded from a snapshot or built on first use, then kept current."""

from __future__ import annotations

import threading

from fastapi import Request

from taawun.services.heap import freeze_survivors
from taawun.services.screening_index import ScreeningIndex, load_or_build

_lock = threading.Lock()


def screening_index(request: Request) -> ScreeningIndex:
    state = request.app.state
    index: ScreeningIndex | None = getattr(state, "screening_index", None)
    if index is None:
        with _lock:
            index = getattr(state, "screening_index", None)
            if index is None:
                index = load_or_build(state.engine)
                freeze_survivors()  # a worker that holds an index keeps its caches' growth out of full collections
                state.screening_index = index
    return index
