"""The console shows a counsel-type answer as guidance for the agent: in the agent's card, with
no copy button for the customer, and a customer reply again in the customer's box after it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from console_page import CHROMIUM, WIDE, Console, chromium
from http_server import LiveServer, serve_app, wait_healthy

from api.app import create_app
from core.settings import Settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


@pytest.fixture(scope="module")
def live(indexed_settings: Settings) -> Iterator[LiveServer]:
    with serve_app(create_app(indexed_settings)) as server:
        wait_healthy(server.base_url)
        yield server


def test_counsel_type_is_shown_as_agent_guidance(live: LiveServer, tmp_path: Path) -> None:
    with chromium() as browser:
        c = Console.open(browser, live.base_url, WIDE, tmp_path)
        page: Any = c.page
        page.locator("#question").fill("이 건 상담유형 뭘로 잡아요?")
        c.fill_case({"service": "pet", "request": "driver_phone"})
        answer = c.submit()
        assert answer["audience"] == "agent" and answer["grounded"]
        assert page.locator("#note-card").is_visible()
        assert not page.locator("#reply-card").is_visible()
        assert page.locator("#note").inner_text() == answer["reply"]
        label = page.locator("#note-label").inner_text()
        assert "상담유형" in label and "보내지 마세요" in label
        assert "guidance" in (page.locator("#note-card").get_attribute("class") or "")
        badges = page.locator("#badges").inner_text()
        assert "상담사 업무 안내" in badges and "승인 스크립트" not in badges
        assert page.locator("#copy").is_disabled()
        assert "경우를 모두" in page.locator("#ask-note").inner_text()  # the reason decides
        c.shot("counsel-guidance")

        # the next customer question goes back to the customer's box, with its copy button
        page.locator("#question").fill("펫 기사 연락처 알려달래요")
        answer = c.submit()
        assert answer["audience"] == "customer"
        assert page.locator("#reply-card").is_visible()
        assert not page.locator("#note-card").is_visible()
        assert page.locator("#note-label").inner_text() == "상담사 참고 (고객에게 보내지 마세요)"
        assert c.errors == []
