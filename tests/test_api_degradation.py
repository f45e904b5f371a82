"""Degradation over real HTTP: the LLM down or slow, the store down, too many requests.

The LLM is a local server speaking the OpenAI protocol (or a closed loopback port); the store
is a real ``chroma run`` stopped in the middle of the test.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from chroma_server import free_port, running_chroma, stop_chroma
from fake_openai import Reply, running_fake_openai
from http_server import serve_app, wait_healthy

from api.app import create_app
from core.settings import Settings

pytestmark = pytest.mark.slow

QUESTION = {
    "question": "펫 5일 전 운행완료 건인데 기사님 연락처를 알려달래요",
    "case": {"service": "pet", "request": "driver_phone", "driver_phone": "010-8765-4321"},
}


def _with(settings: Settings, **overrides: object) -> Settings:
    return Settings(**{**settings.model_dump(), **overrides})  # type: ignore[arg-type]


def test_llm_down_gives_the_composed_reply_flagged(indexed_settings: Settings) -> None:
    settings = _with(
        indexed_settings,
        llm_provider="openai",
        llm_base_url=f"http://127.0.0.1:{free_port()}/v1",  # nothing listens there
        llm_model="any",
        llm_timeout_s=5,
    )
    with serve_app(create_app(settings)) as live, live.client() as client:
        wait_healthy(live.base_url)
        resp = client.post("/v1/suggest", json=QUESTION)
        assert resp.status_code == 200, resp.text
        s = resp.json()
        assert s["llm_skipped"] is True and s["drafter"] == "composed"
        assert s["reply"].strip() and s["guard"]["allowed"] is True


def test_slow_llm_gets_a_503_and_excess_requests_a_429(indexed_settings: Settings) -> None:
    with running_fake_openai() as fake:
        fake.script(Reply(hold=True))
        settings = _with(
            indexed_settings,
            llm_provider="openai",
            llm_base_url=fake.base_url,
            llm_model="any",
            llm_timeout_s=120,  # the LLM client would wait: the request deadline must act
            request_timeout_s=2,
            max_concurrent_requests=1,
        )
        with serve_app(create_app(settings)) as live, live.client() as client:
            wait_healthy(live.base_url)
            slow = client.post("/v1/suggest", json=QUESTION)
            assert fake.received.is_set()
            assert slow.status_code == 503, slow.text
            assert slow.json()["error"]["code"] == "unavailable"
            # its thread still waits on the LLM: the only slot is taken, so the next is refused
            busy = client.post("/v1/suggest", json=QUESTION)
            assert busy.status_code == 429, busy.text
            assert busy.json()["error"]["code"] == "overloaded"
            assert busy.headers["retry-after"] == "1"
            fake.release.set()  # the held call returns; later ones are not held
            for _ in range(200):  # the slot comes back once the held call returns
                again = client.post("/v1/guard", json={"draft": "안녕하세요"})
                if again.status_code == 200:
                    break
                assert again.status_code == 429
                threading.Event().wait(0.05)
            assert again.status_code == 200


def test_store_down_mid_test_gives_503_and_the_guard_still_answers(
    tmp_path: Path, indexed_settings: Settings
) -> None:
    from ingest.pipeline import ingest_kb

    with running_chroma(tmp_path / "chroma") as chroma:
        settings = _with(
            indexed_settings,
            data_dir=tmp_path / "data",
            chroma_timeout_s=3,
            **chroma.settings_overrides(),
        )
        ingest_kb(settings)
        with serve_app(create_app(settings)) as live, live.client() as client:
            wait_healthy(live.base_url)
            assert client.post("/v1/suggest", json=QUESTION).status_code == 200
            assert client.get("/readyz").status_code == 200
            stop_chroma(chroma)
            down = client.post("/v1/suggest", json=QUESTION)
            assert down.status_code == 503, down.text
            assert set(down.json()) == {"error"}
            ready = client.get("/readyz")
            assert ready.status_code == 503 and ready.json()["store"] == "down"
            guard = client.post("/v1/guard", json={"draft": "안녕하세요", "case": {}})
            assert guard.status_code == 200


def test_a_store_never_up_keeps_health_503_and_the_guard_serving(
    indexed_settings: Settings,
) -> None:
    """A store that was never up: the service starts, says so, and keeps serving the guard."""
    settings = _with(
        indexed_settings, chroma_mode="http", chroma_port=free_port(), chroma_timeout_s=1
    )
    with serve_app(create_app(settings)) as live, live.client() as client:
        for _ in range(100):
            health = client.get("/healthz")
            if health.json()["status"] == "failed":
                break
            threading.Event().wait(0.1)
        assert health.status_code == 503 and health.json()["status"] == "failed"
        resp = client.post("/v1/suggest", json=QUESTION)
        assert resp.status_code == 503 and resp.json()["error"]["code"] == "index_not_ready"
        assert client.post("/v1/guard", json={"draft": "안녕하세요"}).status_code == 200
