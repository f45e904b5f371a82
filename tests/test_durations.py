"""Korean durations and relative days, as questions state the ride's age and headings state
windows: one reader (``ingest.durations``), one table of phrasings."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.chunk import ChunkConditions
from ingest.chunker import chunk_document
from ingest.conditions import merge_conditions, read_conditions, read_windows
from ingest.durations import normal, read_durations
from policy_guard import check, disclosure_allowed
from policy_guard.facts import CaseFacts, ride_age
from rag.condition_fit import fit_conditions
from rag.facts import extract_facts, fold_width_case_spaces, read_age
from rag.selection import select_section

MONDAY = date(2026, 11, 23)

# (text, days, hours or None when stated in days, the span's text). Hours stated in days
# are days * 24 (``ride_age``); the span is what the reading covers in the normalised text.
AGES: list[tuple[str, int | None, int | None, str | None]] = [
    # hours and minutes
    ("24시간 이내 건", 1, 24, "24시간 이내"),
    ("한 시간 전에 내렸어요", 0, 1, "한 시간 전"),
    ("두시간 전 하차", 0, 2, "두시간 전"),
    ("열두 시간 지났대요", 0, 12, "열두 시간 지났"),
    ("30시간 넘었어요", 1, 31, "30시간 넘었"),
    ("48시간 경과", 2, 48, "48시간 경과"),
    ("3시간 전에 내렸어요", 0, 3, "3시간 전"),
    ("30분 전에 하차", 0, 0, "30분 전"),
    ("90분 전 이용", 0, 1, "90분 전"),
    ("2 hours ago", 0, 2, "2 hours ago"),
    # day words
    ("하루 지남", 1, None, "하루 지남"),
    ("하루가 지났어요", 1, None, "하루가 지났"),
    ("이틀 전", 2, None, "이틀 전"),
    ("사흘째 연락이 안 돼요", 3, None, "사흘째"),
    ("나흘 됐어요", 4, None, "나흘 됐"),
    ("닷새 전에 탔어요", 5, None, "닷새 전"),
    ("엿새 지났는데", 6, None, "엿새 지났"),
    ("이레 전", 7, None, "이레 전"),
    ("여드레 됐대요", 8, None, "여드레 됐"),
    ("아흐레 전 이용", 9, None, "아흐레 전"),
    ("열흘 넘었어요", 11, None, "열흘 넘었"),
    ("보름 전쯤", 15, None, "보름 전"),
    ("보름 정도 지났어요", 15, None, "보름 정도 지났"),
    # digits, Sino-Korean and native numerals with day units
    ("5일 전 이용", 5, None, "5일 전"),
    ("3일 이내", 3, None, "3일 이내"),
    ("3일 이후", 4, None, "3일 이후"),
    ("7일 넘게 지났", 8, None, "7일 넘게"),
    ("삼일 전에 탔어요", 3, None, "삼일 전"),
    ("십오일 지났어요", 15, None, "십오일 지났"),
    ("이십일 전", 20, None, "이십일 전"),
    ("일주일 전 펫 이용 건", 7, None, "일주일 전"),
    ("일주일 넘었대요", 8, None, "일주일 넘었"),
    ("2주 전 이용", 14, None, "2주 전"),
    ("이 주 지났어요", 14, None, "이 주 지났"),
    ("한 달 전 펫 이용", 30, None, "한 달 전"),
    ("두 달 전", 60, None, "두 달 전"),
    ("석 달 지났어요", 90, None, "석 달 지났"),
    ("3개월 전 이용", 90, None, "3개월 전"),
    ("6개월 넘은 건", 181, None, "6개월 넘은"),
    ("1년 경과 건", 365, None, "1년 경과"),
    ("1년 넘은 기록", 366, None, "1년 넘은"),
    ("일 년 지났어요", 365, None, "일 년 지났"),
    ("2년 전", 730, None, "2년 전"),
    # compound amounts: one age, the relation after the last part
    ("1년 3개월 전 기록", 455, None, "1년 3개월 전"),
    ("1년하고 두 달 지났어요", 425, None, "1년하고 두 달 지났"),
    ("1주 2일 지남", 9, None, "1주 2일 지남"),
    ("2시간 30분 전에 내림", 0, 2, "2시간 30분 전"),
    ("13 months ago", 390, None, "13 months ago"),
    ("2 years ago", 730, None, "2 years ago"),
    ("3 days ago", 3, None, "3 days ago"),
    # the count after "지"
    ("탄 지 이틀 됐대요", 2, None, "이틀 됐"),
    ("이용한 지 3일 넘었대요", 4, None, "3일 넘었"),
    ("펫 운행 완료된지 8일, 차량번호 필요", 8, None, "8일"),
    ("운완 d+4 기사 번호", 4, None, "d+4"),
    ("D + 12 건", 12, None, "d + 12"),
    # fixed relative days
    ("오늘 아침에 탔어요", 0, None, "오늘 아침"),
    ("방금 내렸는데", 0, None, "방금"),
    ("어제 저녁에 이용", 1, None, "어제 저녁"),
    ("어저께 탔대요", 1, None, "어저께"),
    ("그저께 이용", 2, None, "그저께"),
    ("엊그제 탔는데", 2, None, "엊그제"),
    ("그끄저께 이용 건", 3, None, "그끄저께"),
    ("yesterday ride", 1, None, "yesterday"),
    # calendar dates (counted back from Monday 2026-11-23)
    ("지난주 화요일에 탔어요", 6, None, "지난주 화요일"),
    ("11월 20일 건", 3, None, "11월 20일"),
    ("작년 이용 건", 327, None, "작년"),
    ("재작년에 탄 건", 692, None, "재작년"),
    # nothing stated
    ("기사님 연락처 알려주세요", None, None, None),
    ("이해가 안 돼요", None, None, None),
    ("이 달 안에 처리해 주세요", None, None, None),
    ("한 일이 없대요", None, None, None),
]


@pytest.mark.parametrize(("text", "days", "hours", "span"), AGES)
def test_ride_age(text: str, days: int | None, hours: int | None, span: str | None) -> None:
    normalised = fold_width_case_spaces(text)
    age = read_age(normalised, MONDAY)
    if span is None:
        assert age is None or (age.days, age.hours) == (None, None)
        return
    assert age is not None
    assert ride_age(age.days, age.hours) == ride_age(days, hours)
    assert normalised[age.start : age.end] == span
    facts = extract_facts(text, MONDAY)
    assert facts.days_since_ride == days
    assert facts.hours_since_ride == hours  # kept only when stated in hours
    assert facts.ride_hours == (hours if hours is not None else days * 24)  # type: ignore[operator]


# (heading, day window, hour window)
WINDOWS: list[tuple[str, tuple[int | None, int | None], tuple[int | None, int | None]]] = [
    ("하차 후 24시간 이내", (None, None), (None, 24)),
    ("하차 후 24시간 경과", (None, None), (25, None)),
    ("24시간 초과 ~ 72시간 이내", (None, None), (25, 72)),
    ("12시간 미만", (None, None), (None, 11)),
    ("48시간 이상", (None, None), (48, None)),
    ("1. 탑승 3일 이내", (None, 3), (None, None)),
    ("3. 탑승 3일 이후 ~ 14일 이내", (4, 14), (None, None)),
    ("1년 경과건", (366, None), (None, None)),
    ("하루 지난 건", (2, None), (None, None)),
    ("일주일 이내", (None, 7), (None, None)),
    ("2개월 이내", (None, 60), (None, None)),
    ("3일 이내 (14일 경과 시 OB)", (None, None), (None, None)),
    ("이틀 전 이용 건", (None, None), (None, None)),  # "전" bounds nothing
]


@pytest.mark.parametrize(("heading", "days", "hours"), WINDOWS)
def test_heading_windows(
    heading: str, days: tuple[int | None, int | None], hours: tuple[int | None, int | None]
) -> None:
    assert read_windows(normal(heading)) == (days, hours)
    c = read_conditions(heading)
    assert ((c.days_min, c.days_max), (c.hours_min, c.hours_max)) == (days, hours)


def test_overlapping_readings_keep_the_longer_one() -> None:
    (week,) = read_durations(normal("일주일 넘었어요"))
    assert (week.hours, week.relation) == (168, "over")


@pytest.mark.parametrize(
    ("hours", "window", "fits"),
    [
        (1, (None, 24), True),
        (24, (None, 24), True),
        (25, (None, 24), False),
        (25, (25, None), True),
        (3, (25, None), False),
    ],
)
def test_hour_windows_fit_the_facts_hours(
    hours: int, window: tuple[int | None, int | None], fits: bool
) -> None:
    cond = ChunkConditions(hours_min=window[0], hours_max=window[1])
    fit = fit_conditions(cond, CaseFacts(hours_since_ride=hours))
    assert ("hours_since_ride" in fit.matched) is fits
    assert ("hours_since_ride" in fit.conflicts) is not fits
    # Days only: hours are days * 24, so "어제" (24 hours) is inside "24시간 이내".
    unknown = fit_conditions(cond, CaseFacts())
    assert "hours_since_ride" in unknown.unknown


def test_an_hour_window_read_from_a_question_chooses_the_situation() -> None:
    facts = extract_facts("한 시간 전에 하차했는데 물건 두고 내렸대요")
    within = read_conditions("하차 후 24시간 이내")
    past = read_conditions("하차 후 24시간 경과")
    assert not fit_conditions(within, facts).excluded
    assert "hours_since_ride" in fit_conditions(past, facts).conflicts


def test_hour_windows_intersect_along_the_heading_path() -> None:
    parent = read_conditions("24시간 초과")
    child = read_conditions("72시간 이내")
    merged = merge_conditions(parent, child)
    assert (merged.hours_min, merged.hours_max) == (25, 72)


@pytest.mark.parametrize(
    ("days", "hours", "expected"),
    [(None, None, (None, None)), (2, None, (2, 48)), (None, 47, (1, 47)), (0, 5, (0, 5))],
)
def test_one_rule_for_the_two_clocks(
    days: int | None, hours: int | None, expected: tuple[int | None, int | None]
) -> None:
    assert ride_age(days, hours) == expected
    facts = CaseFacts(days_since_ride=days, hours_since_ride=hours)
    assert (facts.days_since_ride, facts.ride_hours) == expected
    assert facts.hours_since_ride == hours  # a day-only case stays as given


def test_disagreeing_clocks_are_rejected() -> None:
    with pytest.raises(ValueError, match="disagree"):
        CaseFacts(days_since_ride=3, hours_since_ride=5)


def test_the_guard_reads_days_from_hours() -> None:
    """A case stated in hours meets the guard's day windows the same as in days."""
    draft = "기사님 연락처는 010-8765-4321입니다."
    base = {"ride_status": "completed", "history_available": False}
    in_hours = CaseFacts(hours_since_ride=30, **base)  # type: ignore[arg-type]
    in_days = CaseFacts(days_since_ride=1, **base)  # type: ignore[arg-type]
    late = CaseFacts(hours_since_ride=24 * 5, **base)  # type: ignore[arg-type]
    assert check(draft, in_hours).allowed == check(draft, in_days).allowed
    assert disclosure_allowed("driver-phone", in_hours) is True
    assert disclosure_allowed("driver-phone", late) is False


def test_console_age_replaces_both_clocks_of_the_question() -> None:
    question = CaseFacts(hours_since_ride=3)
    console = CaseFacts(days_since_ride=5)
    merged = console.merged_over(question)
    assert (merged.days_since_ride, merged.ride_hours) == (5, 120)
    assert merged.hours_since_ride is None


# A playbook of another service whose situations are stated in hours, in the house style.
HOURS_BOOK = """# 퀵 배송 분실물 문의

**Q1. 배송 기사님께 물건을 두고 내렸어요.**
----------------------

**[분실물 문의]**

**1. 하차 후 24시간 이내**

하차 후 24시간이 지나지 않았다면 앱의 이용기록에서 기사님께 바로 연락하실 수 있어요.

**2. 하차 후 24시간 경과**

하차 후 24시간이 지나 앱에서 연락이 어려워요. 고객센터에서 확인 후 연락드리겠습니다.
"""


@pytest.mark.parametrize(
    ("question", "window"),
    [
        ("한 시간 전에 내렸는데 물건을 두고 내렸대요", "24시간 이내"),
        ("방금 하차했는데 가방 두고 내림", "24시간 이내"),
        ("어제 저녁에 내렸는데 우산 두고 내렸대요", "24시간 이내"),
        ("30시간 넘었는데 지갑 두고 내렸대요", "24시간 경과"),
        ("이틀 전에 물건 두고 내렸대요", "24시간 경과"),
    ],
)
def test_an_hour_window_playbook_is_chosen_by_the_rides_age(question: str, window: str) -> None:
    chunks = chunk_document("900_quick.txt", HOURS_BOOK)
    situations = [c for c in chunks if c.kind == "script"]
    facts = extract_facts(question, MONDAY)
    chosen = select_section([], facts, situations, disclosure_allowed).chosen
    assert chosen is not None and chosen.chunk.section.endswith(window), question
