"""The agent console end to end in headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright), against the real service on a loopback port with the indexed playbooks.

The LLM is a local OpenAI-protocol server whose draft leaks the driver's phone in a case where
the facts forbid it: the page must show the guard-approved reply, the guard's findings masked,
the citations, and the phone nowhere.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from console_page import CHROMIUM, CHROMIUM_ARGS, digits
from fake_openai import FakeOpenAI, Reply, running_fake_openai
from http_server import LiveServer, serve_app, wait_healthy

from api.app import create_app
from core.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DOCS_SHOT = Path(__file__).resolve().parents[1] / "docs" / "console.png"
PHONE = "010-8765-4321"


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[FakeOpenAI]:
    with running_fake_openai() as fake:
        fake.script(Reply(f"고객님, 기사님 연락처는 {PHONE}입니다."))
        yield fake


@pytest.fixture(scope="module")
def live(indexed_settings: Settings, fake_llm: FakeOpenAI) -> Iterator[LiveServer]:
    settings = Settings(
        **{
            **indexed_settings.model_dump(),
            "llm_provider": "openai",
            "llm_base_url": fake_llm.base_url,
            "llm_model": "fake",
        }
    )
    with serve_app(create_app(settings)) as server:
        wait_healthy(server.base_url)
        yield server


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")
def test_console_suggests_with_citations_and_never_shows_a_forbidden_phone(
    live: LiveServer, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720}, locale="ko-KR")
            console_errors: list[str] = []
            page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
            page.goto(live.base_url + "/")
            expect(page.locator("#status")).to_have_text("준비됨", timeout=60_000)

            page.get_by_label("고객 문의 / 상담사 질문", exact=True).fill(
                "펫 운행완료된 건인데 고객님이 기사님 연락처를 알려달라고 하세요"
            )
            page.get_by_label("서비스", exact=True).select_option("pet")
            page.get_by_label("요청 내용", exact=True).select_option("driver_phone")
            page.get_by_label("운행 상태", exact=True).select_option("completed")
            page.get_by_label("경과 일수", exact=True).fill("6")
            page.get_by_role("radiogroup", name="앱 이용기록 확인 가능").get_by_text(
                "아니오"
            ).click()
            page.get_by_label("기사 연락처", exact=True).fill(PHONE)
            page.get_by_role("button", name="추천 답변 받기").click()

            reply = page.locator("#reply")
            expect(page.locator("#result")).to_be_visible(timeout=60_000)
            expect(reply).not_to_be_empty()
            assert digits(PHONE) not in digits(reply.inner_text())

            # the citations: source + section, expandable to the chunk text
            first = page.locator("#citations li").first
            expect(first.locator(".cite-source")).to_have_text(re.compile(r"\.txt$"))
            first.locator("summary").click()
            expect(first.locator(".cite-text")).to_be_visible()
            assert len(first.locator(".cite-text").inner_text()) > 20

            # the LLM's first draft broke the rule: its finding is shown, masked
            guard_block = page.locator("#guard-block")
            expect(guard_block).to_be_visible()
            expect(guard_block.locator(".rule-id").first).to_have_text("driver-phone")
            expect(page.locator("#badges")).to_contain_text("정책 가드 통과")

            # nowhere on the page (input boxes aside) does the phone show, in any spelling
            assert digits(PHONE) not in digits(page.locator("body").inner_text())

            page.get_by_role("button", name="복사").click()
            expect(page.locator("#copy-status")).to_have_text("복사했습니다")
            page.get_by_role("button", name="좋아요").click()
            expect(page.locator("#feedback-status")).to_have_text("평가를 저장했습니다")

            # the README picture: the answer panel from its top
            page.evaluate(
                "() => { window.scrollTo(0, 0); document.getElementById('output').scrollTop = 0; }"
            )
            shot = tmp_path / "console.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            shutil.copyfile(shot, DOCS_SHOT)
            assert not console_errors, console_errors
        finally:
            browser.close()
