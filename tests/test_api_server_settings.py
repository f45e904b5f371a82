"""The server's limits are settings with safe defaults; unsafe values stop ``serve`` at start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from child_env import child_env

from api.server import HeadDeadlineProtocol, server_config
from core.settings import Settings


def test_the_server_config_carries_the_limits() -> None:
    settings = Settings(header_timeout_s=3, keep_alive_timeout_s=4, max_header_bytes=8192)
    config = server_config("api.app:create_app", settings, host="127.0.0.1", port=1, factory=True)
    assert config.http is HeadDeadlineProtocol
    assert config.header_timeout_s == 3
    assert config.timeout_keep_alive == 4
    assert config.h11_max_incomplete_event_size == 8192
    assert config.access_log is False


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HEADER_TIMEOUT_S", "0"),
        ("BODY_TIMEOUT_S", "100000"),
        ("MAX_HEADER_BYTES", "10000000"),
        ("MAX_JSON_KEYS", "0"),
        ("MAX_JSON_DEPTH", "1000"),
        ("KEEP_ALIVE_TIMEOUT_S", "0"),
    ],
)
def test_an_unsafe_limit_stops_serve_at_start(data_dir: Path, name: str, value: str) -> None:
    env = child_env(AGENT_ASSIST_DATA_DIR=str(data_dir), **{f"AGENT_ASSIST_{name}": value})
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr[-500:]
    assert name.lower() in done.stderr
