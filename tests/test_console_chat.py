"""The console's chat mode in headless Chromium against the real service (indexed playbooks,
POST /v1/assist on a loopback port): a pasted transcript, a correcting turn, keyboard-only turns
and a new case, at 1280×720 and 800×900. The page's request bodies are recorded as it sends them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from console_page import CHROMIUM, NARROW, WIDE, Console, chromium
from http_server import LiveServer, serve_app, wait_healthy

from api.app import create_app
from core.settings import Settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

REPO = Path(__file__).resolve().parents[1]
NAME, EMAIL = "홍길동", "hong.gd@example.com"
# A 대리 이용내역서 chat through the identity check and the information collection.
TRANSCRIPT = [
    ("customer", "3일 전에 탄 대리 이용내역서가 필요해요. 법원에 제출해야 해요"),
    (
        "agent",
        "이용내역서는 이용자 본인에게만 발급해드리고 있어요. "
        "카카오 T 앱을 통해 호출하신 본인이십니까?",
    ),
    ("customer", "네"),
    ("agent", "이용내역서 발급을 위해 아래 내용 확인 부탁드려요."),
    ("customer", "대리 앱이고 취소내역은 빼주세요. 2024년 1월 1일부터 3월 31일까지요"),
    ("agent", "카카오계정의 이메일 주소로 발송해 드리면 될까요?"),
    ("customer", "아니요 다른 메일로 받고 싶어요"),
    ("agent", "개인정보 수집 동의가 필요합니다. - 수집 항목 : 성함, 이메일주소"),
    ("customer", f"동의합니다. {NAME}, {EMAIL}"),
]
PASTE = "\n".join(f"{'고객' if r == 'customer' else '상담사'}: {t}" for r, t in TRANSCRIPT)
CORRECTION = "아 3일이 아니라 5일 전이에요"


class ChatConsole(Console):
    """A console tab that also records the /v1/assist bodies it sends."""

    assist_sent: list[dict[str, Any]]

    def _on_request(self, request: Any) -> None:
        if request.url.endswith("/v1/assist") and request.method == "POST":
            if not hasattr(self, "assist_sent"):
                self.assist_sent = []
            self.assist_sent.append(json.loads(request.post_data or "{}"))
        super()._on_request(request)

    def sent_assist(self) -> list[dict[str, Any]]:
        return list(getattr(self, "assist_sent", []))

    def add_turns(self, text: str) -> dict[str, Any]:
        """Paste or type ``text`` into the chat box, add it with Ctrl+Enter and wait for the
        refreshed answer (debounced); return the answer's JSON."""
        page = self.page
        page.locator("#turn-text").fill(text)
        with page.expect_response(lambda r: r.url.endswith("/v1/assist"), timeout=120_000) as info:
            page.locator("#turn-text").press("Control+Enter")
        data: dict[str, Any] = info.value.json()
        page.wait_for_function("() => !document.querySelector('#submit').disabled")
        page.wait_for_function(
            "() => !document.querySelector('#result').classList.contains('stale')"
        )
        return data


@pytest.fixture(scope="module")
def live(indexed_settings: Settings) -> Iterator[LiveServer]:
    with serve_app(create_app(indexed_settings)) as server:
        wait_healthy(server.base_url)
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def _open_chat(browser: Any, live: LiveServer, viewport: dict[str, int], tmp: Path) -> ChatConsole:
    c = ChatConsole.open(browser, live.base_url, viewport, tmp)
    assert isinstance(c, ChatConsole)
    c.page.get_by_role("button", name="채팅").click()
    assert c.page.locator("#chat-pane").is_visible()
    return c


def _role(page: Any) -> str:
    return str(
        page.evaluate(
            "() => document.querySelector('.role-btn[aria-pressed=\"true\"]').dataset.role"
        )
    )


VIEWPORTS = pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280x720", "800x900"])


@VIEWPORTS
def test_pasted_transcript_shows_step_turns_and_ticket(
    browser: Any, live: LiveServer, tmp_path: Path, viewport: dict[str, int]
) -> None:
    c = _open_chat(browser, live, viewport, tmp_path)
    page = c.page
    answer = c.add_turns(PASTE)
    # the transcript became its turns, in order, with their roles
    assert c.sent_assist()[-1]["conversation"] == [{"role": r, "text": t} for r, t in TRANSCRIPT]
    assert page.locator("#chat-log li").count() == len(TRANSCRIPT)
    # the step the reply is for, above the reply
    assert answer["step"]
    assert page.locator("#step-text").inner_text() == answer["step"]
    step_y = page.locator("#step").bounding_box()["y"]
    shown = "#reply-card" if page.locator("#reply-card").is_visible() else "#note-card"
    assert step_y < page.locator(shown).bounding_box()["y"]
    # each fact read from the chat names its turn as the agent counts them, with the words
    facts_text = page.locator("#facts").inner_text()
    ident = answer["provenance"]["identity_verified"]
    assert ident["turn"] == 2
    assert "2번째 고객 메시지 “네”" in facts_text
    assert "1번째 고객 메시지 “" in facts_text
    # the ticket: title, fields, missing fields highlighted, personal data only in the attachment
    ticket = answer["handoff"]
    assert ticket is not None
    assert page.locator("#handoff").is_visible()
    assert ticket["title"] in page.locator("#handoff-title").inner_text()
    ticket_text = page.locator("#handoff-text").inner_text()
    assert ticket_text.strip() == ticket["text"].strip()
    assert NAME not in ticket_text and EMAIL not in ticket_text
    highlighted = page.locator("#handoff-fields .missing-field").all_inner_texts()
    assert len(highlighted) == len(ticket["missing"])
    assert page.locator("#handoff-missing").is_visible() == bool(ticket["missing"])
    attachment = page.locator("#attachment")
    assert attachment.is_visible() and "개인정보" in attachment.inner_text()
    assert NAME in attachment.inner_text() and EMAIL in attachment.inner_text()
    # the copy button copies the ticket text only
    page.get_by_role("button", name="티켓 본문 복사").click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.strip() == ticket["text"].strip()
    assert NAME not in copied and EMAIL not in copied
    path = c.shot(f"chat-{viewport['width']}")
    if viewport == WIDE:
        page.locator("#step").scroll_into_view_if_needed()
        page.screenshot(path=str(path))
        shutil.copyfile(path, REPO / "docs" / "console_chat.png")
    assert not c.errors, c.errors


@VIEWPORTS
def test_correcting_turn_marks_stale_then_refreshes(
    browser: Any, live: LiveServer, tmp_path: Path, viewport: dict[str, int]
) -> None:
    c = _open_chat(browser, live, viewport, tmp_path)
    page = c.page
    first = c.add_turns(PASTE)
    assert first["facts"]["days_since_ride"] == 3
    page.locator("#turn-text").fill(CORRECTION)
    page.locator('.role-btn[data-role="customer"]').click()
    with page.expect_response(lambda r: r.url.endswith("/v1/assist"), timeout=120_000) as info:
        page.locator("#turn-text").press("Control+Enter")
        # at once, before the debounced refresh: the old answer is marked stale, copy disabled
        assert page.locator("#result").evaluate("(n) => n.classList.contains('stale')")
        assert page.locator("#stale-note").is_visible()
        assert page.locator("#copy").is_disabled()
        assert page.locator("#copy-ticket").is_disabled()
    second = info.value.json()
    page.wait_for_function("() => !document.querySelector('#result').classList.contains('stale')")
    assert second["facts"]["days_since_ride"] == 5
    assert f"{len(TRANSCRIPT) // 2 + 2}번째 고객 메시지" in page.locator("#facts").inner_text()
    bodies = c.sent_assist()
    assert len(bodies) == 2
    expected = [{"role": r, "text": t} for r, t in TRANSCRIPT]
    assert bodies[0]["conversation"] == expected
    assert bodies[1]["conversation"] == [*expected, {"role": "customer", "text": CORRECTION}]
    assert not c.errors, c.errors


@VIEWPORTS
def test_keyboard_only_turns_with_roles(
    browser: Any, live: LiveServer, tmp_path: Path, viewport: dict[str, int]
) -> None:
    c = ChatConsole.open(browser, live.base_url, viewport, tmp_path)
    page = c.page
    page.locator("#question").focus()
    page.keyboard.press("Alt+2")  # to the chat
    assert page.evaluate("() => document.activeElement.id") == "turn-text"
    assert "Ctrl" in page.locator("#shortcuts").inner_text()
    # first turn: customer (the default role), typed and added with Ctrl+Enter
    page.keyboard.type(TRANSCRIPT[0][1])
    with page.expect_response(lambda r: r.url.endswith("/v1/assist"), timeout=120_000):
        page.keyboard.press("Control+Enter")
    page.wait_for_function("() => !document.querySelector('#submit').disabled")
    # the role switches to the agent after a customer turn; the agent's question, by keyboard
    assert _role(page) == "agent"
    page.keyboard.type(TRANSCRIPT[1][1])
    page.keyboard.press("Control+Enter")
    # after the agent's turn the customer is next; the role is also chosen by keyboard:
    # Shift+Tab to the role buttons (Space presses one) or Alt+R from the message box
    assert _role(page) == "customer"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.dataset.role") == "agent"
    page.keyboard.press("Space")
    assert _role(page) == "agent"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.dataset.role") == "customer"
    page.keyboard.press("Space")
    assert _role(page) == "customer"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "turn-text"
    page.keyboard.press("Alt+R")
    assert _role(page) == "agent"
    page.keyboard.press("Alt+R")
    assert _role(page) == "customer"
    page.keyboard.type(TRANSCRIPT[2][1])
    with page.expect_response(lambda r: r.url.endswith("/v1/assist"), timeout=120_000) as info:
        page.keyboard.press("Control+Enter")
    answer = info.value.json()
    page.wait_for_function("() => !document.querySelector('#result').classList.contains('stale')")
    assert c.sent_assist()[-1]["conversation"] == [
        {"role": r, "text": t} for r, t in TRANSCRIPT[:3]
    ]
    assert page.locator("#step-text").inner_text() == answer["step"]
    # Tab from the chat box reaches the add button and then the request button
    page.locator("#turn-text").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "add-turn"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "submit"
    assert not c.errors, c.errors


@VIEWPORTS
def test_new_case_clears_the_chat(
    browser: Any, live: LiveServer, tmp_path: Path, viewport: dict[str, int]
) -> None:
    c = _open_chat(browser, live, viewport, tmp_path)
    page = c.page
    c.add_turns(PASTE)
    page.keyboard.press("Alt+N")
    assert page.locator("#chat-log li").count() == 0
    assert page.locator("#result").is_hidden()
    assert page.locator("#handoff-text").inner_text() == ""
    assert NAME not in page.locator("body").inner_text()
    assert page.evaluate("() => document.activeElement.id") == "turn-text"
    # the next customer: a lost wallet and a plate, handed to another team with fields missing
    nxt = [
        ("customer", "펫 차량번호 알 수 있을까요"),
        ("agent", "기사님 개인정보가 필요하신 사유를 말씀할 수 있으실까요?"),
        ("customer", "지갑을 두고 내렸어요"),
    ]
    answer = c.add_turns(
        "\n".join(f"{'고객' if r == 'customer' else '상담사'}: {t}" for r, t in nxt)
    )
    assert c.sent_assist()[-1]["conversation"] == [{"role": r, "text": t} for r, t in nxt]
    assert c.sent_assist()[-1].get("confirmed", []) == []
    assert page.locator("#chat-log li").count() == len(nxt)
    ticket = answer["handoff"]
    assert ticket is not None and ticket["missing"], ticket
    assert page.locator("#handoff-missing").is_visible()
    shown_missing = page.locator("#handoff-fields .missing-field").all_inner_texts()
    assert len(shown_missing) == len(ticket["missing"])
    assert page.locator("#handoff-missing li").count() == len(ticket["missing"])
    assert page.locator("#attachment").is_hidden()  # this ticket carries no personal data
    c.shot(f"chat-next-{viewport['width']}")
    body = page.locator("body").inner_text()
    assert NAME not in body and EMAIL not in body
    assert not c.errors, c.errors
