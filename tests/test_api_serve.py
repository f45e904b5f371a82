"""``agent-assist serve``: the bind-safety refusal, and the multi-worker path over real HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from child_env import child_env
from chroma_server import free_port
from conftest import KB_DIR, MODEL_CACHE

CLI = [sys.executable, "-m", "api.cli"]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    return child_env(
        AGENT_ASSIST_KB_DIR=str(KB_DIR),
        AGENT_ASSIST_DATA_DIR=str(data_dir),
        AGENT_ASSIST_MODEL_CACHE_DIR=str(MODEL_CACHE),
        **extra,
    )


def test_serve_refuses_a_public_bind_without_keys(data_dir: Path) -> None:
    done = subprocess.run(
        [*CLI, "serve", "--host", "0.0.0.0"],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "AGENT_ASSIST_API_KEYS" in done.stderr


@pytest.mark.slow
def test_serve_with_two_workers_answers_the_guard(data_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--workers", "2"],
        env=_env(data_dir, AGENT_ASSIST_API_KEYS="k1"),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        resp: httpx.Response | None = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                resp = httpx.post(
                    f"{url}/v1/guard",
                    json={"draft": "안녕하세요"},
                    headers={"Authorization": "Bearer k1"},
                    timeout=10,
                )
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert resp is not None, (tmp_path / "serve.log").read_text(errors="replace")
        assert resp.status_code == 200 and resp.json()["allowed"] is True
        anon = httpx.post(f"{url}/v1/guard", json={"draft": "안녕하세요"}, timeout=10)
        assert anon.status_code == 401
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        log.close()
