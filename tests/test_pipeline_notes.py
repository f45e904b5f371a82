"""Single questions through the whole pipeline: a note of where the procedure stands moves the
answer to the next step, a question about the hand-off gets guidance for the agent, and the
reasons for an issued statement (agency, repeated request, a ride past one year) reach the
본인확인 step rather than the app guidance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from core.settings import Settings
from policy_guard import check
from policy_guard.facts import CaseFacts
from policy_guard.verdict import Violation
from rag.drafting.base import DraftContext
from rag.pipeline import SuggestionPipeline, build_pipeline

TODAY = date(2026, 11, 23)
STATEMENT: dict[str, Any] = {"service": "daeri", "request": "usage_statement"}
VERIFIED: dict[str, Any] = {**STATEMENT, "identity_verified": True}
IDENTITY_QUESTION = "본인이십니까"
EMAIL_STEP = "닉네임"


@pytest.fixture(scope="module")
def pipeline(indexed_settings: Settings) -> SuggestionPipeline:
    return build_pipeline(indexed_settings)


@dataclass(frozen=True)
class Row:
    question: str
    case: dict[str, Any]
    include: str  # a phrase the reply must hold
    step: str | None = None
    audience: str = "customer"


ROWS: list[Row] = [
    # notes of where the procedure stands
    Row(
        "내역서 건 본인 인증 됐고 필요 정보 네 가지 다 받아 놨어요. 다음?",
        VERIFIED,
        EMAIL_STEP,
        "⑤ 이메일 발급 안내",
    ),
    Row(
        "제출처 검찰청, 두 앱 다, 취소 제외, 최근 6개월 전부 받음. 이어서 뭐라고 해요",
        VERIFIED,
        EMAIL_STEP,
        "⑤ 이메일 발급 안내",
    ),
    Row(
        "발급 필요 정보 확인 완료했어요 이후 안내 멘트", VERIFIED, EMAIL_STEP, "⑤ 이메일 발급 안내"
    ),
    Row("이용내역서 필요 정보는 아직 못 받았어요", VERIFIED, "발급 필요사유"),
    # without the console's identity the note cannot skip 본인확인
    Row("이용내역서 고객 본인확인 끝, 필요 정보 다 받았어요", STATEMENT, IDENTITY_QUESTION),
    # the hand-off itself: guidance for the agent
    Row(
        "이용내역서 접수 글 올릴 때 양식 이름이?",
        VERIFIED,
        "긴급 복지 지원",
        "⑥ 아지트 작성",
        "agent",
    ),
    Row(
        "내역서 이메일 안내까지 끝났는데 아지트엔 뭐라고 올려요",
        VERIFIED,
        "긴급 복지 지원",
        "⑥ 아지트 작성",
        "agent",
    ),
    Row(
        "탈퇴 고객 이용내역서 건인데 고객 연락처랑 이메일은 어디에 적나요",
        {**VERIFIED, "withdrawn": True, "collection_consent": True},
        "엑셀",
        "⑥ 아지트 작성",
        "agent",
    ),
    # reasons for an issued statement
    Row("대리 이용내역서 보험사에 제출한다고 메일로 달래요", STATEMENT, IDENTITY_QUESTION),
    Row("대리 이용내역서 재발급 원하세요", STATEMENT, IDENTITY_QUESTION),
    Row("2024년 봄에 이용한 대리 내역 서류로 받고 싶대요", STATEMENT, IDENTITY_QUESTION),
    Row("대리 이용 기록 작년 초 건이 필요하대요", STATEMENT, IDENTITY_QUESTION),
    Row("대리 이용내역서 필요하대요", {**STATEMENT, "days_since_ride": 500}, IDENTITY_QUESTION),
    Row("행정복지센터 낼 대리 이용내역서", STATEMENT, IDENTITY_QUESTION),
    # no reason for an issued statement: the app guidance stays
    Row("대리 이용내역 앱에서 어떻게 봐요?", STATEMENT, "앱을 통해"),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.question[:24])
def test_row(row: Row, pipeline: SuggestionPipeline) -> None:
    sug = pipeline.suggest(row.question, CaseFacts.model_validate(row.case), today=TODAY)
    assert sug.grounded and sug.guard.allowed and check(sug.reply, sug.facts).allowed
    assert row.include in sug.reply, sug.reply
    assert sug.step == row.step
    assert sug.audience == row.audience
    if row.step is not None:
        assert sug.citations[0].section.endswith(row.step)


def test_chat_mode_does_not_read_notes(pipeline: SuggestionPipeline) -> None:
    question = "이용내역서 접수 글 올릴 때 양식 이름이?"
    sug = pipeline.suggest(question, CaseFacts.model_validate(VERIFIED), TODAY, notes=False)
    assert sug.audience == "customer" and sug.step is None


class _Drafter:
    name = "fake-llm"

    def __init__(self) -> None:
        self.calls = 0

    def draft(self, ctx: DraftContext, violations: Sequence[Violation] = ()) -> str:
        self.calls += 1
        return "고객님, 확인 후 안내드리겠습니다."


def test_agent_guidance_is_never_rewritten_by_a_model(indexed_settings: Settings) -> None:
    drafter = _Drafter()
    base = build_pipeline(indexed_settings)
    pipeline = SuggestionPipeline(indexed_settings, base.retriever, drafter)
    sug = pipeline.suggest("이용내역서 아지트 양식?", CaseFacts.model_validate(VERIFIED), TODAY)
    assert sug.audience == "agent" and drafter.calls == 0 and sug.drafter == "composed"
    assert "긴급 복지 지원" in sug.reply
