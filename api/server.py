"""The uvicorn server the service runs on, with limits on slow and oversized request heads.

uvicorn times out an idle keep-alive connection, but not a connection whose request head (the
request line and headers) trickles in, nor a fresh connection that never sends a full head, and
its default parser accepts headers of any size. Here the h11 parser is used with a byte cap on
the head (``max_header_bytes``: beyond it, 400) and a deadline for it (``header_timeout_s``:
past it, 408 and the connection is closed). The body's own deadline is the body gate's
(``api.middleware``).
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import sys
import time
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState
from uvicorn.supervisors import Multiprocess

from core.settings import Settings

access_log = logging.getLogger("agent_assist.access")

_HEAD_TIMEOUT_BODY = (
    b'{"error":{"code":"request_timeout","message":"the request head did not arrive in time"}}'
)
_HEAD_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: application/json\r\n"
    b"connection: close\r\n"
    b"content-length: " + str(len(_HEAD_TIMEOUT_BODY)).encode("ascii") + b"\r\n\r\n"
) + _HEAD_TIMEOUT_BODY


class ServiceConfig(uvicorn.Config):
    """uvicorn's config plus the head deadline (kept on the config so worker processes, which
    receive a copy of it, see the same value)."""

    def __init__(self, app: Any, *, header_timeout_s: float, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.header_timeout_s = header_timeout_s


class HeadDeadlineProtocol(H11Protocol):
    """h11 with a deadline on each request head, from the connection (or the first byte after a
    keep-alive pause) until the head is complete."""

    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.header_timeout_s: float = getattr(config, "header_timeout_s", 10.0)
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_started = 0.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self._arm_head_timer()  # a head is (still) expected: it has a deadline
        else:
            self._cancel_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_started = time.perf_counter()
            self._head_timer = self.loop.call_later(self.header_timeout_s, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.conn.trailing_data[0]:
            # Part of a head arrived: say why the connection ends (a bare connect just closes,
            # like an idle keep-alive connection).
            self.transport.write(_HEAD_TIMEOUT_RESPONSE)
            ms = (time.perf_counter() - self._head_started) * 1000
            access_log.info("- - status=408 ms=%.1f head not received in time", ms)
        self.transport.close()


def server_config(
    app: Any, settings: Settings, *, host: str, port: int, workers: int = 1, **kwargs: Any
) -> ServiceConfig:
    """The uvicorn config for ``app`` (an ASGI app, or an import string with ``factory=True``)."""
    return ServiceConfig(
        app,
        header_timeout_s=settings.header_timeout_s,
        host=host,
        port=port,
        workers=workers,
        http=HeadDeadlineProtocol,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        timeout_keep_alive=settings.keep_alive_timeout_s,
        # The service logs its own access lines (request id, path, status, ms; no query string).
        access_log=False,
        **kwargs,
    )


#: glibc's ``mallopt`` parameter for the arena limit.
_M_ARENA_MAX = -8


def limit_malloc_arenas(arenas: int) -> bool:
    """Cap glibc's malloc arenas: for this process now (before the worker threads allocate),
    and for worker processes through their environment. 0, or not glibc: nothing is changed.

    With the default (8 arenas per core) each worker thread's arena grows and fragments on its
    own with the varying tensor sizes of the questions, and RSS kept creeping up under load; two
    arenas held it flat (``docs/soak_rss.png``)."""
    if arenas <= 0 or not sys.platform.startswith("linux"):
        return False
    os.environ["MALLOC_ARENA_MAX"] = str(arenas)
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, arenas))


def run_server(config: ServiceConfig) -> None:
    """Serve until stopped: in this process, or in ``config.workers`` worker processes."""
    if config.workers > 1:
        sock = config.bind_socket()
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run()
