"""The default drafter: approved script in, guard-clean reply out (real guard, no model)."""

from __future__ import annotations

import pytest

from ingest.chunk import Chunk, ChunkConditions
from policy_guard import check, disclosure_allowed
from policy_guard.facts import CaseFacts
from rag.drafting.base import DraftContext
from rag.drafting.composed import NO_SCRIPT_REPLY, ComposedDrafter, compose_reply
from rag.script import channel_variant, derive_script, fill_info_blank


def _chunk(script: str, **conditions: object) -> Chunk:
    return Chunk(
        source="900_test.txt",
        section="Q1 > 상황",
        index=3,
        start=0,
        end=1,
        kind="script",
        text="**Q1 > 상황**\n" + script,
        script=script,
        conditions=ChunkConditions.model_validate(conditions),
    )


PHONE = _chunk(
    "기사님의 연락처 안내드리겠습니다.\n고객님께서 이용하신 기사님 연락처는 000-0000-0000입니다."
)
PLATE = _chunk("고객님께서 예약하신 차량번호는 OO가OOOO으로 확인됩니다.")
OPEN = CaseFacts(
    ride_status="completed",
    days_since_ride=1,
    history_available=False,
    driver_phone="010-8765-4321",
)


def _compose(chunk: Chunk, facts: CaseFacts) -> str:
    reply = compose_reply(chunk, facts, check, disclosure_allowed).reply
    assert check(reply, facts).allowed
    return reply


def test_allowed_placeholder_is_filled_with_the_console_value() -> None:
    reply = _compose(PHONE, OPEN)
    assert "010-8765-4321" in reply and "000-0000-0000" not in reply


def test_allowed_placeholder_without_a_value_is_left_for_the_agent() -> None:
    reply = _compose(PHONE, OPEN.model_copy(update={"driver_phone": None}))
    assert "000-0000-0000" in reply


@pytest.mark.parametrize(
    "update",
    [
        {"days_since_ride": 4},
        {"history_available": None},
        {"ride_status": "cancelled_after_dispatch"},
    ],
)
def test_forbidden_placeholder_sentence_is_dropped(update: dict[str, object]) -> None:
    facts = OPEN.model_copy(update=update)
    reply = _compose(PHONE, facts)
    assert "000-0000-0000" not in reply and "8765" not in reply
    assert "안내드리겠습니다" in reply  # the rest of the script stays


def test_plate_filled_only_inside_its_window() -> None:
    facts = CaseFacts(
        ride_status="completed",
        days_since_ride=6,
        history_available=False,
        vehicle_plate="56다7890",
    )
    assert "56다7890으로" in _compose(PLATE, facts)
    assert _compose(PLATE, facts.model_copy(update={"days_since_ride": 8})) == ""


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        ("driver_name", "기사님의 이름은"),
        ("driver_account", "기사님의 계좌번호는"),
        ("driver_phone", "기사님의 연락처 정보는"),
        ("vehicle_plate", "기사님의 차량번호 정보는"),
    ],
)
def test_refusal_blank_names_the_item(request_: str, expected: str) -> None:
    text = (
        "요청하신 기사님의 OOO은 직접 확인하셔야 합니다. 요청하신 기사님의 OOOO 정보는 어렵습니다."
    )
    filled = fill_info_blank(text, request_)
    assert expected in filled and "OOO" not in filled


def test_promise_to_send_is_removed_without_consent() -> None:
    chunk = _chunk(
        "이용내역서는 이용자 본인에게만 발급해드리고 있어요.\n"
        "확인 감사합니다.\n이용내역서는 요청하신 이메일 주소로 발송해 드릴 예정이에요."
    )
    facts = CaseFacts(service="daeri", withdrawn=True, identity_verified=True)
    comp = compose_reply(chunk, facts, check, disclosure_allowed)
    assert "발송해 드릴 예정" not in comp.reply
    assert "본인에게만" in comp.reply
    assert comp.removed_rules
    assert check(comp.reply, facts).allowed
    consented = facts.model_copy(update={"collection_consent": True})
    assert "발송해 드릴 예정" in _compose(chunk, consented)


def test_channel_variant_and_derived_script() -> None:
    script = "공통 안내입니다.\n[채팅] 채팅 문구입니다.\n[전화] 전화 문구입니다.\n[전화 연결 방법]"
    assert channel_variant(script, None) == "공통 안내입니다.\n채팅 문구입니다.\n[전화 연결 방법]"
    assert "전화 문구입니다." in channel_variant(script, "phone")
    assert "채팅 문구" not in channel_variant(script, "phone")
    text = (
        "**상담유형: 펫**\n※ 내부 메모\n안녕하세요.\n"
        "▶[링크](https://example.com/x)\n| **채팅** | 동의 부탁드립니다. |"
    )
    derived = derive_script(text)
    assert "상담유형" not in derived and "내부 메모" not in derived and "https" not in derived
    assert "안녕하세요." in derived and "[채팅] 동의 부탁드립니다." in derived


def test_composed_drafter_returns_the_composed_reply() -> None:
    ctx = DraftContext(
        question="q", facts=CaseFacts(), chosen=None, hits=[], composed="답변", ask=[]
    )
    assert ComposedDrafter().draft(ctx) == "답변"
    empty = ctx.model_copy(update={"composed": ""})
    assert ComposedDrafter().draft(empty) == NO_SCRIPT_REPLY
