"""Agents mix English words into Korean questions ("기사 contact 달래요", "lost item 건"): every
request, reason, status and history value is read from them as from the Korean, and a customer
who keeps insisting is recognised however the agent puts it."""

from __future__ import annotations

from typing import Any

import pytest

from rag.facts import read_question
from rag.tokenizer import tokenize

# (question, facts it states): one or more phrasings per value of each fact.
MIXED: list[tuple[str, dict[str, Any]]] = [
    # requests
    ("펫 고객이 driver contact 물어보세요", {"request": "driver_phone"}),
    ("기사님 phone 좀 알 수 있냐고 함", {"request": "driver_phone"}),
    ("wants the driver's mobile number", {"request": "driver_phone"}),
    ("고객이 reach the driver 하고 싶대요", {"request": "driver_phone"}),
    ("어제 탄 차 number plate 알려달래요", {"request": "vehicle_plate"}),
    ("차량 registration number 문의", {"request": "vehicle_plate"}),
    ("taxi no. 확인 부탁", {"request": "vehicle_plate"}),
    ("기사님 real name 궁금해함", {"request": "driver_name"}),
    ("who drove the car 알고 싶대요", {"request": "driver_name"}),
    ("bank details of the driver 요청", {"request": "driver_account"}),
    ("기사 account 알려주면 직접 보내겠대요", {"request": "driver_account"}),
    ("usage statement 필요하대요", {"request": "usage_statement"}),
    # the customer's own data is not a request for the driver's
    ("customer email 로 보내 주세요", {"request": None}),
    # reasons
    ("lost property 때문에 기사 연락처 필요", {"reason": "lost_item", "request": "driver_phone"}),
    ("left the leash in the back seat", {"reason": "lost_item"}),
    ("carrier left inside taxi", {"reason": "lost_item"}),
    ("small collision 있었대요", {"reason": "accident"}),
    ("강아지가 injured 됐대요", {"reason": "accident"}),
    ("fare not paid 상태라 연락하고 싶대요", {"reason": "unpaid_fare"}),
    ("forgot to pay 해서 기사님께 드리고 싶대요", {"reason": "unpaid_fare"}),
    ("custom reservation 건 차번", {"reason": "custom_reservation"}),
    ("personal reasons 라고만 하심", {"reason": "other"}),
    ("no accident 이고 그냥 궁금해서", {"reason": "other"}),
    # statuses
    ("ride completed 어제, 기사 번호", {"ride_status": "completed"}),
    ("dropped off 두 시간 전", {"ride_status": "completed"}),
    ("the trip is done, 기사 연락처", {"ride_status": "completed"}),
    ("still in the car 라는데 기사 연락처", {"ride_status": "in_progress"}),
    ("cancelled 된 펫 건 기사 정보", {"ride_status": "cancelled_after_dispatch"}),
    ("cancelled before dispatch 건", {"ride_status": "cancelled_before_dispatch"}),
    ("cancelled after matching 건", {"ride_status": "cancelled_after_dispatch"}),
    ("driver reported the customer 건", {"ride_status": "stopped_by_driver_report"}),
    ("passenger reported the driver 건", {"ride_status": "stopped_by_passenger_report"}),
    ("OB completed 후 연락처", {"ride_status": None}),
    # history
    ("history 안 보인대요 기사 연락처", {"history_available": False}),
    ("ride record 지웠대요", {"history_available": False}),
    ("unable to find the trip in the app", {"history_available": False}),
    ("customer changed her phone", {"history_available": False}),
    ("trip history 있음, 기사 번호", {"history_available": True}),
    ("history is still there", {"history_available": True}),
    # services
    ("pet taxi 이용 건", {"service": "pet"}),
]


@pytest.mark.parametrize(("question", "expected"), MIXED)
def test_mixed_english_phrasing(question: str, expected: dict[str, Any]) -> None:
    facts = read_question(question).facts
    for name, value in expected.items():
        assert getattr(facts, name) == value, (question, name)


@pytest.mark.parametrize(
    "question",
    ["driver info 좀 알려달래요", "기사님 private details 요청", "driver's identity 문의"],
)
def test_the_driver_data_family_in_english(question: str) -> None:
    read = read_question(question)
    assert read.request_family == {"driver_phone", "vehicle_plate", "driver_name", "driver_account"}
    assert read.facts.request is None  # the family, not one item


@pytest.mark.parametrize(
    "question",
    [
        "reason not given, 기사 연락처",
        "didn't tell us why, 기사 번호 요청",
        "without giving a reason 차번 문의",
    ],
)
def test_a_withheld_reason_in_english(question: str) -> None:
    read = read_question(question)
    assert read.reason_withheld and read.facts.reason is None


@pytest.mark.parametrize(
    "question",
    [
        "제공 불가 안내드렸는데도 기사 번호 달라고 하세요",
        "설명했지만 계속 차번 요구",
        "불가 안내 후에도 연락처 알려달래요",
        "앞서 말씀드렸는데 또 기사 이름 물어보심",
        "수긍을 못 하시고 번호만 달라고 하심",
        "납득 안 하시네요 기사 연락처",
        "거듭 기사 번호를 달라고 함",
        "재차 연락처 요구",
        "같은 말을 계속 반복하세요",
        "번호 달라고 반복하심",
        "끝까지 알려달라고 고집 부려요",
        "막무가내로 차번 달라심",
        "customer insists on the phone number",
        "keeps asking for the plate after we said no",
    ],
)
def test_persistent_demand(question: str) -> None:
    assert read_question(question).persistent, question


@pytest.mark.parametrize(
    "question",
    [
        "기사님께 전화하는 경로 안내했는데 이용기록이 없대요",
        "또는 앱에서 확인 가능한가요",
        "반복 이용 고객인데 기사 번호",
        "처음 문의한 건이에요",
    ],
)
def test_not_persistent(question: str) -> None:
    assert not read_question(question).persistent, question


@pytest.mark.parametrize(
    ("english", "korean"),
    [
        ("driver name", "이름"),
        ("account number", "계좌번호"),
        ("phone number", "연락처"),
        ("contact", "연락처"),
        ("license plate", "차량번호"),
        ("ride history", "이용기록"),
        ("lost item", "분실물"),
        ("accident", "사고"),
        ("unpaid fare", "운임"),
        ("completed", "완료"),
        ("cancelled", "취소"),
    ],
)
def test_english_words_meet_the_playbook_terms_in_bm25(english: str, korean: str) -> None:
    assert korean in tokenize(english)


@pytest.mark.parametrize(
    ("question", "days"),
    [
        ("펫 a week ago 운완, 기사 연락처", 7),
        ("two days ago 탔대요", 2),
        ("a couple of days ago 이용", 2),
        ("ride was about three weeks ago", 21),
        ("an hour ago 하차", 0),
        ("a month ago 차번 문의", 30),
    ],
)
def test_english_ride_age(question: str, days: int) -> None:
    assert read_question(question).facts.days_since_ride == days


# (question, console case, words the reply must hold, words it must not): English-mixed
# questions reach the same scripts as the Korean ones.
PHONE = "010-2468-1357"
SCRIPTS: list[tuple[str, dict[str, Any], str, str | None]] = [
    ("펫 고객이 driver's full name 물어봐요", {"days_since_ride": 2}, "직접", None),
    ("펫 기사 bank account 알려달래요", {}, "직접", None),
    ("펫 ride completed yesterday, record deleted, driver phone 요청", {}, PHONE, None),
    ("펫 lost item, completed 6 days ago, driver contact 요청", {}, "안심연결", PHONE),
    ("펫 plate 문의, completed two weeks ago, custom reservation 건", {}, "동의 후", None),
    ("펫 cancelled after dispatch, accident 있었음, driver contact", {}, "동의 여부", PHONE),
    ("펫 driver contact, 12 days ago completed, customer keeps demanding", {}, "제3자", PHONE),
]


@pytest.fixture(scope="module")
def pipeline(indexed_settings: Any) -> Any:
    from rag.pipeline import build_pipeline

    return build_pipeline(indexed_settings)


@pytest.mark.parametrize(("question", "case", "want", "never"), SCRIPTS)
def test_mixed_questions_reach_their_script(
    question: str, case: dict[str, Any], want: str, never: str | None, pipeline: Any
) -> None:
    from policy_guard.facts import CaseFacts

    full = CaseFacts.model_validate({"service": "pet", "driver_phone": PHONE, **case})
    sug = pipeline.suggest(question, full)
    assert want in sug.reply, (question, sug.reply)
    assert never is None or never not in sug.reply
    assert sug.guard.allowed
