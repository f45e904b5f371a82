"""A local HTTP server speaking the OpenAI chat-completions protocol, scripted per test.

It stands in for a remote LLM: ``POST /v1/chat/completions`` answers as the real API does, as
one JSON body or, with ``"stream": true``, as server-sent events ending in ``data: [DONE]``.
Each request takes the next scripted ``Reply`` (the last one repeats), so a test can say "the
first draft breaks a rule, the second is clean", make the server slower than the client's
timeout, hold a request in flight until the test sets ``release``, answer malformed JSON or
fail with HTTP 500. Every request body is recorded, and ``received`` is set by the first one.

Use the ``fake_openai`` fixture (import it into a test module or a conftest), or
``running_fake_openai()`` as a context manager::

    from fake_openai import Reply, fake_openai

    def test_x(fake_openai):
        fake_openai.script(Reply("first"), Reply("second"))
        ... base_url=fake_openai.base_url ...
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass(frozen=True)
class Reply:
    """What the server does for one request."""

    content: str = "안녕하세요, 고객님. 확인해 드리겠습니다."
    status: int = 200
    delay_s: float = 0.0  # wait before answering (interrupted when the server stops)
    hold: bool = False  # wait until the test sets ``FakeOpenAI.release`` (or the server stops)
    malformed: bool = False  # a 200 whose body is not valid JSON (or broken SSE data)
    chunk_chars: int = 4  # characters per streamed delta


@dataclass
class FakeOpenAI:
    base_url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    received: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _replies: list[Reply] = field(default_factory=lambda: [Reply()])
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with these replies, in order; the last one repeats."""
        with self._lock:
            self._replies = list(replies) or [Reply()]

    def _next(self, body: dict[str, Any], path: str) -> Reply:
        with self._lock:
            self.requests.append(body)
            self.paths.append(path)
            self.received.set()
            return self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]


def _completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": len(content), "total_tokens": 10},
    }


def _chunk(model: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _handler(state: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

        def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, b'{"error": {"message": "not found"}}')
                return
            body = json.loads(raw or b"{}")
            reply = state._next(body, self.path)
            if reply.delay_s and state._stopping.wait(reply.delay_s):
                return
            if reply.hold:
                state.release.wait()
                if state._stopping.is_set():
                    return
            try:
                self._answer(body, reply)
            except OSError:  # the client gave up (its timeout): nobody to answer
                self.close_connection = True

        def _answer(self, body: dict[str, Any], reply: Reply) -> None:
            if reply.status != 200:
                err = {"error": {"message": "fake failure", "type": "server_error"}}
                self._send(reply.status, json.dumps(err).encode())
                return
            model = str(body.get("model", ""))
            if body.get("stream"):
                self._stream(model, reply)
            elif reply.malformed:
                self._send(200, b'{"id": "chatcmpl-fake", "choices": [ {"message": ')
            else:
                self._send(200, json.dumps(_completion(model, reply.content)).encode())

        def _stream(self, model: str, reply: Reply) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            events = [_chunk(model, {"role": "assistant", "content": ""}, None)]
            text, step = reply.content, max(1, reply.chunk_chars)
            events += [
                _chunk(model, {"content": text[i : i + step]}, None)
                for i in range(0, len(text), step)
            ]
            events.append(_chunk(model, {}, "stop"))
            for event in events:
                data = "{not json" if reply.malformed else json.dumps(event, ensure_ascii=False)
                self.wfile.write(f"data: {data}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

    return Handler


@contextlib.contextmanager
def running_fake_openai() -> Iterator[FakeOpenAI]:
    """A running fake endpoint on a free loopback port, stopped on exit."""
    state = FakeOpenAI(base_url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, name="fake-openai", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state._stopping.set()
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with running_fake_openai() as state:
        yield state
