"""POST /v1/assist over real HTTP (uvicorn on loopback) on the indexed knowledge base, and the
``agent-assist assist`` command."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from http_server import LiveServer, serve_app, wait_healthy

from api.app import create_app
from core.settings import Settings

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
NAME, EMAIL = "홍길동", "hong.gd@example.com"
IDENTITY_Q = (
    "이용내역서는 이용자 본인에게만 발급해드리고 있어요. 카카오 T 앱을 통해 호출하신 본인이십니까?"
)
STATEMENT_CHAT = [
    {"role": "customer", "text": "대리 이용내역서 법원에 제출해야 해요"},
    {"role": "agent", "text": IDENTITY_Q},
    {"role": "customer", "text": "네"},
    {"role": "agent", "text": "이용내역서 발급을 위해 아래 내용 확인 부탁드려요."},
    {
        "role": "customer",
        "text": "대리 앱이고 취소내역은 빼주세요. 2024년 1월 1일부터 3월 31일까지요",
    },
    {"role": "agent", "text": "카카오계정의 이메일 주소로 발송해 드리면 될까요?"},
    {"role": "customer", "text": "아니요 다른 메일로 받고 싶어요"},
    {"role": "agent", "text": "개인정보 수집 동의가 필요합니다. - 수집 항목 : 성함, 이메일주소"},
    {"role": "customer", "text": f"동의합니다. {NAME}, {EMAIL}"},
]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def log_lines() -> Iterator[list[str]]:
    handler = _Collect()
    loggers = [logging.getLogger(name) for name in ("agent_assist", "rag")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.lines
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.fixture(scope="module")
def client(indexed_settings: Settings, log_lines: list[str]) -> Iterator[httpx.Client]:
    server: LiveServer
    with serve_app(create_app(indexed_settings)) as server:
        wait_healthy(server.base_url)
        with server.client() as c:
            yield c


def test_assist_returns_the_contract_and_the_ticket(
    client: httpx.Client, log_lines: list[str]
) -> None:
    resp = client.post("/v1/assist", json={"conversation": STATEMENT_CHAT, "case": {}})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    for name in ("reply", "grounded", "citations", "facts", "ask", "guard", "draft_violations"):
        assert name in body, name
    for name in ("step", "provenance", "conflicts", "refused", "handoff"):
        assert name in body, name
    assert body["guard"]["allowed"] is True
    assert body["step"] == "⑥ 아지트 작성"
    assert body["provenance"]["identity_verified"]["turn"] == 2
    assert body["provenance"]["identity_verified"]["method"] == "confirmation"
    ticket = body["handoff"]
    assert ticket["kind"] == "agit_ticket" and ticket["missing"] == []
    assert ticket["attachment"] == {"성함": NAME, "이메일 주소": EMAIL}
    outside = json.dumps({k: v for k, v in body.items() if k != "handoff"}, ensure_ascii=False)
    outside += ticket["text"] + json.dumps(ticket["fields"], ensure_ascii=False)
    assert NAME not in outside and EMAIL not in outside
    logged = "\n".join(log_lines)
    assert "assist" in logged and NAME not in logged and EMAIL not in logged


@pytest.mark.parametrize(
    "body",
    [
        {"conversation": []},
        {"conversation": [{"role": "agent", "text": "안녕하세요"}]},
        {"conversation": [{"role": "driver", "text": "안녕하세요"}]},
        {"conversation": [{"role": "customer", "text": "번호요"}], "confirmed": ["no_such_fact"]},
        {"conversation": [{"role": "customer", "text": "번호요"}], "case": {"days": 3}},
    ],
)
def test_bad_requests_are_4xx(client: httpx.Client, body: dict[str, object]) -> None:
    resp = client.post("/v1/assist", json=body)
    assert resp.status_code == 422, resp.text
    assert "error" in resp.json()


def test_cli_jsonl_answers_each_line_in_order(indexed_settings: Settings, tmp_path: Path) -> None:
    lines = [
        {"id": "a", "conversation": STATEMENT_CHAT[:1], "case": {}},
        {"id": "bad", "conversation": []},
        {"id": "b", "conversation": STATEMENT_CHAT[:3], "case": {}},
    ]
    src = tmp_path / "chats.jsonl"
    src.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "AGENT_ASSIST_KB_DIR": str(indexed_settings.kb_dir),
        "AGENT_ASSIST_DATA_DIR": str(indexed_settings.data_dir),
        "AGENT_ASSIST_MODEL_CACHE_DIR": str(indexed_settings.models_dir),
    }
    run = subprocess.run(
        [sys.executable, "-m", "api.cli", "assist", "--jsonl", str(src)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 2, run.stderr  # one bad line
    out = [json.loads(x) for x in run.stdout.splitlines()]
    assert [x.get("id") for x in out] == ["a", None, "b"]
    assert out[0]["step"] == "③ 본인확인" and out[2]["step"] == "④ 발급 필요 정보 확인"
    assert out[1]["error"].startswith("line 2:")
