"""An agent asks which 상담유형 (counsel type) to set: the reply is the playbook's 상담유형 line for
the Q the question (or the console case) is about, verbatim, marked as guidance for the agent,
cited to that Q's block and guarded. A customer question that says 유형 of something else
("차량 유형") is not such a question.

The table below was written for this test from the playbooks, not from any evaluation set."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from core.settings import Settings
from ingest.pipeline import ingest_kb
from policy_guard import CaseFacts
from rag.counsel import UNCOVERED_REPLY, UNKNOWN_CASE_REPLY
from rag.facts import read_question
from rag.pipeline import SuggestionPipeline, build_pipeline

PET = "004_2b128af64891507b.txt"
DAERI = "000_4a33bc4c81567f35.txt"
PET_MAIN = "펫_승객 ▶ 요청사유에 따라 상담유형 설정 ▶ 펫"
PET_BRANCH = "사유 파악불가 시 : 서비스가입/설치/내정보 ▶ 이용기록/영수증"
PET_BOTH = f"상담유형: {PET_MAIN}\nㄴ {PET_BRANCH}"
DAERI_TYPE = "상담유형: 대리_고객 ▶ 가입/내정보 ▶ 이용기록/영수증 ▶ 기타"

# (question, console case, playbook, Q of the cited block, reply, the reason asked for)
HELD_OUT: list[tuple[str, dict[str, Any], str, str, str, bool]] = [
    (
        "이 건 상담유형 뭘로 잡아요?",
        {"service": "pet", "request": "driver_phone"},
        PET,
        "Q1.",
        PET_BOTH,
        True,
    ),
    (
        "분류 어디로 해요",
        {"service": "daeri", "request": "usage_statement"},
        DAERI,
        "Q1.",
        DAERI_TYPE,
        False,
    ),
    ("티켓 카테고리 뭐예요? 대리 이용내역서 건", {}, DAERI, "Q1.", DAERI_TYPE, False),
    (
        "유형 코드?",
        {"service": "pet", "request": "vehicle_plate", "reason": "lost_item"},
        PET,
        "Q1.",
        f"상담유형: {PET_MAIN}",
        False,
    ),
    (
        "which counsel category?",
        {"service": "pet", "request": "driver_phone"},
        PET,
        "Q1.",
        PET_BOTH,
        True,
    ),
    (
        "사유 파악 안 되면 유형은?",
        {"service": "pet", "request": "driver_phone"},
        PET,
        "Q1.",
        f"상담유형: {PET_BRANCH}",
        False,
    ),
    ("펫 차번 요청 건 뭘로 찍어요", {}, PET, "Q1.", PET_BOTH, True),
    (
        "펫 기사 연락처 분실물 건인데 상담 유형 알려줘",
        {},
        PET,
        "Q1.",
        f"상담유형: {PET_MAIN}",
        False,
    ),
    ("이용내역서 발급 문의 인입 유형 어디로?", {}, DAERI, "Q1.", DAERI_TYPE, False),
    (
        "what category do I log this under",
        {"service": "daeri", "request": "usage_statement"},
        DAERI,
        "Q1.",
        DAERI_TYPE,
        False,
    ),
    (
        "배차 후 취소된 펫 건 기사 번호 요청, 상담유형 설정 어떻게 해요",
        {},
        PET,
        "Q2.",
        PET_BOTH,
        True,
    ),
    (
        "ticket type for this one?",
        {"service": "pet", "request": "driver_name"},
        PET,
        "Q1.",
        PET_BOTH,
        True,
    ),
    (
        "고객이 사유는 말 안 해요. 펫 기사 연락처 건 분류는?",
        {},
        PET,
        "Q1.",
        f"상담유형: {PET_BRANCH}",
        False,
    ),
    (
        "how do I classify this case",
        {"service": "daeri", "request": "usage_statement"},
        DAERI,
        "Q1.",
        DAERI_TYPE,
        False,
    ),
    (
        "사유 파악 불가면 분류는 어떻게 해요?",
        {"service": "pet", "request": "driver_phone", "reason": "lost_item"},
        PET,
        "Q1.",
        f"상담유형: {PET_BRANCH}",
        False,
    ),
    (
        "운임 못 내고 내린 펫 건 코드 뭘로 잡죠",
        {"service": "pet"},
        PET,
        "Q1.",
        f"상담유형: {PET_MAIN}",
        False,
    ),
]


@pytest.fixture(scope="module")
def pipeline(indexed_settings: Settings) -> SuggestionPipeline:
    return build_pipeline(indexed_settings)


@pytest.mark.parametrize(
    ("question", "case", "source", "q", "reply", "asks_reason"),
    HELD_OUT,
    ids=[row[0] for row in HELD_OUT],
)
def test_counsel_type_question_gets_the_playbook_line(
    question: str,
    case: dict[str, Any],
    source: str,
    q: str,
    reply: str,
    asks_reason: bool,
    pipeline: SuggestionPipeline,
) -> None:
    s = pipeline.suggest(question, CaseFacts.model_validate(case))
    assert s.audience == "agent"
    assert s.grounded and s.guard.allowed
    assert s.reply == reply
    cited = s.citations[0]
    assert cited.source == source
    assert cited.section.startswith(q) and cited.section.endswith("상담유형")
    assert cited.text is not None and s.reply.split(": ", 1)[1].splitlines()[0] in cited.text
    assert any("사유" in a for a in s.ask) == asks_reason


CUSTOMER_QUESTIONS = [
    ("고객이 차량 유형 물어보는데 펫 어제 운행완료 건이에요", {"service": "pet"}),
    ("차량 유형이랑 차번 알려달래요 펫 어제 운행완료", {}),
    ("반려견 분류가 어떻게 되냐고 물어보세요", {"service": "pet"}),
    ("쿠폰 코드 어디에 입력해요", {}),
    ("펫 운행 중 사고 났는데 사건 유형이 뭔지 물어봐요", {"service": "pet"}),
    ("펫 기사 연락처 알려달래요", {"service": "pet"}),
]


@pytest.mark.parametrize(
    ("question", "case"), CUSTOMER_QUESTIONS, ids=[q for q, _ in CUSTOMER_QUESTIONS]
)
def test_customer_question_with_a_kind_word_is_not_a_counsel_question(
    question: str, case: dict[str, Any], pipeline: SuggestionPipeline
) -> None:
    assert not read_question(question).counsel_type
    s = pipeline.suggest(question, CaseFacts.model_validate(case))
    assert s.audience == "customer"
    # no 상담유형 line offered as a customer message
    assert PET_MAIN not in s.reply and "상담유형" not in s.reply


def test_plate_question_naming_the_vehicle_kind_still_gets_the_plate_script(
    pipeline: SuggestionPipeline,
) -> None:
    s = pipeline.suggest("차량 유형이랑 차번 알려달래요 펫 어제 운행완료", CaseFacts())
    assert s.grounded and s.audience == "customer"
    assert "차량번호 요구" in s.citations[0].section


def test_unknown_case_is_said_and_cites_nothing(pipeline: SuggestionPipeline) -> None:
    s = pipeline.suggest("이 건 상담유형 뭘로 잡아요?", CaseFacts())
    assert (s.audience, s.grounded, s.reply, s.citations) == (
        "agent",
        False,
        UNKNOWN_CASE_REPLY,
        [],
    )


def test_service_no_playbook_covers_gets_no_type(pipeline: SuggestionPipeline) -> None:
    s = pipeline.suggest("킥보드 고장 신고 건 상담유형 뭐예요", CaseFacts())
    assert (s.audience, s.grounded, s.reply, s.citations) == ("agent", False, UNCOVERED_REPLY, [])


def test_console_values_stay_out_of_the_guidance(pipeline: SuggestionPipeline) -> None:
    case = CaseFacts(service="pet", request="driver_phone", driver_phone="010-8765-4321")
    s = pipeline.suggest("상담유형?", case)
    assert s.audience == "agent" and s.reply == PET_BOTH and s.guard.allowed


@pytest.fixture(scope="module")
def with_taxi(tmp_path_factory: pytest.TempPathFactory) -> SuggestionPipeline:
    """The seeds plus a synthetic taxi playbook whose two Qs have different types."""
    from tests.conftest import KB_DIR, MODEL_CACHE

    root = tmp_path_factory.mktemp("counsel")
    kb = root / "kb"
    shutil.copytree(KB_DIR, kb)
    shutil.copy(Path(__file__).parent / "data" / "playbooks" / "101_taxi_lost_item.txt", kb)
    settings = Settings(kb_dir=kb, data_dir=root / "data", model_cache_dir=MODEL_CACHE)
    ingest_kb(settings)
    return build_pipeline(settings)


@pytest.mark.parametrize(
    ("question", "reply", "q"),
    [
        (
            "택시에 지갑 두고 내렸대요 상담유형 뭘로 잡아요",
            "택시_승객 ▶ 분실물 ▶ 분실물 접수",
            "Q1.",
        ),
        (
            "찾은 분실물 택배로 받고 싶대요, 분류 어디로 해요",
            "택시_승객 ▶ 분실물 ▶ 분실물 전달",
            "Q2.",
        ),
    ],
)
def test_the_question_decides_the_q_of_another_playbook(
    question: str, reply: str, q: str, with_taxi: SuggestionPipeline
) -> None:
    s = with_taxi.suggest(question, CaseFacts(service="taxi"))
    assert s.audience == "agent" and s.grounded
    assert s.reply == f"상담유형: {reply}"
    assert s.citations[0].source == "101_taxi_lost_item.txt"
    assert s.citations[0].section.startswith(q)
