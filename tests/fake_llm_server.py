"""A local HTTP server speaking the OpenAI chat-completions protocol, in place of a remote LLM.

It answers ``POST /v1/chat/completions`` with a fixed reply after an optional delay, or holds
each request until ``release`` is set (to keep a request in flight for as long as a test needs).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class FakeLLM:
    reply: str = "안녕하세요, 고객님. 확인 후 안내드리겠습니다."
    delay_s: float = 0.0
    hold: bool = False
    release: threading.Event = field(default_factory=threading.Event)
    received: threading.Event = field(default_factory=threading.Event)
    calls: int = 0
    base_url: str = ""


def _handler(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:  # keep test output quiet
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            request = json.loads(self.rfile.read(length) or b"{}")
            fake.calls += 1
            fake.received.set()
            if fake.hold:
                fake.release.wait(timeout=120)
            elif fake.delay_s:
                time.sleep(fake.delay_s)
            body = {
                "id": f"chatcmpl-{fake.calls}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": request.get("model", "fake"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": fake.reply},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout): nothing to answer
                pass

    return Handler


@contextlib.contextmanager
def running_fake_llm(fake: FakeLLM | None = None) -> Iterator[FakeLLM]:
    fake = fake or FakeLLM()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
