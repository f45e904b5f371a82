"""The console through a shift of customers, in headless Chromium against the real service
(composed drafter, indexed playbooks) on a loopback port: one case at a time, honest badges and
state, long pastes, keyboard use, and a layout that keeps the answer in view at 1280×720 and
800×900. Screenshots go to each test's tmp directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from console_page import CHROMIUM, NARROW, WIDE, Console, chromium, digits
from http_server import LiveServer, serve_app, wait_healthy

from api.app import create_app
from core.settings import Settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

PHONE = "010-8765-4321"
PET_PHONE = (
    "펫 운행완료된 건인데 고객님이 기사님 연락처를 알려달라고 하세요",
    {
        "service": "pet",
        "request": "driver_phone",
        "ride_status": "completed",
        "days_since_ride": 2,
        "history_available": False,
        "driver_phone": PHONE,
    },
)
DAERI_STATEMENT = (
    "대리 이용내역서를 회사 메일로 받고 싶대요",
    {"service": "daeri", "request": "usage_statement", "alt_recipient": True},
)
UNCOVERED = ("택시 요금 결제 카드 변경 방법 알려주세요", {})


@pytest.fixture(scope="module")
def live(indexed_settings: Settings) -> Iterator[LiveServer]:
    with serve_app(create_app(indexed_settings)) as server:
        wait_healthy(server.base_url)
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def _open(browser: Any, live: LiveServer, viewport: dict[str, int], tmp_path: Path) -> Console:
    return Console.open(browser, live.base_url, viewport, tmp_path)


def _answer_in_view(c: Console) -> None:
    """The answer (customer reply or agent note) is on screen and has the focus."""
    shown = "#reply" if c.page.locator("#reply-card").is_visible() else "#note"
    assert c.in_viewport(shown), f"{shown} is off-screen"
    assert c.in_viewport("#badges"), "the badges above the reply are off-screen"
    assert c.page.evaluate("() => document.activeElement.id") in {"reply", "note"}


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280x720", "800x900"])
def test_three_customers_in_a_row_share_nothing(
    browser: Any, live: LiveServer, tmp_path: Path, viewport: dict[str, int]
) -> None:
    c = _open(browser, live, viewport, tmp_path)
    page = c.page
    seen_replies: list[str] = []
    for n, (question, facts) in enumerate((PET_PHONE, DAERI_STATEMENT, UNCOVERED), start=1):
        if n > 1:
            page.keyboard.press("Alt+N")  # the new-case shortcut
            assert page.evaluate("() => document.activeElement.id") == "question"
            assert page.locator("#result").is_hidden()
            values = c.form_values()
            assert all(v in ("", None) for v in values.values()), values
        page.locator("#question").fill(question)
        c.fill_case(facts)
        answer = c.submit(lambda: page.keyboard.press("Control+Enter"))
        c.shot(f"customer-{n}")
        # the page sent exactly this customer's question and facts, nothing older
        assert c.sent[-1] == {"question": question, "case": facts}
        _answer_in_view(c)
        body = page.locator("body").inner_text()
        for old in seen_replies:
            assert old.splitlines()[0] not in body
        if n > 1:
            assert digits(PHONE) not in digits(body)
            assert digits(PHONE) not in digits(str(c.form_values()))
        seen_replies.append(answer["reply"])
        # a citation the search did not score is not shown as a confident 0.000
        scores = page.locator("#citations .cite-score").all_inner_texts()
        assert len(scores) == len(answer["citations"])
        for cite, shown in zip(answer["citations"], scores, strict=True):
            if cite["score"] == 0:
                assert shown == "상담 정보로 선택한 상황"
            else:
                assert f"{cite['score']:.3f}" in shown

        if n == 1:  # allowed disclosure: the approved script with the console's phone
            assert answer["grounded"] and digits(PHONE) in digits(answer["reply"])
            assert page.locator("#copy").is_enabled()
        if n == 2:  # deciding facts still unknown: said at the top, before the reply
            note = page.locator("#ask-note")
            assert note.is_visible()
            assert note.bounding_box()["y"] < page.locator("#reply-card").bounding_box()["y"]
            for item in answer["ask"]:
                assert item in note.inner_text()
        if n == 3:  # no playbook: a note for the agent, not a customer reply
            assert answer["grounded"] is False
            badges = page.locator("#badges").inner_text()
            assert "근거 없음 · 상담사 확인 필요" in badges
            assert "승인 스크립트" not in badges and "가드 통과" not in badges
            assert page.locator("#reply-card").is_hidden()
            assert page.locator("#note").inner_text() == answer["reply"]
            assert not page.get_by_role("button", name="복사").is_visible()
    assert not c.errors, c.errors


def test_new_case_button_clears_question_facts_and_console_values(
    browser: Any, live: LiveServer, tmp_path: Path
) -> None:
    c = _open(browser, live, WIDE, tmp_path)
    page = c.page
    page.locator("#question").fill(PET_PHONE[0])
    c.fill_case(PET_PHONE[1])
    page.locator("#f-days_since_ride-date").wait_for()
    c.submit()
    page.get_by_role("button", name="새 상담").click()
    assert all(v in ("", None) for v in c.form_values().values()), c.form_values()
    assert page.locator("#result").is_hidden()
    page.locator("#question").fill(UNCOVERED[0])
    c.submit()
    assert c.sent[-1] == {"question": UNCOVERED[0], "case": {}}
    assert not c.errors, c.errors


def test_changed_input_greys_the_reply_and_disables_copy(
    browser: Any, live: LiveServer, tmp_path: Path
) -> None:
    c = _open(browser, live, WIDE, tmp_path)
    page = c.page
    page.locator("#question").fill(PET_PHONE[0])
    c.fill_case(PET_PHONE[1])
    c.submit()
    assert page.locator("#copy").is_enabled() and page.locator("#stale-note").is_hidden()
    c.fill_case({"days_since_ride": 5})
    assert page.locator("#stale-note").is_visible()
    assert page.locator("#copy").is_disabled()
    page.keyboard.press("Alt+C")  # the shortcut must not copy a stale reply either
    assert page.locator("#copy-status").inner_text() == ""
    c.shot("stale")
    answer = c.submit()
    assert page.locator("#stale-note").is_hidden()
    assert digits(PHONE) not in digits(answer["reply"])  # 5 days: past the 3-day window
    assert page.locator("#copy").is_enabled()


def test_date_and_day_count_are_one_fact(browser: Any, live: LiveServer, tmp_path: Path) -> None:
    c = _open(browser, live, WIDE, tmp_path)
    page = c.page
    page.locator("#f-days_since_ride").fill("4")
    date = page.locator("#f-days_since_ride-date").input_value()
    assert date == page.evaluate(
        """() => { const d = new Date(); d.setDate(d.getDate() - 4);
          return d.toLocaleDateString('sv-SE'); }"""
    )
    page.locator("#f-days_since_ride-date").fill(
        page.evaluate(
            """() => { const d = new Date(); d.setDate(d.getDate() - 1);
              return d.toLocaleDateString('sv-SE'); }"""
        )
    )
    assert page.locator("#f-days_since_ride").input_value() == "1"


def test_long_paste_keeps_the_newest_text_and_says_what_was_cut(
    browser: Any, live: LiveServer, tmp_path: Path
) -> None:
    c = _open(browser, live, NARROW, tmp_path)
    page = c.page
    limit = int(page.locator("#question-max").inner_text())
    assert limit == 2000
    old = "".join(f"[{i:04d}] 예전 대화 줄입니다.\n" for i in range(150))
    newest = "고객: 펫 기사님 연락처 알려주세요"
    page.locator("#question").fill(old + newest)
    value = page.locator("#question").input_value()
    assert len(value) == limit and value.endswith(newest)
    cut = len(old + newest) - limit
    note = page.locator("#trim-note")
    assert note.is_visible() and f"{cut}자" in note.inner_text() and "[0000]" in note.inner_text()
    c.submit()
    assert c.sent[-1]["question"] == value
    c.shot("long-paste")


def test_keyboard_only_shift(browser: Any, live: LiveServer, tmp_path: Path) -> None:
    c = _open(browser, live, WIDE, tmp_path)
    page = c.page
    page.locator("#question").focus()
    page.keyboard.type("펫 기사님 연락처 알려달래요")
    page.keyboard.press("Enter")  # a newline in the question, not a request
    assert c.sent == []
    page.locator("#f-days_since_ride").focus()
    page.keyboard.type("2")
    page.keyboard.press("Enter")  # Enter in a one-line field sends nothing either
    assert c.sent == []
    page.locator("#question").focus()
    answer = c.submit(lambda: page.keyboard.press("Control+Enter"))
    assert "\n" in answer["reply"]
    _answer_in_view(c)
    # from the question to 복사 in at most 8 tab stops
    page.locator("#question").focus()
    stops = 0
    while page.evaluate("() => document.activeElement.id") != "copy" and stops < 40:
        page.keyboard.press("Tab")
        stops += 1
    assert stops <= 8, f"{stops} tab stops from the question to 복사"
    # the yes/no groups are one stop each, arrows move the choice
    page.locator("#r-history_available-0").focus()
    page.keyboard.press("ArrowRight")
    assert page.locator("#r-history_available-1").is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") != "history_available"
    c.submit(lambda: page.keyboard.press("Control+Enter"))
    page.keyboard.press("Alt+C")
    page.locator("#copy-status").filter(has_text="복사했습니다").wait_for(timeout=5000)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.locator("#reply").evaluate("e => e.textContent")
    assert copied.count("\n") >= 2  # the script keeps its lines
    assert page.locator("#reply").evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
    page.keyboard.press("Alt+G")
    page.locator("#feedback-status").filter(has_text="평가를 저장했습니다").wait_for()
    c.shot("keyboard")
    page.keyboard.press("Alt+N")
    assert page.locator("#question").input_value() == ""
    assert "Alt" in page.locator("#shortcuts").inner_text()


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280x720", "800x900"])
def test_submit_above_the_fold_and_errors_in_view(
    browser: Any, live: LiveServer, tmp_path: Path, viewport: dict[str, int]
) -> None:
    c = _open(browser, live, viewport, tmp_path)
    page = c.page
    box = page.locator("#submit").bounding_box()
    assert box["y"] + box["height"] <= viewport["height"], box
    c.shot("first-view")
    page.locator("#question").fill(PET_PHONE[0])
    page.locator("#f-days_since_ride").fill("99999")  # past the server's bound: a 422
    data = c.submit()
    assert "error" in data
    assert c.in_viewport("#error") and page.locator("#error").is_visible()
    c.shot("error")
