"""The vocabulary is data: open sets of requests, reasons, services and topics, validated with
errors naming file, entry and problem; a heading term it does not know names nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from ingest.chunker import chunk_document
from ingest.conditions import read_conditions, read_requests, read_topics
from ingest.vocabulary import load_vocabulary, load_vocabulary_file, parse_vocabulary
from rag.condition_fit import question_topics

REPO = Path(__file__).resolve().parents[1]
VOCAB = load_vocabulary()


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("[주차권 재발급 요청]", []),  # unknown to the vocabulary: no default request
        ("[택배 송장번호 문의]", []),  # a number that is nobody's phone
        ("[고객 연락처 변경 요청]", []),  # the customer's own number
        ("[수령인 전화번호 확인]", []),
        ("[고객 개인정보 변경]", []),  # not the driver's personal data
        ("[기사 연락처 요구]", ["driver_phone"]),
        (
            "Q1. 기사 개인정보 알려주세요.",
            ["driver_phone", "vehicle_plate", "driver_name", "driver_account"],
        ),
        ("[분실물 접수][상태값: 운행완료]", ["lost_item_report"]),
        ("[분실물 전달 - 택배]", ["lost_item_return"]),
        ("[요금 환불 요청]", ["fare_refund"]),
        ("[부당요금 신고]", ["fare_dispute"]),
    ],
)
def test_requests_come_from_the_vocabulary(heading: str, expected: list[str]) -> None:
    assert read_requests(heading) == expected


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("[분실물 전달 - 택배]", ["delivery"]),
        ("[분실물 전달 - 직접 수령]", ["direct_pickup"]),
        ("분실물을 택배로 받고 싶어요", ["delivery"]),
        ("[기사님과 연락이 안 돼요]", ["driver_unreachable"]),
        ("기사님이 전화를 안 받아요", ["driver_unreachable"]),
        ("요금이 두 번 결제됐어요", ["duplicate_payment"]),
        ("[기사 연락처 요구]", []),
        # why an issued statement is wanted instead of the app record
        (
            "[case 2] 법원,경찰서 제출 / 재차 요청 / 1년 경과건",
            ["agency_submission", "repeat_request", "past_one_year"],
        ),
        ("세무서에 제출해야 한대요", ["agency_submission"]),
        ("주민센터 서류로 낸대요", ["agency_submission"]),
        ("지난번에 받았는데 재발송 원하세요", ["repeat_request"]),
        ("일 년 넘은 이용 건", ["past_one_year"]),
        ("앱에는 1년 이내만 보여요", ["past_one_year"]),
        ("시청역에서 탔어요", []),  # a place, no agency
        ("요청 사항 없어요", []),
    ],
)
def test_topics(text: str, topics: list[str]) -> None:
    assert read_topics(text) == topics


@pytest.mark.parametrize(
    ("days", "named"),
    [(None, False), (30, False), (364, False), (365, True), (900, True)],
)
def test_a_ride_old_enough_names_the_past_one_year_topic(days: int | None, named: bool) -> None:
    topics = dict(question_topics("대리 이용 기록 보내 달래요", days))
    assert ("past_one_year" in topics) is named


def test_topic_examples_are_checked() -> None:
    raw = VOCAB.model_dump()
    topic = next(t for t in raw["topics"] if t["id"] == "repeat_request")
    topic["examples"] = ["처음 요청이에요"]
    with pytest.raises(ValueError, match="examples not named"):
        type(VOCAB).model_validate(raw)


def test_every_spec_request_and_the_common_services_are_known() -> None:
    assert {
        "driver_phone",
        "vehicle_plate",
        "driver_name",
        "driver_account",
        "usage_statement",
    } <= set(VOCAB.request_ids)
    labels = {s.label for s in VOCAB.services}
    assert {"택시", "블루", "벤티", "바이크", "퀵", "주차", "대리", "펫", "셔틀"} <= labels
    assert any(t.id == "address" for t in VOCAB.personal_data)


def test_a_new_phrase_is_a_data_change(tmp_path: Path) -> None:
    """A heading the vocabulary does not know reads as no request; one entry in the data (here
    a phrase of an existing request) and it does. A new request id is also a line in
    policy_guard/rules.yaml facts.request (see the test below)."""
    assert read_requests("[주차권 재발급 요청]") == []
    raw = (REPO / "ingest" / "vocabulary.yaml").read_text(encoding="utf-8")
    raw = raw.replace("phrases: ['환불',", "phrases: ['주차권\\s*재발급', '환불',", 1)
    path = tmp_path / "vocabulary.yaml"
    path.write_text(raw, encoding="utf-8")
    vocab = load_vocabulary_file(path)
    assert read_requests("[주차권 재발급 요청]", vocab) == ["fare_refund"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("- id: fare_refund", "- id: Fare Refund"), "requests[7] (Fare Refund).id"),
        (("phrases: ['환불',", "phrases: ['환불(',"), "bad pattern"),
        (("- id: fare_dispute", "- id: fare_refund"), "requests: id listed twice: fare_refund"),
        (
            ("family: taxi, phrases: ['블루']", "family: tram, phrases: ['블루']"),
            "unknown service 'tram'",
        ),
    ],
)
def test_errors_name_file_entry_and_problem(change: tuple[str, str], message: str) -> None:
    raw = (REPO / "ingest" / "vocabulary.yaml").read_text(encoding="utf-8")
    assert change[0] in raw
    with pytest.raises(ConfigError) as err:
        parse_vocabulary(raw.replace(change[0], change[1], 1), "kb/vocabulary.yaml")
    assert "kb/vocabulary.yaml" in str(err.value)
    assert message in str(err.value)


def test_a_bracket_after_a_numbered_day_window_does_not_inherit_it() -> None:
    text = (
        "# 바이크 분실물\n\n**Q1. 바이크에 물건을 두고 내렸어요.**\n\n"
        "**1. 반납 3일 이내**\n\n이용기록에서 확인해 주세요.\n\n"
        "**2. 반납 3일 이후**\n\n분실물 접수 도와드리겠습니다.\n\n"
        "**[택배로 받고 싶어요]**\n\n택배로 보내드릴게요.\n"
    )
    chunks = {c.section: c for c in chunk_document("b.txt", text)}
    delivery = chunks["Q1. 바이크에 물건을 두고 내렸어요. > [택배로 받고 싶어요]"]
    assert delivery.conditions.days_min is None and delivery.conditions.days_max is None
    assert delivery.conditions.topics == ["delivery"]
    assert chunks["Q1. 바이크에 물건을 두고 내렸어요. > 2. 반납 3일 이후"].conditions.days_min == 4


def test_a_status_block_still_nests_as_the_seeds_write_it() -> None:
    assert read_conditions("[상태값: 배차 후 취소]").ride_statuses == ["cancelled_after_dispatch"]


def test_a_request_the_rule_data_does_not_know_is_an_error() -> None:
    raw = (REPO / "ingest" / "vocabulary.yaml").read_text(encoding="utf-8")
    raw = raw.replace("- id: fare_dispute", "- id: fare_dispute_new", 1)
    with pytest.raises(ConfigError) as err:
        parse_vocabulary(raw, "ingest/vocabulary.yaml")
    assert "requests[8] (fare_dispute_new)" in str(err.value)
    assert "policy_guard/rules.yaml facts.request" in str(err.value)


def test_case_facts_take_the_requests_of_the_data_and_stay_strict() -> None:
    from pydantic import ValidationError

    from policy_guard import CaseFacts

    assert CaseFacts(request="fare_refund").request == "fare_refund"
    assert CaseFacts.model_validate({"request": "driver_phone"}).request == "driver_phone"
    for bad in ({"request": "driver_home"}, {"reason": "overcharge"}, {"request": 3}):
        with pytest.raises(ValidationError):
            CaseFacts.model_validate(bad)
