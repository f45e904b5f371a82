"""The app served by a real uvicorn on a free loopback port, in a thread of the test process.

The socket is bound here and handed to uvicorn, so no other process can take the port between
choosing it and serving on it. Use ``serve_app(app)`` as a context manager; ``wait_healthy``
polls ``/healthz`` until the index and model are loaded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

START_TIMEOUT_S = 30.0
HEALTHY_TIMEOUT_S = 240.0  # a cold model load on a busy 2-core machine


@dataclass
class LiveServer:
    base_url: str
    server: uvicorn.Server
    thread: threading.Thread

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=60.0, **kwargs)  # type: ignore[arg-type]


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@contextlib.contextmanager
def serve_app(app: FastAPI) -> Iterator[LiveServer]:
    sock = _bound_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", server, thread)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def wait_healthy(base_url: str, timeout_s: float = HEALTHY_TIMEOUT_S) -> httpx.Response:
    """Poll /healthz until it answers 200; raise with the last answer if it never does."""
    deadline = time.monotonic() + timeout_s
    last: httpx.Response | None = None
    while time.monotonic() < deadline:
        last = httpx.get(f"{base_url}/healthz", timeout=10.0)
        if last.status_code == 200:
            return last
        time.sleep(0.2)
    detail = last.text if last is not None else "no answer"
    raise RuntimeError(f"/healthz never became 200: {detail}")


@contextlib.contextmanager
def serve_cli(env: Mapping[str, str], port: int, log_path: Path) -> Iterator[str]:
    """``agent-assist serve`` as a child process (its own session, output to ``log_path``),
    yielding its base URL once it answers; stopped with SIGTERM, then SIGKILL."""
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/healthz", timeout=5)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log_path.read_text(errors="replace")) from None
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
