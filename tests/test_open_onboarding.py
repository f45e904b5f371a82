"""A playbook of a service never seen before, whose sibling situations differ only by open
conditions ("영수증 있음" / "영수증 없음", "입차 사진 확인됨" / "미확인", "(현장 대기 중)" /
"(현장 이탈)", "고장 신고 기록 있음" / "없음"), is onboarded by data alone: ingested beside the
seeds into a real Chroma store with the real model and answered by the suggestion pipeline. The
agent's question picks the sibling, whatever its wording; the seeds' answers do not change."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from same_answer import assert_same_answer

from core.settings import Settings
from ingest.pipeline import IngestReport, ingest_kb
from rag.pipeline import SuggestionPipeline, build_pipeline

PLAYBOOKS = Path(__file__).resolve().parent / "data" / "playbooks"
PARKING = "103_parking_exit_refund.txt"
CASE = {"service": "parking"}


@pytest.fixture(scope="module")
def parking_kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, IngestReport]:
    from tests.conftest import KB_DIR, MODEL_CACHE

    root = tmp_path_factory.mktemp("open_onboarding")
    kb = root / "kb"
    shutil.copytree(KB_DIR, kb)
    shutil.copy(PLAYBOOKS / PARKING, kb / PARKING)
    settings = Settings(kb_dir=kb, data_dir=root / "data", model_cache_dir=MODEL_CACHE)
    report = ingest_kb(settings)
    assert PARKING in report.documents_added
    return settings, report


@pytest.fixture(scope="module")
def parking(parking_kb: tuple[Settings, IngestReport]) -> Iterator[SuggestionPipeline]:
    yield build_pipeline(parking_kb[0])


def _suggest(pipeline: SuggestionPipeline, question: str, case: dict[str, Any]) -> Any:
    from policy_guard import CaseFacts

    s = pipeline.suggest(question, CaseFacts.model_validate(case))
    assert s.grounded, question
    assert s.guard.allowed
    return s


def test_the_store_holds_the_open_conditions(parking: SuggestionPipeline) -> None:
    book = parking.catalog().playbooks[PARKING]
    by_section = {c.section.split(" > ")[-1]: c.conditions for c in book.situations}
    none = by_section["2. 출차 후 7일 이내 / 영수증 없음"]
    assert [(c.words, c.polarity) for c in none.open] == [(["영수증"], "negative")]


QUESTIONS = [
    # 영수증 있음 / 없음 (and a known window that still decides first)
    ("주차요금 환불 요청, 출차 3일 됐고 영수증 있대요", "1. 출차 후 7일 이내 / 영수증 있음"),
    ("주차 환불해 달래요. 어제 출차했는데 영수증은 없대요", "2. 출차 후 7일 이내 / 영수증 없음"),
    (
        "주차비 환불 문의, 영수증 못 받았다고 하심 (2일 전 출차)",
        "2. 출차 후 7일 이내 / 영수증 없음",
    ),
    ("parking 환불 요청, receipt 있음, 5일 전 출차", "1. 출차 후 7일 이내 / 영수증 있음"),
    ("주차요금 환불, 영수증 X, 이틀 전 출차", "2. 출차 후 7일 이내 / 영수증 없음"),
    (
        "주차 요금 환불 원함. 영수증 사진 보내줄 수 있대요. 어제 출차",
        "1. 출차 후 7일 이내 / 영수증 있음",
    ),
    ("주차 영수증 잃어버렸는데 환불되나요? 3일 전 출차", "2. 출차 후 7일 이내 / 영수증 없음"),
    ("주차 환불 요청, 출차한 지 10일 지났고 영수증 있음", "3. 출차 후 7일 이후"),
    # 고장 신고 기록 있음 / 없음
    ("주차 정산기 오류로 요금이 잘못 나왔대요, 고장 신고 기록 있음", "1. 고장 신고 기록 있음"),
    ("정산기 고장으로 주차비 결제 잘못됨. 고장 신고 기록 안 남아 있음", "2. 고장 신고 기록 없음"),
    ("주차장 정산기 error, 고장신고 기록 없대요", "2. 고장 신고 기록 없음"),
    ("주차 정산기 오작동 신고 이력 확인됨, 환불 요청", "1. 고장 신고 기록 있음"),
    # (현장 대기 중) / (현장 이탈)
    ("주차장 차단기가 안 열려서 고객이 현장에서 기다리는 중", "(현장 대기 중)"),
    ("주차장 차단기 안 열려서 그냥 나갔대요. 이미 현장 떠나심", "(현장 이탈)"),
    ("주차 출차 차단기 미개방, 고객은 현장 대기 중 아님", "(현장 이탈)"),
    ("주차 차단기 고장으로 못 나가고 아직 대기중이래요", "(현장 대기 중)"),
    # 입차 사진 확인됨 / 미확인
    ("주차 입차 시간이 잘못 찍혔대요. 입차 사진은 확인됐어요", "① 입차 사진 확인됨"),
    ("주차 입차 시간 오류, 입차 사진은 없대요", "② 입차 사진 미확인"),
    ("주차 입차 시간 오류인데 입차 사진 확인 안 됨", "② 입차 사진 미확인"),
    ("parking 입차시간 오류, 입차 photo 있음", "① 입차 사진 확인됨"),
]


@pytest.mark.parametrize(("question", "section"), QUESTIONS)
def test_the_question_picks_the_sibling(
    parking: SuggestionPipeline, question: str, section: str
) -> None:
    s = _suggest(parking, question, CASE)
    assert s.citations[0].source == PARKING
    assert s.citations[0].section.endswith(section), s.citations[0].section


def test_a_refund_is_not_promised_without_the_receipt(parking: SuggestionPipeline) -> None:
    s = _suggest(parking, "주차 환불 요청인데 영수증이 없대요. 어제 출차", CASE)
    assert "환불을 약속드리기 어려운" in s.reply
    assert "바로 환불해 드렸어요" not in s.reply


def test_an_unsettled_open_condition_is_asked_about(parking: SuggestionPipeline) -> None:
    s = _suggest(parking, "주차요금 환불해 달래요, 출차 2일 전", CASE)
    assert "[case 1]" in s.citations[0].section
    assert "'영수증' 여부를 확인하세요" in s.ask
    settled = _suggest(parking, "주차요금 환불해 달래요, 출차 2일 전, 영수증 있음", CASE)
    assert "'영수증' 여부를 확인하세요" not in settled.ask


SEED_QUESTIONS = [
    (
        "기사님 연락처 알려주세요",
        {"service": "pet", "ride_status": "completed", "days_since_ride": 2},
    ),
    (
        "펫 차량번호 알려주세요",
        {"service": "pet", "ride_status": "completed", "days_since_ride": 5},
    ),
    ("법원 제출용 대리 이용내역서 필요하대요", {"service": "daeri"}),
    ("이용내역서 발급받고 싶어요", {"service": "daeri"}),
    (
        "펫 기사님 연락처 달래요, 안내에 수긍 못 하시고 분실물 때문이래요",
        {"service": "pet", "ride_status": "completed", "days_since_ride": 6},
    ),
]


@pytest.fixture(scope="module")
def seeds_only(indexed_settings: Settings) -> SuggestionPipeline:
    return build_pipeline(indexed_settings)


@pytest.mark.parametrize(("question", "case"), SEED_QUESTIONS)
def test_seed_answers_do_not_change(
    parking: SuggestionPipeline,
    seeds_only: SuggestionPipeline,
    question: str,
    case: dict[str, Any],
) -> None:
    assert_same_answer(seeds_only, parking, question, case)
