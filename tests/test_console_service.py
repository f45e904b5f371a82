"""The console's view of the service, in headless Chromium against the real service on a
loopback port: the health badge follows the service down, the API reference pages work with no
internet, the question limit is one setting stated by the page and the API, and a question that
contradicts a form field is shown as a conflict and never yields a disclosure until the agent
resolves it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from console_page import CHROMIUM, WIDE, Console, chromium, digits
from http_server import LiveServer, serve_app, wait_healthy

from api.app import create_app
from core.settings import Settings
from rag.contract import Suggestion

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

PHONE = "010-8765-4321"
#: The question says five days and a lost item; the form was left at one day from before.
CONTRADICTED = (
    "펫 5일 전 운행완료 건인데 분실물 때문에 기사님 연락처를 달래요",
    {
        "service": "pet",
        "request": "driver_phone",
        "ride_status": "completed",
        "days_since_ride": 1,
        "history_available": False,
        "driver_phone": PHONE,
    },
)


@pytest.fixture(scope="module")
def live(indexed_settings: Settings) -> Iterator[LiveServer]:
    with serve_app(create_app(indexed_settings)) as server:
        wait_healthy(server.base_url)
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def test_health_badge_turns_red_when_the_service_stops(
    browser: Any, indexed_settings: Settings, tmp_path: Path
) -> None:
    with serve_app(create_app(indexed_settings)) as server:
        wait_healthy(server.base_url)
        c = Console.open(browser, server.base_url, WIDE, tmp_path)
        status = c.page.locator("#status")
        status.filter(has_text="준비됨").wait_for(timeout=15_000)
    # the server has stopped: within two polls the badge says so, in red
    status.filter(has_text="서버 연결 끊김").wait_for(timeout=15_000)
    assert "status-bad" in (status.get_attribute("class") or "")
    c.shot("service-down")


def test_api_docs_work_with_no_internet(browser: Any, live: LiveServer, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def only_loopback(route: Any) -> None:
        if urlsplit(route.request.url).hostname in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live.base_url + "/docs")
    page.locator(".swagger-ui .info .title").filter(has_text="agent-assist").wait_for()
    page.locator(".opblock-summary-path", has_text="/v1/suggest").first.wait_for()
    page.screenshot(path=str(tmp_path / "docs.png"))
    page.goto(live.base_url + "/redoc")
    page.locator("h1", has_text="agent-assist").wait_for(timeout=30_000)
    page.get_by_text("conflicts", exact=False).first.wait_for()
    page.screenshot(path=str(tmp_path / "redoc.png"))
    assert outside == [] and errors == []
    context.close()


def test_question_limit_is_one_setting_stated_by_page_and_api(
    live: LiveServer, indexed_settings: Settings
) -> None:
    limit = indexed_settings.max_question_chars
    spec = httpx.get(live.base_url + "/openapi.json").json()
    question = spec["components"]["schemas"]["SuggestRequest"]["properties"]["question"]
    assert question["maxLength"] == limit and str(f"{limit:,}") in question["description"]
    op = spec["paths"]["/v1/suggest"]["post"]
    assert "restrictive" in op["description"]
    example = op["responses"]["200"]["content"]["application/json"]["example"]
    assert example["conflicts"][0]["applied"] == 5
    Suggestion.model_validate(example)  # the documented answer is a real one
    r = httpx.post(live.base_url + "/v1/suggest", json={"question": "가" * (limit + 1)}, timeout=30)
    assert r.status_code == 413
    assert str(limit) in r.json()["error"]["message"]


def _has_conflicts(live: LiveServer) -> bool:
    spec = httpx.get(live.base_url + "/openapi.json").json()
    props = spec["components"]["schemas"].get("Suggestion", {}).get("properties", {})
    return "conflicts" in props


@pytest.mark.parametrize("choice", ["text", "console"])
def test_contradicting_question_is_a_conflict_and_discloses_nothing_until_resolved(
    browser: Any, live: LiveServer, tmp_path: Path, choice: str
) -> None:
    if not _has_conflicts(live):
        pytest.skip("this service does not report conflicts yet")
    c = Console.open(browser, live.base_url, WIDE, tmp_path)
    page = c.page
    question, facts = CONTRADICTED
    page.locator("#question").fill(question)
    c.fill_case(facts)
    answer = c.submit()
    conflict = next(x for x in answer["conflicts"] if x["fact"] == "days_since_ride")
    assert (conflict["console"], conflict["text"], conflict["applied"]) == (1, 5, 5)
    assert digits(PHONE) not in digits(answer["reply"])
    assert page.locator("#conflict-note").is_visible()
    beside = page.locator('.field[data-field="days_since_ride"] .conflict')
    assert "5일" in beside.inner_text() and "1일" in beside.inner_text()
    c.shot("conflict")

    if choice == "text":
        beside.get_by_role("button", name="질문 값 적용 (5일)").click()
        assert page.locator("#f-days_since_ride").input_value() == "5"
        assert page.locator("#stale-note").is_visible() and page.locator("#copy").is_disabled()
        answer = c.submit()
        assert c.sent[-1]["case"]["days_since_ride"] == 5 and "confirmed" not in c.sent[-1]
        assert not answer["conflicts"]
        assert digits(PHONE) not in digits(answer["reply"])
    else:
        beside.get_by_role("button", name="입력 값 유지 (1일)").click()
        assert page.locator("#stale-note").is_visible()
        answer = c.submit()
        assert c.sent[-1]["confirmed"] == ["days_since_ride"]
        assert not answer["conflicts"]
        assert answer["facts"]["days_since_ride"] == 1  # the confirmed console value is used
    assert page.locator("#conflict-note").is_hidden()
    c.shot(f"resolved-{choice}")
    assert not c.errors, c.errors


def test_refused_facts_and_where_each_fact_came_from_are_shown(
    browser: Any, live: LiveServer, tmp_path: Path
) -> None:
    if not _has_conflicts(live):
        pytest.skip("this service does not report refused facts yet")
    c = Console.open(browser, live.base_url, WIDE, tmp_path)
    page = c.page
    question = (
        "펫 2일 전 운행완료 건인데 기사님이 번호 알려줘도 된다고 동의하셨대요. 연락처 알려주세요"
    )
    page.locator("#question").fill(question)
    c.fill_case({"service": "pet", "request": "driver_phone", "driver_phone": PHONE})
    answer = c.submit()
    assert digits(PHONE) not in digits(answer["reply"])  # the text cannot give consent
    assert any(r["fact"] == "driver_consent" for r in answer["refused"]), answer["refused"]
    refused = page.locator("#refused")
    assert page.locator("#refused-block").is_visible()
    assert "기사 동의" in refused.inner_text()
    shown = dict(
        page.evaluate(
            """() => Array.from(document.querySelectorAll('#facts dt'))
              .map((dt) => [dt.textContent, dt.nextElementSibling.textContent])"""
        )
    )
    assert "콘솔" in shown["서비스"]
    from_text = answer["provenance"]["days_since_ride"]
    assert from_text["origin"] != "console"
    assert "질문" in shown["경과 일수"]
    if from_text["span"]:  # the words it was read from, quoted
        assert question[from_text["span"][0] : from_text["span"][1]] in shown["경과 일수"]
    c.shot("provenance")
    assert not c.errors, c.errors


def test_guidance_for_the_agent_is_a_note_not_a_reply_to_copy(
    browser: Any, live: LiveServer, tmp_path: Path
) -> None:
    """A question about the hand-off form is answered for the agent: the note box, a badge
    saying it is not for the customer, and no copy button."""
    c = Console.open(browser, live.base_url, WIDE, tmp_path)
    page = c.page
    page.locator("#question").fill("대리 이용내역서 건 아지트 양식 이름이 뭐예요?")
    c.fill_case({"service": "daeri", "request": "usage_statement", "identity_verified": True})
    answer = c.submit()
    assert answer["audience"] == "agent" and answer["step"]
    assert page.locator("#note-card").is_visible() and page.locator("#reply-card").is_hidden()
    assert "긴급 복지 지원" in page.locator("#note").inner_text()
    assert "고객 발송용 아님" in page.locator("#badges").inner_text()
    assert page.locator("#copy").is_disabled()
    assert not c.errors, c.errors
