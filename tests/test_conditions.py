"""Phrase tables: one parametrized table per condition, and how a path combines them."""

from __future__ import annotations

import pytest

from ingest.chunk import ChunkConditions
from ingest.conditions import (
    ALL_STATUSES,
    DRIVER_REQUESTS,
    merge_conditions,
    read_conditions,
)
from policy_guard.facts import REASONS, REQUESTS, RIDE_STATUSES

NOT_COMPLETED = [s for s in ALL_STATUSES if s != "completed"]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("[기사 연락처 요구][상태값: 운행중, 운행완료]", ["driver_phone"]),
        ("[기사 전화번호 요구]", ["driver_phone"]),
        ("[차량번호 요구] [상태값: 운행완료]", ["vehicle_plate"]),
        ("[기사이름, 계좌번호 등]", ["driver_name", "driver_account"]),
        ("[기사 성함 문의]", ["driver_name"]),
        ("Q1. 기사 개인정보 알려주세요.", list(DRIVER_REQUESTS)),
        ("# [채팅-전화] (고객) 이용내역서(이용기록) 발급 요청", ["usage_statement"]),
        ("Q3. 이용기록 발급해 주세요", ["usage_statement"]),
        ("[탈퇴고객] 개인정보수집동의(성함,생년월일,휴대폰,이메일)", []),
        ("[다른 이메일 / 닉네임이 아닌 성함]으로 발급 요청 시 - 개인정보수집동의 필요", []),
        ("1. 탑승 3일 이내", []),
        ("[정보제공 가능 기간 경과 - 기본안내]", []),
    ],
)
def test_requests(heading: str, expected: list[str]) -> None:
    assert read_conditions(heading).requests == expected


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("[상태값: 운행중, 운행완료]", ["in_progress", "completed"]),
        ("[차량번호 요구] [상태값: 운행완료]", ["completed"]),
        ("2. [상태값: 운행완료X] 기사 개인정보", NOT_COMPLETED),
        ("[상태값: 배차 전 취소]", ["cancelled_before_dispatch"]),
        (
            "[상태값: 승객 신고로 중단 / 기사 신고로 중단 / 배차 후 취소 등]",
            [
                "cancelled_after_dispatch",
                "stopped_by_passenger_report",
                "stopped_by_driver_report",
            ],
        ),
        ("[상태값: 승객이 기사를 신고하여 중담]", ["stopped_by_passenger_report"]),
        ("[상태값: 기사가 승객을 신고하여 중단]", ["stopped_by_driver_report"]),
        ("① 분실물, 운행 중 사고발생, 운임지급을 위해 필요한 경우", []),
        ("예외 상황 (상태값 상관없음)", []),
        ("3. 탑승 7일 이후", []),
    ],
)
def test_ride_statuses(heading: str, expected: list[str]) -> None:
    assert read_conditions(heading).ride_statuses == expected


@pytest.mark.parametrize(
    ("heading", "days_min", "days_max"),
    [
        ("1. 탑승 3일 이내", None, 3),
        ("3. 탑승 3일 이후 ~ 14일 이내", 4, 14),
        ("3. 탑승 7일 이후", 8, None),
        ("1년 경과건", 366, None),
        ("[case 2] 법원,경찰서 제출 / 재차 요청 / 1년 경과건", None, None),  # one trigger of 3
        ("2. 탑승 7일 이내 / 이용기록 확인 불가시", None, 7),
        ("1. 하차 １４일 이내", None, 14),
        ("일주일 이내", None, 7),
        ("2개월 이내", None, 60),
        ("30일 초과", 31, None),
        ("3일 이내 (14일 경과 시 OB)", None, None),  # contradicting: a remark, not a range
        ("[지속 요구 시]", None, None),
    ],
)
def test_days(heading: str, days_min: int | None, days_max: int | None) -> None:
    c = read_conditions(heading)
    assert (c.days_min, c.days_max) == (days_min, days_max)


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("2. 탑승 3일 이내 (이용기록 삭제 등의 사유로 연락불가)", False),
        ("2. 탑승 7일 이내 / 이용기록 확인 불가시(핸드폰 분실, 이용기록 삭제등의 사유)", False),
        ("휴대폰 분실로 확인 어려움", False),
        ("이용기록 확인불가", False),
        ("① 분실물, 운행 중 사고발생", None),
        ("1. 탑승 3일 이내", None),
    ],
)
def test_history(heading: str, expected: bool | None) -> None:
    assert read_conditions(heading).history_available is expected


@pytest.mark.parametrize(
    ("heading", "reasons", "excluded"),
    [
        (
            "① 분실물, 운행 중 사고발생, 운임지급을 위해 필요한 경우",
            ["lost_item", "accident", "unpaid_fare"],
            [],
        ),
        (
            "① 분실물, 운행 중 사고발생, 운임지급, 맞춤예약을 위해 필요한 경우",
            ["lost_item", "accident", "unpaid_fare", "custom_reservation"],
            [],
        ),
        (
            "Q2. 기사 개인정보 알려주세요. (분실물, 운행 중 사고, 운임 지급 관련되지 않은 "
            "기타 일반적인 상황)",
            [],
            ["lost_item", "accident", "unpaid_fare"],
        ),
        ("이용기록 확인 불가시(핸드폰 분실)", [], []),
        ("물건을 두고 내린 경우", ["lost_item"], []),
    ],
)
def test_reasons(heading: str, reasons: list[str], excluded: list[str]) -> None:
    c = read_conditions(heading)
    assert (c.reasons, c.reasons_excluded) == (reasons, excluded)


@pytest.mark.parametrize(
    ("heading", "field", "expected"),
    [
        ("③ 본인확인", "identity_required", True),
        ("본인 인증 후 안내", "identity_required", True),
        ("④ 발급 필요 정보 확인", "identity_required", None),
        ("[탈퇴고객]", "withdrawn", True),
        ("탈퇴 회원 요청 시", "withdrawn", True),
        ("[case 1] 기본안내", "withdrawn", None),
        ("[다른 이메일 / 닉네임이 아닌 성함]으로 발급 요청 시", "alt_recipient", True),
        ("닉네임이 아닌 실명으로 요청", "alt_recipient", True),
        ("⑤ 이메일 발급 안내", "alt_recipient", None),
        ("채팅", "channel", "chat"),
        ("전화", "channel", "phone"),
        ("[전화 상담 시]", "channel", "phone"),
        ("[채팅-전화] 이용내역서 발급", "channel", None),
        ("[기사 전화번호 요구]", "channel", None),
        ("② 기타 상황 (정보 제공 기간 경과)", "fallback", True),
        ("[정보제공 가능 기간 경과 - 기본안내]", "fallback", True),
        ("1. 탑승 3일 이내", "fallback", False),
        ("[지속 요구 시]", "persistent", True),
        ("계속 요구하는 경우", "persistent", True),
        ("재차 요청", "persistent", False),
    ],
)
def test_flags(heading: str, field: str, expected: object) -> None:
    assert getattr(read_conditions(heading), field) == expected


def test_values_are_case_fact_values() -> None:
    """The vocabulary knows every request of the spec; its reasons and statuses are values the
    case facts use (requests are an open set: new ones are data)."""
    from ingest import conditions as table
    from ingest.vocabulary import load_vocabulary

    vocab = load_vocabulary()
    statuses = {v for _, values in table.STATUS_PHRASES for v in values}
    assert set(REQUESTS) <= set(vocab.request_ids)
    assert statuses <= set(RIDE_STATUSES)
    assert set(vocab.reason_ids) <= set(REASONS)


def test_child_refines_parent() -> None:
    parent = read_conditions("[기사 연락처 요구][상태값: 운행중, 운행완료]")
    child = read_conditions("3. 탑승 3일 이후 ~ 14일 이내")
    grandchild = read_conditions("[상태값: 승객 신고로 중단]")
    merged = merge_conditions(merge_conditions(parent, child), grandchild)
    assert merged.requests == ["driver_phone"]
    assert merged.ride_statuses == ["stopped_by_passenger_report"]
    # the day window was stated for 운행중/운행완료, not for a stopped ride
    assert (merged.days_min, merged.days_max) == (None, None)
    same_status = merge_conditions(
        merge_conditions(parent, child), read_conditions("[상태값: 운행완료]")
    )
    assert same_status.ride_statuses == ["completed"]
    assert (same_status.days_min, same_status.days_max) == (4, 14)


def test_days_intersect_and_a_contradicting_child_is_a_remark() -> None:
    window = ChunkConditions(days_min=4, days_max=14)
    assert merge_conditions(window, ChunkConditions(days_max=7)).days_max == 7
    remark = merge_conditions(window, ChunkConditions(days_min=15))
    assert (remark.days_min, remark.days_max) == (4, 14)


def test_flags_hold_for_the_subtree_and_exclusions_accumulate() -> None:
    parent = ChunkConditions(fallback=True, reasons_excluded=["lost_item"])
    child = ChunkConditions(persistent=True, reasons_excluded=["accident"])
    merged = merge_conditions(parent, child)
    assert merged.fallback and merged.persistent
    assert merged.reasons_excluded == ["lost_item", "accident"]
