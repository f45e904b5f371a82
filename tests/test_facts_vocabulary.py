"""The vocabulary data (``rag/vocabulary/phrases/*.yaml``): every entry's examples, its negated
forms, the validation of the files, and the provenance of what the question states."""

from __future__ import annotations

import re
from typing import Any

import pytest

from core.errors import ConfigError
from rag.facts import read_question
from rag.vocabulary import Entry, build, vocabulary

ENTRIES = vocabulary().entries


def _cases(attr: str) -> list[Any]:
    return [
        pytest.param(entry, text, id=f"{entry.id}:{text}")
        for entry in ENTRIES
        for text in getattr(entry, attr)
    ]


@pytest.mark.parametrize(("entry", "text"), _cases("examples"))
def test_example_matches_its_entry(entry: Entry, text: str) -> None:
    assert entry.compiled.search(text.lower()), (entry.id, text)
    if entry.kind == "fact":
        # Read as a whole question, the example states the entry's value.
        assert getattr(read_question(text).facts, entry.fact) == entry.value


@pytest.mark.parametrize(("entry", "text"), _cases("paraphrases"))
def test_paraphrase_is_never_read_as_another_value(entry: Entry, text: str) -> None:
    # The patterns need not match a paraphrase (it trains rag.fact_model), but the rules must
    # not read it as a different value of the same fact.
    assert getattr(read_question(text).facts, entry.fact) in (None, entry.value)


@pytest.mark.parametrize(("entry", "text"), _cases("not_examples"))
def test_not_example_does_not_match(entry: Entry, text: str) -> None:
    assert not entry.compiled.search(text.lower()), (entry.id, text)


@pytest.mark.parametrize(("entry", "text"), _cases("negated"))
def test_negated_mention_states_nothing(entry: Entry, text: str) -> None:
    assert entry.compiled.search(text.lower()), (entry.id, text)  # the mention is there …
    read = read_question(text)
    assert getattr(read.facts, entry.fact) != entry.value  # … but does not state the value
    assert entry.value in read.negated.get(entry.fact, ()) or getattr(read.facts, entry.fact)


def test_every_fact_of_the_spec_has_phrasings() -> None:
    facts = {e.fact for e in ENTRIES if e.kind == "fact"}
    assert {
        "request",
        "ride_status",
        "history_available",
        "reason",
        "identity_verified",
        "withdrawn",
        "alt_recipient",
        "driver_consent",
        "collection_consent",
        "channel",
        "service",
    } <= facts


# (question, facts it states) — shorthand, colloquial verbs, missing spaces and negations.
PHRASINGS: list[tuple[str, dict[str, Any]]] = [
    ("운완건 기번 문의드려요", {"request": "driver_phone", "ride_status": "completed"}),
    ("완료건인데 기사 폰번 달라고 함", {"request": "driver_phone", "ride_status": "completed"}),
    ("완료된건 차번좀", {"request": "vehicle_plate", "ride_status": "completed"}),
    ("기사전번요청 운행완료", {"request": "driver_phone", "ride_status": "completed"}),
    ("내역을 싹 날려버렸대요 차번 필요", {"history_available": False}),
    ("고객이 이용 기록 지워서 못 찾음", {"history_available": False}),
    ("이력삭제 건 기사번호", {"history_available": False, "request": "driver_phone"}),
    ("탈퇴함 이용내역서 필요", {"withdrawn": True, "request": "usage_statement"}),
    # negations
    ("지갑 두고 내린 건 아니고 그냥 기사 번호 물어봄", {"reason": "other"}),
    ("분실물 건은 아니래요 기사 연락처", {"reason": None, "request": "driver_phone"}),
    ("사고가 나진 않았고 연락처만", {"reason": None}),
    ("분실물 때문에 기록 없어요", {"reason": "lost_item", "history_available": False}),
    ("사고나 분실 둘 다 해당 없음", {"reason": None}),
    ("기록은 있어요", {"history_available": True}),
    ("이용 기록 없어요", {"history_available": False}),
    ("연락처 말고 차량번호 알려달래요", {"request": "vehicle_plate"}),
    ("연락처 아니고 차번이요", {"request": "vehicle_plate"}),
    ("운행완료는 아니고 배차 후 취소", {"ride_status": "cancelled_after_dispatch"}),
    ("기사님 연락처 안 알려주나요", {"request": "driver_phone"}),
    # the negation covers its own phrase, not the remarks before it
    (
        "기사 연락처 요청, 4일 전 완료건, 사고나 분실물은 아님",
        {"request": "driver_phone", "ride_status": "completed", "reason": None},
    ),
    ("차번 문의 운행완료 건 사고 아님", {"request": "vehicle_plate", "ride_status": "completed"}),
    ("분실물, 사고 둘 다 아님", {"reason": None}),
]


@pytest.mark.parametrize(("question", "expected"), PHRASINGS)
def test_phrasing(question: str, expected: dict[str, Any]) -> None:
    facts = read_question(question).facts
    for name, value in expected.items():
        assert getattr(facts, name) == value, (question, name)


@pytest.mark.parametrize(
    ("question", "self_service"),
    [
        ("이용 기록 앱에서 어떻게 봐요", True),
        ("2년 전 이용 기록 앱에서 어떻게 봐요", False),  # past the app: a document
        ("일 년이 넘은 대리 이용 기록 어디서 보나요", False),
        ("석 달 전 기록 앱에서 어디서 봐요", True),
    ],
)
def test_an_old_ride_wants_an_issued_document(question: str, self_service: bool) -> None:
    assert read_question(question).self_service is self_service


@pytest.mark.parametrize(
    ("question", "fact", "span"),
    [
        ("어제 탄 고객인데   기사님 ＦＯＮ 말고 연락처요", "days_since_ride", "어제"),
        ("고객님이  기사님 연락처를 원해요", "request", "연락처"),
        ("펫 운완   건 기번", "ride_status", "운완"),
        ("１시간 전 하차", "hours_since_ride", "１시간 전"),
        ("우산을  두고 내렸대요", "reason", "우산을  두고"),
    ],
)
def test_readings_point_into_the_original_question(question: str, fact: str, span: str) -> None:
    read = read_question(question)
    reading = read.readings[fact]
    assert reading.span is not None
    assert question[reading.span[0] : reading.span[1]] == span
    assert (reading.origin, reading.method) == ("question", "rule")
    assert reading.value == getattr(read.facts, fact)
    assert 0 < reading.confidence <= 1


def test_every_stated_fact_has_a_reading() -> None:
    read = read_question("어제 운행완료 건 분실물 때문에 기사 연락처, 이용기록 안 보여요")
    stated = {k for k, v in read.facts.model_dump().items() if v is not None}
    assert stated == set(read.readings)


_GOOD = """entries:
- id: reason.test
  fact: reason
  value: lost_item
  kind: fact
  label: 시험
  patterns: ['분실']
  examples: [분실했어요]
"""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("entries: [", "not valid YAML"),
        ("words: []", "list of 'entries'"),
        (_GOOD.replace("value: lost_item", "value: lost"), "entry 'reason.test': value"),
        (_GOOD.replace("fact: reason", "fact: reasons"), "is not a CaseFacts field"),
        (_GOOD.replace("['분실']", "['(분실']"), "does not compile"),
        (_GOOD.replace("  examples: [분실했어요]\n", ""), "entry 'reason.test': examples"),
        (_GOOD.replace("label: 시험", "label: 시험\n  colour: red"), "colour"),
        (_GOOD.replace("  patterns: ['분실']\n", ""), "needs at least one of patterns"),
        (_GOOD + "  negated: [분실 아님]\n", "negated examples need negation"),
    ],
)
def test_bad_files_name_the_file_the_entry_and_the_problem(text: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        build({"bad.yaml": text})
    assert str(info.value).startswith("bad.yaml: ")
    assert problem in str(info.value)


def test_ids_are_unique_across_files() -> None:
    with pytest.raises(
        ConfigError, match=re.escape("b.yaml: entry 'reason.test': id already used in a")
    ):
        build({"a.yaml": _GOOD, "b.yaml": _GOOD})
