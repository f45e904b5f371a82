"""Pure ASGI middleware: request ids and access lines, and the body gate for /v1 writes.

Written as raw ASGI (not ``BaseHTTPMiddleware``) so the request-id context variable set here is
the one the route handlers and worker threads see, and so a rejected body is answered before the
framework ever parses it.
"""

from __future__ import annotations

import asyncio
import logging
import time

import anyio
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response, unexpected_error_response
from api.json_limits import JsonLimits, JsonShapeError, inspect_json
from api.logging import new_request_id, request_id_var

access_log = logging.getLogger("agent_assist.access")


class RequestContextMiddleware:
    """Give every request an id (kept from ``X-Request-ID`` when it is plain), echo it back,
    log one access line (method, path, status, milliseconds), and turn an unexpected exception
    into a plain 500 without its message.

    A client that went away before any answer was sent is logged as status 499 (nothing was
    sent to it), not as the 500 a server error would be."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = new_request_id(Headers(scope=scope).get("x-request-id"))
        token = request_id_var.set(rid)
        started = time.perf_counter()
        status = 500
        response_started = False
        disconnected = False

        async def receive_watching() -> Message:
            nonlocal disconnected
            message = await receive()
            if message["type"] == "http.disconnect":
                disconnected = True
            return message

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = int(message["status"])
                response_started = True
                MutableHeaders(scope=message)["X-Request-ID"] = rid
            await send(message)

        try:
            await self.app(scope, receive_watching, send_with_id)
        except Exception as exc:  # a bug below: answer 500 here so nothing prints the request
            if response_started:
                raise
            await unexpected_error_response(exc)(scope, receive, send_with_id)
        finally:
            if disconnected and not response_started:
                status = 499
            ms = (time.perf_counter() - started) * 1000
            access_log.info("%s %s status=%d ms=%.1f", scope["method"], scope["path"], status, ms)
            request_id_var.reset(token)


class BodyGateMiddleware:
    """For POST/PUT/PATCH under /v1: JSON content type, a byte cap, a read deadline, strict
    UTF-8 and the JSON shape caps.

    The cap bounds memory before parsing (the per-field character caps are checked after);
    UTF-8 is checked here because the JSON parser would otherwise accept UTF-16/32 too. A body
    that does not arrive within ``body_timeout_s`` gets 408 and the connection is closed, so a
    client sending a byte a second cannot hold it open. The shape check runs on a worker
    thread: the event loop (and ``/healthz``) keeps answering while a large body is parsed.
    """

    def __init__(
        self, app: ASGIApp, max_body_bytes: int, body_timeout_s: float, limits: JsonLimits
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout_s = body_timeout_s
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("POST", "PUT", "PATCH")
            or not str(scope["path"]).startswith("/v1/")
        ):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        ctype = headers.get("content-type", "").lower()
        media, *params = (part.strip() for part in ctype.split(";"))
        charsets = [
            p.removeprefix("charset=").strip('"') for p in params if p.startswith("charset=")
        ]
        if media != "application/json" or any(c not in ("utf-8", "utf8") for c in charsets):
            msg = "send the body as application/json in UTF-8"
            await error_response(415, "unsupported_media_type", msg)(scope, receive, send)
            return
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(scope, receive, send)
            return
        try:
            async with asyncio.timeout(self.body_timeout_s):
                body = await self._read_body(receive)
        except TimeoutError:
            msg = f"the body did not arrive within {self.body_timeout_s:g} s"
            closing = {"Connection": "close"}
            await error_response(408, "request_timeout", msg, ["body"], closing)(
                scope, receive, send
            )
            return
        if body is None:  # the client went away
            return
        if len(body) > self.max_body_bytes:
            await self._too_large(scope, receive, send)
            return
        try:
            body.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            msg = "the body is not valid UTF-8"
            await error_response(400, "invalid_encoding", msg, ["body"])(scope, receive, send)
            return
        try:
            body = await anyio.to_thread.run_sync(inspect_json, body, self.limits)
        except JsonShapeError as exc:
            await error_response(422, "invalid_request", str(exc), [exc.field])(
                scope, receive, send
            )
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The whole body; stops early (returning what is there) once past the byte cap, and
        returns None when the client disconnects."""
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            chunks.append(chunk)
            if size > self.max_body_bytes:
                break
            more = bool(message.get("more_body", False))
        return b"".join(chunks)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        msg = f"the body is larger than {self.max_body_bytes} bytes"
        await error_response(413, "payload_too_large", msg, ["body"])(scope, receive, send)
