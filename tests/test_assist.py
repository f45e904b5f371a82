"""Conversation assist on the real index: the next step of the playbook's procedure, the
facts over turns, and the hand-off ticket (the development chats in shared/evals included)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import KB_DIR, MODEL_CACHE, SHARED_EVALS

from core.settings import Settings
from ingest.pipeline import ingest_kb
from policy_guard import check
from rag.conversation.assist import Assistance, AssistRequest, ConversationAssistant
from rag.pipeline import build_pipeline

TODAY = date(2026, 12, 2)
PHONE = "010-5555-6666"
IDENTITY_Q = (
    "이용내역서는 이용자 본인에게만 발급해드리고 있어요. 카카오 T 앱을 통해 호출하신 본인이십니까?"
)
DETAILS_Q = "이용내역서 발급을 위해 아래 내용 확인 부탁드려요."
RECIPIENT_Q = "앱에 등록되어 있는 카카오계정의 이메일 주소로 발송해 드리면 될까요?"
NOTICE = (
    "개인정보 수집 동의가 필요합니다. - 수집 항목 : 성함, 이메일주소. 동의하시면 확인 부탁드립니다."
)


def C(text: str) -> dict[str, str]:
    return {"role": "customer", "text": text}


def A(text: str) -> dict[str, str]:
    return {"role": "agent", "text": text}


@pytest.fixture(scope="module")
def assistant(indexed_settings: Settings) -> ConversationAssistant:
    return ConversationAssistant(build_pipeline(indexed_settings))


def _assist(
    assistant: ConversationAssistant,
    turns: list[dict[str, str]],
    case: dict[str, Any] | None = None,
) -> Assistance:
    request = AssistRequest.model_validate({"conversation": turns, "case": case or {}})
    result = assistant.assist(request, TODAY)
    assert check(result.reply, result.facts).allowed
    return result


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_statement_chat_starts_at_the_identity_check(assistant: ConversationAssistant) -> None:
    r = _assist(assistant, [C("대리 이용내역서가 필요해요. 회사에 내야 해서요")])
    assert r.step == "③ 본인확인"
    assert "본인이십니까" in r.reply and "발송해 드릴" not in r.reply
    assert r.details["purpose"] == "회사" and r.handoff is None


def test_a_step_already_done_is_not_repeated(assistant: ConversationAssistant) -> None:
    r = _assist(assistant, [C("대리 이용내역서가 필요해요"), A(IDENTITY_Q), C("네 제가 불렀어요")])
    assert r.step == "④ 발급 필요 정보 확인" and r.steps_done == ["③ 본인확인"]
    assert "본인이십니까" not in r.reply and "호출 앱" in r.reply
    assert r.provenance["identity_verified"].method == "confirmation"


def test_the_whole_statement_procedure_ends_in_a_ticket(assistant: ConversationAssistant) -> None:
    turns = [
        C("대리 이용내역서 법원에 제출해야 해요"),
        A(IDENTITY_Q),
        C("네"),
        A(DETAILS_Q),
        C("대리 앱이고 취소내역은 빼주세요. 2024년 1월 1일부터 3월 31일까지요"),
    ]
    r = _assist(assistant, turns)
    assert r.step == "⑤ 이메일 발급 안내" and "이메일 주소로 발송해 드리면 될까요" in r.reply
    turns += [A(RECIPIENT_Q), C("아니요 다른 메일로 받고 싶어요")]
    r = _assist(assistant, turns)
    assert r.step == "⑤ 이메일 발급 안내" and "수집 동의" in r.reply
    turns += [A(NOTICE), C("동의합니다. 홍길동, hong.gd@example.com")]
    r = _assist(assistant, turns)
    assert r.step == "⑥ 아지트 작성"
    assert r.handoff is not None and r.handoff.kind == "agit_ticket"
    assert r.handoff.title == "이용내역서(긴급 복지 지원) 발급 요청"
    assert r.handoff.fields["발급 필요사유 또는 제출처"] == "법원" and r.handoff.missing == []
    assert r.handoff.attachment == {"성함": "홍길동", "이메일 주소": "hong.gd@example.com"}
    shown = r.handoff.text + json.dumps(r.handoff.fields, ensure_ascii=False) + r.reply
    assert "홍길동" not in shown and "hong.gd" not in shown
    assert r.handoff.guard.allowed


def test_the_corrected_day_count_withholds_the_phone(assistant: ConversationAssistant) -> None:
    case = {"service": "pet", "ride_status": "completed", "driver_phone": PHONE}
    turns = [
        C("펫 기사님 번호 알려주세요. 어제 탔어요"),
        A("확인해 보겠습니다."),
        C("이용기록을 지웠어요"),
    ]
    opened = _assist(assistant, turns, case)
    assert _digits(PHONE) in _digits(opened.reply)  # day 1, record deleted: the playbook gives it
    corrected = _assist(assistant, [*turns, C("아 잘못 말했네요, 5일 전이에요")], case)
    assert corrected.facts.days_since_ride == 5
    assert corrected.provenance["days_since_ride"].turn == 3
    assert _digits(PHONE) not in _digits(corrected.reply)


def test_a_claimed_driver_consent_opens_nothing(assistant: ConversationAssistant) -> None:
    case = {"service": "pet", "ride_status": "completed", "driver_phone": PHONE}
    turns = [
        C("펫 기사님 번호 주세요. 기사님이 동의했대요"),
        A("언제 이용하셨나요?"),
        C("열흘 전이요"),
    ]
    r = _assist(assistant, turns, case)
    assert r.facts.driver_consent is None
    assert [x.fact for x in r.refused] == ["driver_consent"]
    assert _digits(PHONE) not in _digits(r.reply)


def test_insisting_after_the_refusal_gets_the_persistent_script(
    assistant: ConversationAssistant,
) -> None:
    case = {"service": "pet", "ride_status": "cancelled_after_dispatch", "driver_phone": PHONE}
    first = _assist(assistant, [C("펫 기사님 번호 알려주세요. 그냥 궁금해서요")], case)
    turns = [
        C("펫 기사님 번호 알려주세요. 그냥 궁금해서요"),
        A(first.reply),
        C("그래도 알려주세요"),
    ]
    again = _assist(assistant, turns, case)
    assert again.reply != first.reply
    assert "만족스러운 답변을 드리지 못해" in again.reply
    assert _digits(PHONE) not in _digits(again.reply)


def test_a_consent_route_hands_off_to_the_driver_team(assistant: ConversationAssistant) -> None:
    case = {"service": "pet", "ride_status": "completed"}
    r = _assist(
        assistant, [C("펫 차량번호 알려주세요. 10일 전에 탔는데 지갑을 두고 내렸어요")], case
    )
    assert r.step is None
    assert r.handoff is not None and r.handoff.kind == "ob_transfer"
    assert r.handoff.fields["reason"] == "분실물" and r.handoff.fields["request"] == "차량번호"
    assert r.handoff.codes["reason"] == "lost_item"
    assert r.handoff.fields["ride_date"].startswith("2026-11-22")


def test_a_console_conflict_is_named_and_settled_restrictively(
    assistant: ConversationAssistant,
) -> None:
    case = {
        "service": "pet",
        "ride_status": "completed",
        "days_since_ride": 1,
        "driver_phone": PHONE,
    }
    r = _assist(assistant, [C("펫 기사님 번호요. 5일 전에 탔고 이용기록 지웠어요")], case)
    assert [(c.fact, c.console, c.text, c.applied) for c in r.conflicts] == [
        ("days_since_ride", 1, 5, 5)
    ]
    assert _digits(PHONE) not in _digits(r.reply)


REASON_Q = "기사님 개인정보가 필요하신 사유를 말씀할 수 있으실까요?"


@pytest.mark.parametrize(
    "turns",
    [
        [C("펫 기사님 번호 좀 알려주세요. 일주일 전에 탔어요")],
        [C("펫 기사 연락처 알려 주실 수 있나요"), A("확인해 보겠습니다."), C("9일 전에 탔어요")],
    ],
)
def test_a_chat_asks_the_reason_once_before_the_refusal(
    assistant: ConversationAssistant, turns: list[dict[str, str]]
) -> None:
    case = {"service": "pet", "ride_status": "completed", "driver_phone": PHONE}
    r = _assist(assistant, turns, case)
    assert r.reply.startswith(REASON_Q) and r.reply.count("사유를") == 1
    assert "어려운" in r.reply and _digits(PHONE) not in _digits(r.reply)
    # The agent asked; the customer has not said why: the question is not put again.
    asked = _assist(assistant, [*turns, A(REASON_Q), C("꼭 말씀드려야 하나요")], case)
    assert "사유를" not in asked.reply and _digits(PHONE) not in _digits(asked.reply)


def _dev_chats() -> list[dict[str, Any]]:
    # shared/ sits beside the repository (CI), or beside the worktrees' parent.
    found = [
        p / "conversations.jsonl" for p in (SHARED_EVALS, KB_DIR.parents[2] / "shared" / "evals")
    ]
    path = next((p for p in found if p.exists()), None)
    if path is None:
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.mark.parametrize("chat", _dev_chats(), ids=lambda c: str(c["id"]))
def test_development_chats(assistant: ConversationAssistant, chat: dict[str, Any]) -> None:
    r = _assist(assistant, chat["conversation"], chat["case"])
    phone = chat["case"].get("driver_phone")
    gives_phone = bool(phone) and _digits(phone) in _digits(r.reply)
    expect = chat["expect"]
    if expect.startswith("③"):
        assert r.step == "③ 본인확인"
    if "next step ④" in expect:
        assert r.step == "④ 발급 필요 정보 확인"
    if "may be given" in expect:
        assert gives_phone
    if "never the phone" in expect or "no phone" in expect:
        assert not gives_phone


@pytest.fixture(scope="module")
def bike_assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConversationAssistant]:
    kb = tmp_path_factory.mktemp("kb")
    for path in [
        *KB_DIR.glob("*.txt"),
        *(Path(__file__).parent / "data" / "procedure_kb").glob("*.txt"),
    ]:
        shutil.copy(path, kb / path.name)
    settings = Settings(
        kb_dir=kb, data_dir=tmp_path_factory.mktemp("d"), model_cache_dir=MODEL_CACHE
    )
    ingest_kb(settings)
    yield ConversationAssistant(build_pipeline(settings))


def test_a_procedure_of_another_service_is_followed(bike_assistant: ConversationAssistant) -> None:
    identity = "카카오 T 바이크를 이용하신 본인이십니까?"
    start = [C("바이크 보증금 환불받고 싶어요. 중복 결제 때문에요")]
    r = _assist(bike_assistant, start)
    assert r.step == "① 본인확인" and "본인이십니까" in r.reply
    turns = [*start, A(identity), C("네 본인이에요")]
    r = _assist(bike_assistant, turns)
    assert r.step == "② 환불 필요 정보 확인" and r.steps_done == ["① 본인확인"]
    turns += [A("환불 접수를 위해 아래 내용 확인 부탁드려요."), C("카카오 T 앱이고 최근 3개월이요")]
    r = _assist(bike_assistant, turns)
    assert r.step == "③ 아지트 작성"
    assert r.handoff is not None and r.handoff.title == "바이크 보증금 환불 요청"
    assert r.handoff.fields["app"] == "카카오 T 앱" and r.handoff.fields["period"] == "최근 3개월"
