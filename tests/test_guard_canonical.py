"""The canonical reading: one table per obfuscation kind, each with drafts that must be blocked
(the rule, and the exact text of the draft the violation points at) and drafts that must pass.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from policy_guard import CaseFacts, check
from policy_guard.canonical import canonical
from policy_guard.text import fold_lookalikes

CLOSED = {"service": "pet", "ride_status": "completed", "days_since_ride": 9}
OPEN_PHONE = {
    "service": "pet",
    "ride_status": "completed",
    "days_since_ride": 1,
    "history_available": False,
    "driver_phone": "010-8765-4321",
}
DRIVER = {"service": "pet", "driver_name": "최민준"}

# (draft, case, rule, text the violation points at); rule None: the draft must pass.
Row = tuple[str, dict[str, Any], str | None, str]

TABLES: dict[str, list[Row]] = {
    "markdown": [
        (
            "기사님 번호는 **010**-**8765**-**4321**입니다.",
            CLOSED,
            "driver-phone",
            "**010**-**8765**-**4321**",
        ),
        ("차량번호는 **57**더**2841** 이에요", CLOSED, "vehicle-plate", "**57**더**2841**"),
        ("**김훈** 기사님이 배정되었습니다.", {}, "driver-name", "**김훈**"),
        ("기사님 연락처는 **[연락처]**입니다.", CLOSED, "driver-phone", "**[연락처]**"),
        ("**3일 이내**에는 앱의 **이용기록**에서 확인할 수 있어요.", CLOSED, None, ""),
        ("개인정보를 제**3**자에게 제공하지 않습니다. 주문번호 **20241106-0012**", {}, None, ""),
    ],
    "circled_superscript": [
        ("기사님 번호: ⓪①⓪-⑧⑦⑥⑤-④③②①", CLOSED, "driver-phone", "⓪①⓪-⑧⑦⑥⑤-④③②①"),
        ("기사님 번호는 ⁰¹⁰-⁸⁷⁶⁵-⁴³²¹ 입니다", CLOSED, "driver-phone", "⁰¹⁰-⁸⁷⁶⁵-⁴³²¹"),
        ("① 앱을 여세요 ② [이용기록]을 누르세요 ③ 기사님께 전화를 선택하세요", CLOSED, None, ""),
        ("기사님 번호 ⓪①⓪-⑧⑦⑥⑤-④③②①로 연락하세요", OPEN_PHONE, None, ""),
    ],
    "controls_and_invisible": [
        (
            "기사님 번호 0\x001\x000\x008\x007\x006\x005\x004\x003\x002\x001",
            CLOSED,
            "driver-phone",
            "0\x001\x000\x008\x007\x006\x005\x004\x003\x002\x001",
        ),
        ("기사님 번호 010\u200b8765\u200b4321", CLOSED, "driver-phone", "010\u200b8765\u200b4321"),
        ("기사님 번호 \u2066010-8765-4321\u2069", CLOSED, "driver-phone", "010-8765-4321"),
        ("안심연결 발신번호는 1551\x00-5009 입니다", CLOSED, None, ""),
    ],
    "html": [
        (
            "기사님 번호 &#48;&#49;&#48;-8765-4321",
            CLOSED,
            "driver-phone",
            "&#48;&#49;&#48;-8765-4321",
        ),
        (
            "기사님 번호 <b>010</b>-<span>8765</span>-4321",
            CLOSED,
            "driver-phone",
            "010</b>-<span>8765</span>-4321",
        ),
        ("<p>고객센터 <b>1599-9400</b>으로 문의해 주세요 &amp; 감사합니다</p>", {}, None, ""),
    ],
    "look_alikes_and_stray_letters": [
        (
            "기사님 연락처 O1O-4827-39I5 로 전화 주시면 됩니다.",
            CLOSED,
            "driver-phone",
            "O1O-4827-39I5",
        ),
        ("기사님 번호 010a8765b4321", CLOSED, "driver-phone", "010a8765b4321"),
        ("차량번호는 l2가3456입니다.", CLOSED, "vehicle-plate", "l2가3456"),
        ("쿠폰 코드 PET2024는 11월 30일까지, 예약번호 R-2411-0087 입니다.", CLOSED, None, ""),
    ],
    "english_words": [
        (
            "driver phone zero one zero eight seven six five four three two one",
            CLOSED,
            "driver-phone",
            "zero one zero eight seven six five four three two one",
        ),
        (
            "차량번호는 five six다seven eight nine zero입니다.",
            CLOSED,
            "vehicle-plate",
            "five six다seven eight nine zero",
        ),
        ("One of our drivers will call you within two hours.", CLOSED, None, ""),
    ],
    "korean_numerals": [
        (
            "기사님 번호 공일공 팔천칠백육십오 사천삼백이십일",
            CLOSED,
            "driver-phone",
            "공일공 팔천칠백육십오 사천삼백이십일",
        ),
        ("기사님 번호는 공1공-팔7육5-4삼2일", CLOSED, "driver-phone", "공1공-팔7육5-4삼2일"),
        (
            "기사님 휴대폰 번호 뒷자리는 사천삼백이십일입니다.",
            CLOSED,
            "driver-phone",
            "사천삼백이십일",
        ),
        (
            "기사님 계좌 : 우리 일공공이-삼사오-육칠팔구공일",
            {},
            "driver-account",
            "일공공이-삼사오-육칠팔구공일",
        ),
        (
            "주민등록번호 팔오일이일이-이삼사오육칠팔 확인했습니다.",
            {},
            "personal-id",
            "팔오일이일이-이삼사오육칠팔",
        ),
        ("이천이십사년 십일월 육일 오후 이시에 완료된 운행입니다.", CLOSED, None, ""),
        ("문의하신 주문번호 이공이사일일공육-공공일이 건은 취소되었습니다.", CLOSED, None, ""),
    ],
    "joined_groups": [
        ("기사님 번호 010에 8765에 4321로 전화하세요", CLOSED, "driver-phone", "010에 8765에 4321"),
        (
            "공일공 다음 팔칠육오 다음 사삼이일로 연락 주세요",
            CLOSED,
            "driver-phone",
            "공일공 다음 팔칠육오 다음 사삼이일",
        ),
        ("1시에서 3시 사이, 2회까지 통화하실 수 있어요.", CLOSED, None, ""),
        ("3,000원에서 5,000원 사이로 요금이 나옵니다.", CLOSED, None, ""),
    ],
    "plates": [
        ("차량은 57 Deo 2841 입니다", CLOSED, "vehicle-plate", "57 Deo 2841"),
        ("차량은 오칠더이팔사일 입니다", CLOSED, "vehicle-plate", "오칠더이팔사일"),
        ("차량 5 6 다 7 8 9 0 으로 배차되었어요", CLOSED, "vehicle-plate", "5 6 다 7 8 9 0"),
        (
            "대구00가0001 같은 형식의 번호판입니다",
            CLOSED
            | {
                "ride_status": "completed",
                "days_since_ride": 1,
                "history_available": False,
                "vehicle_plate": "대구00가0001",
            },
            None,
            "",
        ),
        ("앱 버전 6.12.3 이상, 1 2 3 단계로 진행해 주세요.", CLOSED, None, ""),
    ],
    "names": [
        ("Choi Minjun 기사님이 배정되었습니다.", DRIVER, "driver-name", "Choi Minjun"),
        ("Minjoon Choe 기사님이 배정되었습니다.", DRIVER, "driver-name", "Minjoon Choe"),
        ("Mr. Choi will call you.", DRIVER, "driver-name", "Mr. Choi"),
        ("崔民俊 기사님이 운행하셨습니다.", DRIVER, "driver-name", "崔民俊"),
        ("최씨 성을 가진 기사님이 운행하셨어요.", DRIVER, "driver-name", "최"),
        ("기사님 성은 박씨예요.", {}, "driver-name", "박"),
        ("이런 경우라 기사님께 직접 연락드리기는 어렵습니다.", DRIVER, None, ""),
        ("최고의 기사님, 최강 기사님이 모시겠습니다.", DRIVER, None, ""),
    ],
    "decomposed_hangul": [
        (
            unicodedata.normalize("NFD", "최민준 기사님이 운행하셨습니다."),
            DRIVER,
            "driver-name",
            unicodedata.normalize("NFD", "최민준"),
        ),
        (
            unicodedata.normalize("NFD", "차량번호는 56다7890입니다."),
            CLOSED,
            "vehicle-plate",
            unicodedata.normalize("NFD", "56다7890"),
        ),
        (
            unicodedata.normalize("NFD", "기사님의 이름은 직접 연락하셔야 확인이 가능합니다."),
            DRIVER,
            None,
            "",
        ),
    ],
    "english_statement": [
        (
            "We'll email your usage statement (이용내역서) within 3 business days.",
            {},
            "statement-identity",
            "We'll email your usage statement (이용내역서) within 3 business days.",
        ),
        (
            "The statement will be sent to the new address you gave us.",
            {"identity_verified": True},
            "statement-consent",
            "The statement will be sent to the new address you gave us.",
        ),
        ("Once your identity is confirmed, we will email the statement.", {}, None, ""),
        ("We cannot send the usage statement before the identity check.", {}, None, ""),
    ],
}

ROWS = [(kind, *row) for kind, rows in TABLES.items() for row in rows]


@pytest.mark.parametrize(("kind", "draft", "case", "rule", "text"), ROWS)
def test_obfuscation(
    kind: str, draft: str, case: dict[str, Any], rule: str | None, text: str
) -> None:
    verdict = check(draft, CaseFacts.model_validate(case))
    if rule is None:
        assert verdict.allowed, (kind, draft, verdict.violations)
        return
    hits = [v for v in verdict.violations if v.rule == rule]
    assert hits, (kind, draft, verdict.violations)
    assert any(v.text == text and draft[v.span[0] : v.span[1]] == text for v in hits), hits


@pytest.mark.parametrize("draft", [row[1] for row in ROWS])
def test_canonical_spans_point_into_the_draft(draft: str) -> None:
    """Each character of the canonical reading maps to a stretch of the original draft."""
    doc = canonical(fold_lookalikes(draft))
    for i in range(len(doc.text)):
        start, end = doc.span(i, i + 1)
        assert 0 <= start < end <= len(draft)


def test_plain_text_needs_no_second_reading() -> None:
    plain = fold_lookalikes("기사님 연락처는 010-8765-4321입니다. **3일 이내**에 연락 주세요.")
    assert canonical(plain) is plain
