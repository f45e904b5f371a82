"""A real ``chroma run`` server on a free loopback port, for tests that use Chroma over HTTP.

Use the ``chroma_http`` fixture (import it into a test module), or ``running_chroma(path)`` as a
context manager when a test needs to stop and restart the server itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

CHROMA_BIN = Path(sys.executable).with_name("chroma")
START_TIMEOUT_S = 60.0


@dataclass
class ChromaServer:
    host: str
    port: int
    path: Path
    process: subprocess.Popen[bytes]
    log_file: Path

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def settings_overrides(self) -> dict[str, object]:
        """The Settings fields that point the service at this server."""
        return {"chroma_mode": "http", "chroma_host": self.host, "chroma_port": self.port}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(server: ChromaServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"chroma run exited with {server.process.returncode}: "
                f"{server.log_file.read_text(errors='replace')[-2000:]}"
            )
        try:
            if httpx.get(f"{server.url}/api/v2/heartbeat", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"chroma run did not answer its heartbeat in {START_TIMEOUT_S:.0f}s")


def start_chroma(path: Path, port: int | None = None) -> ChromaServer:
    path.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log_file = path.parent / f"chroma-{port}.log"
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    cmd = [str(CHROMA_BIN), "run", "--path", str(path), "--port", str(port)]
    cmd += ["--host", "127.0.0.1"]
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: stopped as a whole
        )
    server = ChromaServer("127.0.0.1", port, path, process, log_file)
    try:
        _wait_ready(server)
    except BaseException:
        stop_chroma(server)
        raise
    return server


def stop_chroma(server: ChromaServer) -> None:
    if server.process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=15)


@contextlib.contextmanager
def running_chroma(path: Path, port: int | None = None) -> Iterator[ChromaServer]:
    server = start_chroma(path, port)
    try:
        yield server
    finally:
        stop_chroma(server)


@pytest.fixture
def chroma_http(tmp_path: Path) -> Iterator[ChromaServer]:
    """A fresh ``chroma run`` server with its own data directory, stopped after the test."""
    with running_chroma(tmp_path / "chroma-server") as server:
        yield server
