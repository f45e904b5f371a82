"""/v1/suggest and /v1/search over real HTTP on the indexed knowledge base (no LLM)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import httpx
import pytest
from http_server import LiveServer, serve_app, wait_healthy

from api.app import create_app
from core.settings import Settings

pytestmark = pytest.mark.slow

PHONE = "010-8765-4321"
PLATE = "56다7890"


@pytest.fixture(scope="module")
def live(indexed_settings: Settings) -> Iterator[LiveServer]:
    with serve_app(create_app(indexed_settings)) as server:
        wait_healthy(server.base_url)
        yield server


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    with live.client() as c:
        yield c


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_health_and_readiness_once_loaded(client: httpx.Client) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ok" and health.json()["index_loaded"] is True
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready", "store": "up"}


def test_suggest_returns_the_contract_fields(client: httpx.Client) -> None:
    body = {
        "question": "펫 5일 전 운행완료 건인데 고객님이 기사님 연락처를 알려달래요",
        "case": {"service": "pet", "request": "driver_phone", "driver_phone": PHONE},
    }
    resp = client.post("/v1/suggest", json=body)
    assert resp.status_code == 200, resp.text
    s = resp.json()
    for name in ("reply", "grounded", "citations", "facts", "ask", "guard", "draft_violations"):
        assert name in s, name
    assert s["reply"].strip()
    assert s["guard"]["allowed"] is True and s["guard"]["violations"] == []
    assert s["grounded"] is True and s["citations"]
    for c in s["citations"]:
        assert c["source"].endswith(".txt") and c["section"] and isinstance(c["score"], float)
    assert s["citations"][0]["source"] == "004_2b128af64891507b.txt"
    assert s["facts"]["driver_phone"] == PHONE  # console fields are kept in the resolved facts
    assert _digits(PHONE) not in _digits(s["reply"])  # five days: the window is closed
    assert isinstance(s["ask"], list)
    assert s["audience"] == "customer"
    assert resp.headers["x-request-id"]


def test_counsel_type_question_is_agent_guidance_over_http(client: httpx.Client) -> None:
    body = {
        "question": "분류 어디로 해요?",
        "case": {"service": "daeri", "request": "usage_statement"},
    }
    s = client.post("/v1/suggest", json=body).json()
    assert s["audience"] == "agent" and s["grounded"] is True
    assert s["reply"] == "상담유형: 대리_고객 ▶ 가입/내정보 ▶ 이용기록/영수증 ▶ 기타"
    assert s["citations"][0]["section"].endswith("상담유형")
    assert s["guard"]["allowed"] is True


def test_forbidden_plate_never_appears(client: httpx.Client) -> None:
    body = {
        "question": "펫 9일 전 운행완료 건, 차량번호 알려달래요",
        "case": {"service": "pet", "vehicle_plate": PLATE, "history_available": False},
    }
    s = client.post("/v1/suggest", json=body).json()
    assert re.sub(r"\s", "", PLATE) not in re.sub(r"\s", "", s["reply"])
    assert s["guard"]["allowed"] is True


def test_off_topic_question_is_not_grounded(client: httpx.Client) -> None:
    s = client.post("/v1/suggest", json={"question": "오늘 서울 날씨 어때요?"}).json()
    assert s["grounded"] is False and s["citations"] == []
    assert s["guard"]["allowed"] is True


def test_search_ranks_chunks(client: httpx.Client) -> None:
    resp = client.post("/v1/search", json={"question": "대리 이용내역서 발급", "k": 3})
    assert resp.status_code == 200, resp.text
    hits = resp.json()["hits"]
    assert 1 <= len(hits) <= 3
    assert hits[0]["source"] == "000_4a33bc4c81567f35.txt"
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert all(h["chunk_id"].startswith(h["source"]) and h["text"] for h in hits)


def test_suggest_rejects_unknown_case_fields_by_name(client: httpx.Client) -> None:
    resp = client.post("/v1/suggest", json={"question": "기사 번호", "case": {"phone": "1"}})
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"] == ["case.phone"]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_a_full_suggestion_logs_ids_and_timings_only(client: httpx.Client) -> None:
    handler = _Collect()
    loggers = [logging.getLogger(), logging.getLogger("agent_assist")]
    for logger in loggers:
        logger.addHandler(handler)
    marker = "특이한질문표식"
    body = {
        "question": f"{marker} 펫 어제 운행완료 기사 연락처 알려주세요",
        "case": {"driver_phone": PHONE, "driver_name": "홍길동", "vehicle_plate": PLATE},
    }
    try:
        assert client.post("/v1/suggest", json=body).status_code == 200
        assert client.post("/v1/search", json={"question": marker}).status_code == 200
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    text = "\n".join(handler.lines)
    assert "chunks=" in text and "status=200" in text
    for secret in (marker, PHONE, _digits(PHONE), "홍길동", PLATE):
        assert secret not in text, secret
