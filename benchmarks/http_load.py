"""A lean HTTP/1.1 client for the load generators: keep-alive connections over asyncio streams, each request
written as bytes and each answer read by its Content-Length.

Why not httpx for the load: on this 2-core machine the load generator shares the cores with the servers it
measures, and httpx's asyncio client (h11 parsing in Python, anyio, a connection pool) spent ~4 ms of its own
per request with 50 clients paced at 20/s (measured against one worker: p50 10 ms through httpx, 5-6 ms
through this client, same requests). A latency figure should be the server's answer time, not the
client's bookkeeping; the issue asks for a load generator such as wrk, whose C loop costs next to nothing.
Only what the benchmarks send is supported: POST or GET with a JSON (or no) body, answers with a
Content-Length or chunked, over plain TCP to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit


class HttpError(Exception):
    """The connection failed or the answer was not HTTP/1.1 as expected."""


class Connection:
    """One keep-alive connection to one server; one request at a time (as one client of a closed loop)."""

    def __init__(self, url: str, headers: dict[str, str], timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self._fixed = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self._reader, self._writer

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        """(status, body) of one request; HttpError (and a closed connection) when it fails."""
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self._fixed}"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        request = head + body
        for last_try in (False, True):
            if self._reader is not None and self._reader.at_eof():
                self.close()  # the server let the idle connection go (uvicorn after 5 s): open a new one
            reused = self._reader is not None
            try:
                return await asyncio.wait_for(self._exchange(request), self.timeout)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError) as exc:
                self.close()
                # a kept connection closed by the server as the request went out, before any answer: sent once
                # more on a new connection, as every HTTP client does with an idle connection
                stale = isinstance(exc, OSError) or isinstance(exc, asyncio.IncompleteReadError) and not exc.partial
                if last_try or not reused or not stale:
                    raise HttpError(f"{type(exc).__name__}: {exc}") from exc
        raise AssertionError("unreachable: the last try returns or raises")

    async def _exchange(self, request: bytes) -> tuple[int, bytes]:
        reader, writer = await self._open()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status_line = lines[0].split(" ", 2)
        if len(status_line) < 2 or not status_line[0].startswith("HTTP/1."):
            raise ValueError(f"not an HTTP answer: {lines[0][:60]!r}")
        fields = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                fields[name.strip().lower()] = value.strip()
        if "content-length" in fields:
            data = await reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            data = await _read_chunked(reader)
        else:
            raise ValueError("an answer without Content-Length or chunked encoding")
        if fields.get("connection", "").lower() == "close":
            self.close()
        return int(status_line[1]), data


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    out = bytearray()
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")  # (no trailers are sent by the servers measured)
            return bytes(out)
        out += await reader.readexactly(size)
        await reader.readexactly(2)


def json_body(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()
