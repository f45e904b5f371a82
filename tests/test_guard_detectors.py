"""Detectors against a table of spellings: what each must catch, and what it must leave alone."""

from __future__ import annotations

import pytest

from policy_guard import CaseFacts, check
from policy_guard.detectors.personal_id import luhn_ok
from policy_guard.text import digits_of, fold_lookalikes

CLOSED = CaseFacts(ride_status="completed", days_since_ride=30, history_available=True)


def _hits(draft: str, rule: str, case: CaseFacts = CLOSED) -> list[str]:
    return [v.text for v in check(draft, case).violations if v.rule == rule]


PHONE_SPELLINGS = [
    "010-8765-4321",
    "01087654321",
    "010 8765 4321",
    "010.8765.4321",
    "+82 10-8765-4321",
    "+82-10-8765-4321",
    "+82 (0)10 8765 4321",
    "+8210-8765-4321",
    "0082 10 8765 4321",
    "０１０－８７６５－４３２１",
    "010−8765−4321",  # minus signs
    "010\u200b8765\u200b4321",  # zero-width spaces
    "0 1 0 8 7 6 5 4 3 2 1",
    "0-1-0-8-7-6-5-4-3-2-1",
    "010 - 8765 - 4321",
    "공일공 팔칠육오 사삼이일",
    "공일공-팔칠육오-사삼이일",
    "영일영 팔칠육오 사삼이일",
    "공일공팔칠육오사삼이일",
    "010 팔칠육오 4321",
    "02-123-4567",
    "02 1234 5678",
    "031-123-4567",
    "064-1234-5678",
    "070-1234-5678",
    "0505-123-4567",
    "011-123-4567",
    "010-****-4321",
    "010-XXXX-XXXX",
    "000-0000-0000",
    "OOO-OOOO-OOOO",
]


@pytest.mark.parametrize("value", PHONE_SPELLINGS)
@pytest.mark.parametrize(
    ("before", "after"),
    [("기사님 연락처는 ", "입니다."), ("번호 ", " 로 전화 주세요"), ("", ""), ("(", ")")],
)
def test_phone_spellings_are_caught_whole(value: str, before: str, after: str) -> None:
    draft = before + value + after
    assert _hits(draft, "driver-phone") == [value]


NOT_PHONES = [
    "안심연결의 발신번호는 1551-5009로 적용됩니다.",
    "고객센터 1599-9400, 대표번호 1588-1234, 수신자부담 080-123-4567",
    "운행완료 7일 이내 이용기록에서 차량 번호 확인 가능 (23/07/03 14시~)",
    "[어드민] 콜이력조회 발급 기능(2024.11.06)",
    "2024-11-06 14:30 운행, 2024년 11월 6일",
    "발급요청 기간: 0000년 00월 00일 ~ 0000년 00월 00일",
    "요금 12,500원, 통화 성공 기준 2회, 14일 이내",
    "주문번호 20241106123456",
    "010-1234",  # too short to be a number
    "010-1234-56789",  # too long: not a phone
    "요청하신 기사님의 OOOO 정보는 본인 동의 없이 제공이 어려운 점 양해 부탁드립니다.",
    "요청하신 기사님의 OOO은 고객님께서 기사님에게 직접 연락하셔야 확인이 가능합니다.",
    "이삼일 정도 걸리고 오육일 뒤에 연락드려요",
]


@pytest.mark.parametrize("draft", NOT_PHONES)
def test_not_phones(draft: str) -> None:
    assert _hits(draft, "driver-phone") == []


def test_bracketed_area_code() -> None:
    assert _hits("전화 (010) 8765-4321", "driver-phone") == ["010) 8765-4321"]
    assert _hits("전화 (02)123-4567", "driver-phone") == ["02)123-4567"]


def test_two_numbers_in_one_run_are_two_findings() -> None:
    draft = "010-8765-4321 010-1111-2222"
    assert _hits(draft, "driver-phone") == ["010-8765-4321", "010-1111-2222"]


def test_console_phone_matches_across_spellings_and_others_are_still_flagged() -> None:
    open_case = CaseFacts(
        ride_status="completed",
        days_since_ride=1,
        history_available=False,
        driver_phone="+82 10-8765-4321",
    )
    assert check("기사님 번호는 공일공 팔칠육오 사삼이일 입니다", open_case).allowed
    assert check("기사님 번호는 010.8765.4321", open_case).allowed
    assert _hits("기사님 번호는 010-1111-2222", "driver-phone", open_case) == ["010-1111-2222"]


PLATE_SPELLINGS = [
    "12가3456",
    "123가4567",
    "서울12가3456",
    "서울 12가 3456",
    "경기 123 바 4567",
    "12 가 3456",
    "12-가-3456",
    "１２가３４５６",
    "서울1가1234",
    "OO가OOOO",
    "○○다○○○○",
    "12가****",
]


@pytest.mark.parametrize("value", PLATE_SPELLINGS)
@pytest.mark.parametrize(("before", "after"), [("차량번호는 ", "입니다."), ("", ""), ("[", "]")])
def test_plate_spellings(value: str, before: str, after: str) -> None:
    assert _hits(before + value + after, "vehicle-plate") == [value]


@pytest.mark.parametrize(
    "draft",
    [
        "차량번호는 고객님의 이용기록을 통해 확인할 수 있어요.",
        "요청하신 기사님의 OOOO 정보는 제공이 어렵습니다",
        "3일 이내 14일 이후 2회",
        "12가 차량",
    ],
)
def test_not_plates(draft: str) -> None:
    assert _hits(draft, "vehicle-plate") == []


ACCOUNTS = [
    ("기사님 계좌는 우리은행 1002-345-678901 입니다", "1002-345-678901"),
    ("신한 110-123-456789", "110-123-456789"),
    ("카카오뱅크 3333-01-1234567", "3333-01-1234567"),
    ("국민은행 123456-01-123456", "123456-01-123456"),
    ("계좌번호 110123456789 로 입금", "110123456789"),
    ("입금 계좌: 3333011234567", "3333011234567"),
    ("1002-345-678901 (우리은행)", "1002-345-678901"),
    ("이 번호로 보내주세요 110-123-456789", "110-123-456789"),  # shape alone
    ("토스뱅크 1000 1234 5678", "1000 1234 5678"),
]


@pytest.mark.parametrize(("draft", "value"), ACCOUNTS)
def test_accounts(draft: str, value: str) -> None:
    open_case = CaseFacts(driver_consent=True)
    assert _hits(draft, "driver-account", open_case) == [value]


@pytest.mark.parametrize(
    "draft",
    [
        "요청하신 기사님의 계좌번호는 기사님에게 직접 확인하셔야 합니다.",
        "운행일 2024-11-06, 결제 12,000원",
        "안심연결 1551-5009",
    ],
)
def test_not_accounts(draft: str) -> None:
    assert _hits(draft, "driver-account") == []


PERSONAL = [
    "851212-2345678",
    "851212 - 2345678",
    "8512122345678",
    "851212-2******",
    "851212-*******",
    "4111-1111-1111-1111",
    "4111 1111 1111 1111",
    "4111111111111111",
    "1234-****-****-5678",
    "3782-822463-10005",
    "11-23-123456-78",
]


@pytest.mark.parametrize("value", PERSONAL)
def test_personal_ids(value: str) -> None:
    draft = f"확인된 번호는 {value} 입니다"
    assert _hits(draft, "personal-id") == [value]
    assert _hits(draft, "driver-phone") == []


def test_passport_needs_its_word() -> None:
    assert _hits("여권번호 M12345678 입니다", "personal-id") == ["M12345678"]
    assert _hits("모델명 M12345678", "personal-id") == []


def test_luhn() -> None:
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")


NAMES = [
    ("이영희 기사님이 운행하셨습니다.", "이영희", None),
    ("운행하신 분은 이 영 희 님입니다", "이 영 희", "이영희"),
    ("영희 기사님께 전달드렸어요", "영희", "이영희"),
    ("기사님 성함은 김철수입니다.", "김철수", None),
    ("기사님의 이름은 김철수예요", "김철수", None),
    ("기사 이름: 최민준", "최민준", None),
    ("기사님 성함은 김 철 수 입니다", "김 철 수", None),
    ("김철수 기사님이 배정되었습니다", "김철수", None),
    ("남궁민수 기사님", "남궁민수", None),
    ("운행하신 분은 박** 기사님입니다.", "박**", None),
    ("기사님은 이*희 님", "이*희", None),
    ("기사님(이○○)께서", "이○○", None),
    ("김OO 기사님", "김OO", None),
    ("이영* 기사님", "이영*", None),
]


@pytest.mark.parametrize(("draft", "value", "console"), NAMES)
def test_names(draft: str, value: str, console: str | None) -> None:
    case = CaseFacts(driver_name=console, driver_consent=True)
    assert _hits(draft, "driver-name", case) == [value]


@pytest.mark.parametrize(
    "draft",
    [
        "요청하신 기사님의 이름은 고객님께서 기사님에게 직접 연락하셔야 확인이 가능한 점 "
        "양해 부탁드립니다.",
        "요청하신 기사님의 OOO은 고객님께서 기사님에게 직접 연락하셔야 확인이 가능한 점 "
        "양해 부탁드립니다.",
        "담당 기사님, 해당 기사님, 펫 기사님, 카카오 기사님, 대리 기사님, 모든 기사님",
        "성실한 기사님과 친절한 기사님, 우수 기사님, 전담 기사님, 신규 기사님",
        "기사님 성함은 확인이 어렵습니다. 기사님 성함은 비공개입니다.",
        "기사님 성함은 이 경우 안내가 어렵습니다",
        "**정보** 확인 부탁드립니다. **이용기록**에서 보실 수 있어요.",
        "고객님의 정보도 기사님이 요구하는 경우 고객님의 동의 없이 제공하지 않습니다.",
        "위의 내용 수집에 동의하시면, 고객님의 [ 성함, 이메일주소 ] 확인 부탁드립니다.",
    ],
)
def test_not_names(draft: str) -> None:
    assert _hits(draft, "driver-name", CaseFacts(driver_name="이영희")) == []


def test_normal_form_maps_spans_back() -> None:
    doc = fold_lookalikes("a\u200b０１\u200dz")
    assert doc.text == "a01z"
    assert doc.span(1, 3) == (2, 4)
    assert doc.original[2:4] == "０１"
    assert digits_of("+82 10-8765-4321") == "01087654321"
    assert digits_of("０１０ ８７６５ ４３２１") == "01087654321"


@pytest.mark.parametrize(
    ("draft", "rule", "value"),
    [
        ("기사님 휴대폰 번호 뒷자리는 4321입니다.", "driver-phone", "4321"),
        ("연락처 끝자리 4321로 확인됩니다", "driver-phone", "4321"),
        ("차량번호 끝자리는 7890입니다.", "vehicle-plate", "7890"),
        ("차량 번호판 뒤 4자리는 7890이에요", "vehicle-plate", "7890"),
    ],
)
def test_bare_last_digits(draft: str, rule: str, value: str) -> None:
    assert _hits(draft, rule) == [value]


def test_bare_last_digits_pass_where_the_rule_allows() -> None:
    open_case = CaseFacts(ride_status="completed", days_since_ride=1, history_available=False)
    assert check("기사님 번호 뒷자리는 4321입니다.", open_case).allowed


@pytest.mark.parametrize(
    ("draft", "value", "console"),
    [
        ("배정된 기사님은 김철수님입니다.", "김철수", None),
        ("박 기사님께서 운행하셨어요.", "박", "박민수"),
        ("기사님의 이름은 OOO입니다", "OOO", None),
        ("**기사님 성함은 박**입니다**", "박**", None),
    ],
)
def test_more_name_forms(draft: str, value: str, console: str | None) -> None:
    assert _hits(draft, "driver-name", CaseFacts(driver_name=console)) == [value]


@pytest.mark.parametrize(
    "draft",
    [
        "이 기사님이 운행하셨어요.",  # 이 = this, even when the console's surname is 이
        "**1. 탑승 3일 이내** 안내드립니다. **안내**",
        "신청자님 감사합니다. 기사님께 신청자님 요청 전달했어요",
        "김철수님 안녕하세요.",  # a customer's name, not the driver's: no 기사 in the sentence
    ],
)
def test_name_look_alikes(draft: str) -> None:
    assert _hits(draft, "driver-name", CaseFacts(driver_name="이영희")) == []


STATEMENT = CaseFacts(request="usage_statement")


@pytest.mark.parametrize(
    ("draft", "promise"),
    [
        ("이용내역서는 요청하신 이메일 주소로 발송해 드릴 예정이에요.", True),
        ("이메일 주소로 발송해 드리면 될까요?", True),
        ("이용내역서 발급 도와드리겠습니다.", True),
        ("메일로 전달드릴게요.", True),
        ("발송 완료되었습니다.", True),
        ("영업일 기준 3일 이내 이메일로 발송됩니다.", True),
        ("이용내역서는 이용자 본인에게만 발급해드리고 있어요.", False),
        ("닉네임으로 발급되며, 이메일로 전송해드리고 있어요.", False),
        ("이용내역서 발급을 위해 아래 내용 확인 부탁드려요.", False),
        ("이용내역서 발급 안내드립니다.", False),
        ("이용내역서 발급해 드릴 수 없습니다.", False),
        ("본인 확인 후 이메일로 발송해 드리겠습니다.", False),
        ("제가 몇 가지 확인 후 신속하게 안내해 드리겠습니다.", False),
        ("순차적으로 처리되어 자료 전송까지 시간이 조금 소요될 수 있습니다.", False),
    ],
)
def test_statement_promises(draft: str, promise: bool) -> None:
    assert bool(_hits(draft, "statement-identity", STATEMENT)) is promise


def test_statement_rules_read_only_drafts_about_a_statement() -> None:
    assert check("영수증을 이메일로 발송해 드리겠습니다.", CaseFacts()).allowed
    assert not check("이메일로 발송해 드리겠습니다.", STATEMENT).allowed


def test_two_syllable_console_name_only_as_a_whole_word() -> None:
    case = CaseFacts(driver_name="이수")
    assert _hits("기사님은 이수님입니다", "driver-name", case) == ["이수"]
    assert _hits("이수 기사님이 운행했어요", "driver-name", case) == ["이수"]
    assert _hits("고객님 이 수수료는 환불됩니다", "driver-name", case) == []
    assert _hits("이수수료 안내", "driver-name", case) == []
