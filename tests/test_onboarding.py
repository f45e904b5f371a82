"""A new service's playbooks are onboarded by data only: copied into a knowledge base beside the
seeds, ingested into a real Chroma store with the real model, and answered by the suggestion
pipeline. The right situation's script comes back; the seeds' answers do not change."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from same_answer import assert_same_answer

from core.settings import Settings
from ingest.pipeline import IngestReport, ingest_kb
from ingest.playbook_check import check_playbook
from rag.pipeline import SuggestionPipeline, build_pipeline

PLAYBOOKS = Path(__file__).resolve().parent / "data" / "playbooks"
LOST = "101_taxi_lost_item.txt"
FARE = "102_taxi_fare_refund.txt"


@pytest.fixture(scope="module")
def onboarded_kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, IngestReport]:
    from tests.conftest import KB_DIR, MODEL_CACHE

    root = tmp_path_factory.mktemp("onboarding")
    kb = root / "kb"
    shutil.copytree(KB_DIR, kb)
    for name in (LOST, FARE):
        shutil.copy(PLAYBOOKS / name, kb / name)
    settings = Settings(kb_dir=kb, data_dir=root / "data", model_cache_dir=MODEL_CACHE)
    report = ingest_kb(settings)
    assert set(report.documents_added) >= {LOST, FARE}
    return settings, report


@pytest.fixture(scope="module")
def onboarded(onboarded_kb: tuple[Settings, IngestReport]) -> Iterator[SuggestionPipeline]:
    yield build_pipeline(onboarded_kb[0])


def test_ingest_reports_what_kb_check_reports(onboarded_kb: tuple[Settings, IngestReport]) -> None:
    settings, report = onboarded_kb
    expected = [
        f"{path.name}: {p.level.upper()} [{p.code}] {p.section}: {p.message}"
        for path in sorted(settings.kb_dir.glob("*.txt"))
        for p in check_playbook(path.name, path.read_text(encoding="utf-8")).problems
    ]
    assert report.playbook_problems == expected
    # Every playbook of the folder was checked (the seeds and the onboarded ones read cleanly:
    # what a problem looks like is tested in test_kb_check.py).
    assert len(list(settings.kb_dir.glob("*.txt"))) >= 4


@pytest.fixture(scope="module")
def seeds_only(indexed_settings: Settings) -> SuggestionPipeline:
    return build_pipeline(indexed_settings)


def _cited(pipeline: SuggestionPipeline, question: str, case: dict[str, Any]) -> tuple[str, str]:
    from policy_guard import CaseFacts

    s = pipeline.suggest(question, CaseFacts.model_validate(case))
    assert s.grounded, question
    assert s.guard.allowed
    return s.citations[0].source, s.citations[0].section


CASES = [
    ("찾은 분실물을 택배로 받고 싶어요", {"service": "taxi"}, LOST, "[분실물 전달 - 택배]"),
    (
        "택시 분실물 기사님께 직접 받으러 갈게요",
        {"service": "taxi"},
        LOST,
        "[분실물 전달 - 직접 수령]",
    ),
    (
        "택시에 지갑을 두고 내렸는데 기사님이 전화를 안 받아요",
        {"service": "taxi", "ride_status": "completed"},
        LOST,
        "[기사님과 연락이 안 돼요]",
    ),
    (
        "택시 요금이 두 번 결제됐어요. 환불해 주세요",
        {"service": "taxi"},
        FARE,
        "[case 1] 중복 결제",
    ),
    (
        "택시 기사가 돌아서 가서 요금이 많이 나왔어요",
        {"service": "taxi"},
        FARE,
        "[case 2] 부당요금",
    ),
    (
        "택시 배차 후 취소했는데 취소 수수료 환불 되나요",
        {"service": "taxi"},
        FARE,
        "[case 3] 취소 수수료",
    ),
]


@pytest.mark.parametrize(("question", "case", "source", "section"), CASES)
def test_new_playbook_answers_its_situation(
    onboarded: SuggestionPipeline, question: str, case: dict[str, Any], source: str, section: str
) -> None:
    cited_source, cited_section = _cited(onboarded, question, case)
    assert cited_source == source
    assert section in cited_section


HOURS = [
    (
        "택시에 가방을 두고 내렸어요. 하차한 지 2시간 됐어요",
        {"service": "taxi", "ride_status": "completed"},
        "1. 하차 후 24시간 이내",
    ),
    (
        "택시에 가방을 두고 내렸어요. 내린 지 이틀 지났어요",
        {"service": "taxi", "ride_status": "completed"},
        "2. 하차 후 24시간 경과",
    ),
]


@pytest.mark.parametrize(("question", "case", "section"), HOURS)
def test_hour_windows_choose_the_situation(
    onboarded: SuggestionPipeline, question: str, case: dict[str, Any], section: str
) -> None:
    cited_source, cited_section = _cited(onboarded, question, case)
    assert cited_source == LOST
    assert cited_section.endswith(section)


SEED_QUESTIONS = [
    (
        "기사님 연락처 알려주세요",
        {
            "service": "pet",
            "ride_status": "completed",
            "days_since_ride": 2,
            "history_available": False,
        },
    ),
    (
        "펫 차량번호 알려주세요",
        {
            "service": "pet",
            "ride_status": "completed",
            "days_since_ride": 5,
            "history_available": True,
        },
    ),
    (
        "펫 택시에 두고 내린 물건 때문에 기사님 연락처가 필요해요",
        {"service": "pet", "ride_status": "completed", "days_since_ride": 9},
    ),
    ("이용내역서 발급받고 싶어요", {"service": "daeri"}),
    (
        "탈퇴했는데 이용내역서 받을 수 있나요",
        {"service": "daeri", "withdrawn": True, "identity_verified": True},
    ),
]


@pytest.mark.parametrize(("question", "case"), SEED_QUESTIONS)
def test_seed_answers_do_not_change(
    onboarded: SuggestionPipeline,
    seeds_only: SuggestionPipeline,
    question: str,
    case: dict[str, Any],
) -> None:
    assert_same_answer(seeds_only, onboarded, question, case)
