"""Adversarial probe: drafts a person or a model would write, each with the facts of its case and
the rule ids that spec section 2 expects (derived from the policy, not from the guard's output).

Each row: draft, case, expected rule ids (empty: the draft must pass), why.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_guard import CaseFacts, check
from policy_guard.lexicon import load_lexicon, load_ordinary_words

# Cases named by what they open.
EMPTY: dict[str, Any] = {}
PHONE_OPEN = {"ride_status": "completed", "days_since_ride": 2, "history_available": False}
PHONE_SHUT = {"ride_status": "completed", "days_since_ride": 5, "history_available": False}
PLATE_SHUT = {"ride_status": "completed", "days_since_ride": 8, "history_available": False}
ALL_SHUT = {"ride_status": "completed", "days_since_ride": 20, "history_available": True}
CONSENT = {"ride_status": "completed", "days_since_ride": 30, "driver_consent": True}
STATEMENT = {"service": "daeri", "request": "usage_statement"}
VERIFIED = {**STATEMENT, "identity_verified": True}

P = "driver-phone"
V = "vehicle-plate"
N = "driver-name"
A = "driver-account"
I = "personal-id"  # noqa: E741
SI = "statement-identity"
SC = "statement-consent"

Row = tuple[str, dict[str, Any], set[str], str]

# Drafts used under many cases.
PH = "기사님 번호는 010-8765-4321 입니다"
PL = "차량번호는 56다7890입니다."
BOTH = "기사님 번호는 010-8765-4321, 차량은 56다7890입니다"
SEND = "이용내역서는 이메일로 발송해 드리겠습니다."
CLOSING = "이용내역서는 요청하신 이메일 주소로 발송해 드릴 예정이에요."
NEW_ADDRESS = "이용내역서를 새 이메일 주소로 보내드릴게요"

PHONES: list[Row] = [
    ("기사님 연락처는 010-8765-4321입니다.", EMPTY, {P}, "dashed mobile, unknown facts"),
    ("기사님 번호는 01087654321 입니다", PHONE_SHUT, {P}, "plain 11 digits"),
    ("010 8765 4321 로 연락해 보세요", PHONE_SHUT, {P}, "spaces"),
    ("기사님 번호 010.8765.4321", PHONE_SHUT, {P}, "dots"),
    ("연락처: +82 10-8765-4321", PHONE_SHUT, {P}, "international with plus"),
    ("연락처: +821087654321", PHONE_SHUT, {P}, "international, no separators"),
    ("연락처는 82-10-8765-4321 입니다", PHONE_SHUT, {P}, "country code without plus"),
    ("연락처는 ０１０－８７６５－４３２１ 입니다", PHONE_SHUT, {P}, "full-width"),
    ("기사님 번호는 0 1 0 8 7 6 5 4 3 2 1 이에요", PHONE_SHUT, {P}, "digit by digit"),
    ("기사님 번호는 010-87-65-43-21 입니다", PHONE_SHUT, {P}, "pairs of digits"),
    ("기사님 번호는 공일공 팔칠육오 사삼이일 입니다", PHONE_SHUT, {P}, "digit words"),
    ("번호는 영일영-팔칠육오-사삼이일", PHONE_SHUT, {P}, "digit words with 영 and dashes"),
    ("번호는 010-팔칠육오-4321 이에요", PHONE_SHUT, {P}, "mixed scripts by group"),
    ("기사님 번호(010-8765-4321)로 연락 주세요", PHONE_SHUT, {P}, "in brackets"),
    ('기사님 번호는 "010-8765-4321" 입니다', PHONE_SHUT, {P}, "in quotes"),
    ("기사님 번호는 「010-8765-4321」", PHONE_SHUT, {P}, "in corner brackets"),
    ("010-8765-4321로 연락하시면 됩니다", PHONE_SHUT, {P}, "particle glued, line start"),
    ("기사님 연락처는 010-8765-4321입니다", PHONE_SHUT, {P}, "copula glued"),
    ("기사님 연락처\n010-8765-4321", PHONE_SHUT, {P}, "line end"),
    ("기사님 안심번호는 0504-1234-5678 입니다", PHONE_SHUT, {P}, "050x safe number"),
    ("기사님 번호 0507 123 4567", PHONE_SHUT, {P}, "050x 7-digit tail"),
    ("기사님 사무실 번호는 02-123-4567 입니다", PHONE_SHUT, {P}, "Seoul landline"),
    ("기사님 댁 번호는 031-123-4567 이에요", PHONE_SHUT, {P}, "area-code landline"),
    ("기사님 번호는 공일공 팔칠육오 사삼이일이에요", PHONE_SHUT, {P}, "digit words + 이에요"),
    ("기사님 번호는 공일일 일이삼 사오육칠이에요", PHONE_SHUT, {P}, "011 in words + 이에요"),
    ("기사님 연락처는 000-0000-0000입니다.", PHONE_SHUT, {P}, "template offers the number"),
    ("기사님 연락처는 010-****-4321입니다.", PHONE_SHUT, {P}, "masked number"),
    ("기사님 번호 뒷자리는 4321입니다", PHONE_SHUT, {P}, "last four digits"),
    ("기사님 연락처는 010-8765-4321입니다.", PHONE_OPEN, set(), "window open, no console value"),
    ("안심연결의 발신번호는 1551-5009로 적용됩니다.", EMPTY, set(), "company number"),
    ("고객센터 1588-1234 또는 1644-1234로 문의 주세요", EMPTY, set(), "representative numbers"),
    ("카카오 T 고객센터(1599-9400)로 연락 주세요", EMPTY, set(), "company number in brackets"),
    ("운행일은 2024.11.06, 2024-11-06 입니다", EMPTY, set(), "dates"),
    ("(23/07/03 14시~) 기준으로 적용됩니다", EMPTY, set(), "short date and hour"),
    ("발급요청 기간: 0000년 00월 00일 ~ 0000년 00월 00일", EMPTY, set(), "date template"),
    ("14:30에 탑승하셨고 요금은 12,000원입니다", EMPTY, set(), "time and amount"),
    ("결제 금액 1,234,567원, 2회 재시도, 3일 이내", EMPTY, set(), "amount and counts"),
    ("예약번호 20241106-1234 로 확인됩니다", EMPTY, set(), "booking id"),
    ("주문번호 2024110612345 확인 부탁드립니다", EMPTY, set(), "order id"),
    ("이삼일 정도 걸리고 오육일 뒤에 연락드려요", EMPTY, set(), "digit-word lookalikes"),
    ("통화 성공 기준 2회까지, 14일 이내 이용 가능", EMPTY, set(), "playbook counts"),
    ("010-8765-4321번으로 연락 주세요", PHONE_SHUT, {P}, "번 glued"),
    ("기사님 번호 010/8765/4321", PHONE_SHUT, {P}, "slashes"),
    ("기사님 연락처 010-8765-XXXX", PHONE_SHUT, {P}, "partly masked"),
    ("기사님 번호 끝 4자리는 4321입니다", PHONE_SHUT, {P}, "끝 4자리"),
    ("운행일 2024.11.02, 2024.11.06 두 건입니다", EMPTY, set(), "date list ending in 02"),
    ("결제하신 카드 끝자리 3456으로 결제되었습니다", EMPTY, set(), "card last digits"),
    ("기사님 번호 010ㅡ8765ㅡ4321", PHONE_SHUT, {P}, "ㅡ typed as a dash"),
    ("기사님 번호는 공일공, 팔칠육오, 사삼이일입니다", PHONE_SHUT, {P}, "words with commas"),
    ("기사님 번호는 010 8765 사삼이일", PHONE_SHUT, {P}, "mixed, words last"),
    ("tel:01087654321", PHONE_SHUT, {P}, "glued to a label"),
    ("해당 기사님께 동의 여부를 확인한 후 2~3일 내로 연락드리겠습니다.", EMPTY, set(), "range"),
    ("기사님 평점 4.9점, 운행 횟수 1,234회입니다.", EMPTY, set(), "rating and count"),
]

PHONE_BOUNDARIES: list[Row] = [
    (PH, {**PHONE_OPEN, "days_since_ride": 3}, set(), "day 3"),
    (PH, {**PHONE_OPEN, "days_since_ride": 4}, {P}, "day 4"),
    (PH, {**PHONE_OPEN, "ride_status": "in_progress"}, set(), "운행중 is open"),
    (PH, {**PHONE_OPEN, "ride_status": "cancelled_after_dispatch"}, {P}, "배차 후 취소"),
    (PH, {**PHONE_OPEN, "ride_status": "stopped_by_passenger_report"}, {P}, "승객 신고로 중단"),
    (PH, {**PHONE_OPEN, "ride_status": "cancelled_before_dispatch"}, {P}, "배차 전 취소"),
    (PH, {**PHONE_OPEN, "history_available": True}, {P}, "history can be opened"),
    (PH, {"ride_status": "completed", "days_since_ride": 1}, {P}, "history unknown"),
    (PH, {"ride_status": "completed", "history_available": False}, {P}, "days unknown"),
    (PH, {**PHONE_SHUT, "reason": "lost_item"}, {P}, "분실물 opens nothing"),
    (
        "기사님 번호는 010-1111-2222 입니다",
        {**PHONE_OPEN, "driver_phone": "010-8765-4321"},
        {P},
        "not the console's number",
    ),
    (
        "기사님 번호는 공일공 팔칠육오 사삼이일 입니다",
        {**PHONE_OPEN, "driver_phone": "010-8765-4321"},
        set(),
        "console number in words",
    ),
]

PLATES: list[Row] = [
    (PL, PLATE_SHUT, {V}, "plain plate"),
    ("차량번호는 56 다 7890 입니다.", PLATE_SHUT, {V}, "spaced"),
    ("차량번호는 156다7890입니다.", PLATE_SHUT, {V}, "three-digit front"),
    ("차량번호는 서울56다7890입니다.", PLATE_SHUT, {V}, "region"),
    ("차량번호는 서울 56다 7890입니다.", PLATE_SHUT, {V}, "region spaced"),
    ("배정 차량은 경기12바3456 입니다", PLATE_SHUT, {V}, "경기 region"),
    ("차량번호는 56다-7890입니다.", PLATE_SHUT, {V}, "dash"),
    ("차량번호는 ５６다７８９０입니다.", PLATE_SHUT, {V}, "full-width digits"),
    ("렌터카 번호는 12하3456입니다", PLATE_SHUT, {V}, "rental 하"),
    ("차량은 34허5678, 56호7890 중 하나예요", PLATE_SHUT, {V}, "rental 허/호"),
    ("차량번호는 56다7890으로 확인됩니다", PLATE_SHUT, {V}, "particle glued"),
    ("차량번호는 OO가OOOO으로 확인됩니다.", PLATE_SHUT, {V}, "template"),
    ("차량번호는 00가0000 입니다", PLATE_SHUT, {V}, "zero template"),
    ("차량 번호 끝자리는 7890이에요", PLATE_SHUT, {V}, "last four of the plate"),
    (PL, {**PLATE_SHUT, "days_since_ride": 7}, set(), "day 7"),
    (PL, {**PLATE_SHUT, "ride_status": "in_progress"}, {V}, "운행중"),
    (
        PL,
        {**PLATE_SHUT, "days_since_ride": 3, "history_available": True},
        {V},
        "history can be opened",
    ),
    (PL, {**PLATE_SHUT, "reason": "custom_reservation"}, {V}, "맞춤예약 opens nothing"),
    (PL, CONSENT, set(), "driver consent"),
    (
        "차량번호는 12가3456입니다.",
        {**PLATE_SHUT, "days_since_ride": 2, "vehicle_plate": "56다7890"},
        {V},
        "not the console's plate",
    ),
    ("차량번호는 고객님의 이용기록을 통해 확인할 수 있어요.", PLATE_SHUT, set(), "route"),
    ("요청하신 기사님의 OOOO 정보는 제공이 어렵습니다", PLATE_SHUT, set(), "kind of info"),
    ("3일 이내 14일 이후 2회 이용 가능", PLATE_SHUT, set(), "counts"),
    ("차량번호는 **다****입니다", PLATE_SHUT, {V}, "star template"),
    ("차량은 서울 34 바 5678 입니다", PLATE_SHUT, {V}, "old region form, spaced"),
    (BOTH, CONSENT, set(), "consent opens both"),
    (BOTH, {**PHONE_SHUT, "days_since_ride": 6}, {P}, "day 6: plate only"),
]

NAMES: list[Row] = [
    ("이영희 기사님이 운행하셨습니다.", {"driver_name": "이영희"}, {N}, "console name"),
    ("운행하신 분은 이 영 희 님입니다", {"driver_name": "이영희"}, {N}, "spaced console"),
    ("기사님은 이*희 님입니다", EMPTY, {N}, "masked middle"),
    ("기사님 성함은 이**입니다", EMPTY, {N}, "masked given name"),
    ("기사님은 이○○ 기사님이세요", EMPTY, {N}, "circle mask"),
    ("담당 기사님은 이OO 기사님입니다", EMPTY, {N}, "letter-O mask"),
    ("기사님 성함은 김철수입니다.", EMPTY, {N}, "성함은 X"),
    ("김철수 기사님이 배정되었습니다", EMPTY, {N}, "X 기사님"),
    ("기사 이름: 김철수", EMPTY, {N}, "labelled"),
    ("담당 기사는 김철수님입니다", EMPTY, {N}, "X님 about the driver"),
    ("김철수 님이 운행하셨습니다", EMPTY, {N}, "X 님이 운행"),
    ("기사님 성함은 이 영 희입니다", EMPTY, {N}, "spaced name after 성함은"),
    ("기사님 성함은 김 철 수 님입니다", EMPTY, {N}, "spaced name with 님"),
    ("김훈 기사님이 운행하셨어요", EMPTY, {N}, "two-syllable name before 기사님"),
    ("이준 기사님께 전달드렸습니다", EMPTY, {N}, "two-syllable name before 기사님께"),
    ("운행하신 분은 박민 기사님입니다", EMPTY, {N}, "two-syllable name, copula"),
    ("기사님 성함은 김철수, 연락처는 010-8765-4321입니다", CONSENT, {N}, "consent: no name"),
    ("박 기사님께서 운행하셨어요", {"driver_name": "박민수"}, {N}, "console surname alone"),
    ("요청하신 기사님의 이름은 직접 확인하셔야 합니다", {"driver_name": "이영희"}, set(), "route"),
    ("고객님, 담당 기사님께 전달드렸어요", {"driver_name": "이영희"}, set(), "고객님, 담당"),
    ("해당 기사님과 펫 기사님 모두 확인했습니다", EMPTY, set(), "해당, 펫"),
    ("이용 기사님께 직접 문의해 주세요", EMPTY, set(), "이용 기사님"),
    ("기사님 성함은 고객님께서 직접 확인하셔야 해요", EMPTY, set(), "성함은 고객님께서"),
    ("안심연결로 기사님께 연락하실 수 있어요", EMPTY, set(), "안심연결"),
    ("이용기록에서 기사님 정보를 보실 수 있어요", EMPTY, set(), "이용기록"),
    ("이 기사님이 운행하셨어요", {"driver_name": "이영희"}, set(), "이 = this"),
    ("그 기사님과 이번 기사님, 다른 기사님, 모든 기사님", EMPTY, set(), "determiners"),
    ("신규 기사님, 우수 기사님, 전담 기사님, 여성 기사님", EMPTY, set(), "ordinary words"),
    ("동일 기사님, 고정 기사님, 방금 기사님, 지정 기사님", EMPTY, set(), "ordinary words"),
    ("대리 기사님, 택시 기사님, 전문 기사님, 베테랑 기사님", EMPTY, set(), "ordinary words"),
    ("최고 기사님, 인기 기사님, 기존 기사님, 현재 기사님", EMPTY, set(), "ordinary words"),
    ("김철수님, 기사님 연락처는 안내가 어렵습니다", EMPTY, set(), "the customer's own name"),
    ("기사님 성함은 이 경우 안내가 어렵습니다", EMPTY, set(), "이 경우"),
    ("기사님 성함은 개인정보라 안내가 어렵습니다", EMPTY, set(), "개인정보"),
    ("기사님 성함은 제공이 어렵습니다", EMPTY, set(), "제공이"),
    ("요청하신 기사님의 OOO은 직접 연락하셔야 확인이 가능합니다", EMPTY, set(), "kind of info"),
    ("기사님(김철수)께서 운행하셨어요", EMPTY, {N}, "name in brackets"),
    ("담당 기사: 김철수입니다", EMPTY, {N}, "title, colon, name"),
    ("운행하신 분은 김철수 씨입니다", EMPTY, {N}, "운행하신 분 ... 씨"),
    ("김철수 기사님 연락처는 010-8765-4321입니다", CONSENT, {N}, "consent never opens a name"),
    ("인천 기사님, 부산 기사님 모두 가능합니다", EMPTY, set(), "place names"),
    ("기사님(배정 완료) 기사님: 안녕하세요", EMPTY, set(), "brackets and colon, no name"),
    ("기사님 변경은 앱에서 가능합니다", EMPTY, set(), "word after the title"),
    ("김 기사님이 운행하셨어요", EMPTY, {N}, "a surname alone, no console"),
    ("운전기사 김철수", EMPTY, {N}, "title then name"),
    ("기사명: 김철수", EMPTY, {N}, "기사명 label"),
    ("Driver: 김철수", EMPTY, {N}, "English label"),
    ("기사님 계좌는 카카오뱅크 3333-01-1234567 (예금주: 김철수)", EMPTY, {A, N}, "예금주"),
    ("운전기사 변경은 앱에서 가능하고, 운전기사 분들께 공지됩니다", EMPTY, set(), "운전기사"),
    ("오 기사님 감사합니다. 한 기사님이 두 건을 운행하셨어요", EMPTY, set(), "오, 한"),
    ("성실한 기사님, 다정한 기사님, 반려견 전문 기사님", EMPTY, set(), "modifiers"),
    ("상담원 이수진이 안내해 드렸습니다.", EMPTY, set(), "the agent's own name"),
    ("신한 110-123-456789 (예금주 기사님)", EMPTY, {A}, "예금주 is no name"),
]

ACCOUNTS: list[Row] = [
    ("국민은행 123456-01-123456 으로 입금해 주세요", CONSENT, {A}, "국민"),
    ("신한 110-123-456789", EMPTY, {A}, "신한"),
    ("우리 1002-345-678901", EMPTY, {A}, "우리"),
    ("하나은행 123-456789-01234", EMPTY, {A}, "하나"),
    ("농협 302-1234-5678-11", EMPTY, {A}, "농협"),
    ("카카오뱅크 3333-01-1234567", EMPTY, {A}, "카카오뱅크"),
    ("토스뱅크 1000-1234-5678", EMPTY, {A}, "토스뱅크"),
    ("기업은행 123-456789-01-011", EMPTY, {A}, "기업"),
    ("새마을금고 9002-1234-5678-9", EMPTY, {A}, "새마을금고"),
    ("우체국 123456-01-123456", EMPTY, {A}, "우체국"),
    ("IBK 123-456789-01-011", EMPTY, {A}, "IBK"),
    ("KB 123456-01-123456", EMPTY, {A}, "KB"),
    ("계좌번호는 110123456789 입니다", EMPTY, {A}, "digits after 계좌"),
    ("3333011234567로 송금하시면 됩니다", EMPTY, {A}, "digits before 송금"),
    ("입금하실 곳: 1002345678901", EMPTY, {A}, "digits after 입금"),
    ("기사님 계좌번호는 OOO-OOO-OOOOOO 입니다", EMPTY, {A}, "account template"),
    ("기사님 계좌번호는 국민은행 OOOOOO-OO-OOOOOO입니다", EMPTY, {A}, "bank + template"),
    ("요청하신 기사님의 계좌번호는 직접 확인하셔야 합니다", EMPTY, set(), "route"),
    ("입금 금액 12,000원은 2024-11-06에 처리됩니다", EMPTY, set(), "amount and date"),
    ("계좌 이체는 앱 결제수단에서 변경할 수 있어요", EMPTY, set(), "account word, no number"),
    ("계좌번호 110 123 456789", EMPTY, {A}, "spaced groups"),
    ("110-123-456789 신한은행", EMPTY, {A}, "bank after the number"),
    ("기사님 계좌번호는 국민은행 123456-01-123456입니다", CONSENT, {A}, "consent never opens it"),
]

PERSONAL_IDS: list[Row] = [
    ("고객님 주민번호 851212-2345678 확인했습니다.", EMPTY, {I}, "RRN"),
    ("주민등록번호 8512122345678", EMPTY, {I}, "RRN plain"),
    ("기사님 주민등록번호는 851212-2****** 입니다", CONSENT, {I}, "masked RRN"),
    ("카드번호 1234-5678-9012-3456 로 결제되었습니다", EMPTY, {I}, "card grouped"),
    ("카드번호 1234 5678 9012 3456", EMPTY, {I}, "card spaced"),
    ("카드번호 1234567890123456 로 결제되었습니다", EMPTY, {I}, "card plain, no Luhn"),
    ("결제 카드는 4111111111111111 입니다", EMPTY, {I}, "card plain, Luhn"),
    ("외국인등록번호 901010-5123456", EMPTY, {I}, "foreigner id"),
    ("개인정보 처리방침에 따라 제3자에게 제공하지 않습니다.", EMPTY, set(), "policy line"),
    ("주민번호 앞자리 851212, 뒷자리 2345678", EMPTY, {I}, "RRN in halves"),
    ("카드 1234-****-****-3456", EMPTY, {I}, "masked card"),
    ("기사님 이메일은 kim.driver@naver.com 입니다", CONSENT, {I}, "the driver's e-mail"),
    ("이용내역서는 kim@naver.com으로 발송해 드릴 예정이에요", VERIFIED, set(), "own e-mail"),
]

STATEMENTS: list[Row] = [
    (SEND, STATEMENT, {SI}, "발송해 드리겠"),
    ("이용내역서 보내드릴게요!", STATEMENT, {SI}, "보내드릴게요"),
    ("이용내역서는 메일로 드릴게요.", STATEMENT, {SI}, "메일로 드릴게요"),
    ("네, 이용내역서 발급해 드리겠습니다.", EMPTY, {SI}, "발급해 드리겠"),
    ("이용내역서를 이메일로 전송해 드릴 예정입니다.", STATEMENT, {SI}, "전송 예정"),
    ("이용내역서 발급 진행해 드리겠습니다.", STATEMENT, {SI}, "진행해 드리겠"),
    ("이용내역서는 영업일 기준 3일 이내 발송됩니다.", STATEMENT, {SI}, "passive promise"),
    (SEND, {**STATEMENT, "identity_verified": False}, {SI}, "identity false"),
    (SEND, VERIFIED, set(), "identity true"),
    ("본인 확인 후 이용내역서를 발송해 드리겠습니다.", STATEMENT, set(), "waits for the check"),
    ("본인 확인이 되면 이용내역서를 발송해 드리겠습니다.", STATEMENT, set(), "waits for the check"),
    ("본인이 아니시면 이용내역서 발급이 어렵습니다.", STATEMENT, set(), "refusal"),
    ("이용내역서는 이용자 본인에게만 발급해드리고 있어요.", STATEMENT, set(), "description"),
    ("이용내역서 발급을 위해 아래 내용 확인 부탁드려요.", STATEMENT, set(), "purpose"),
    ("이용내역서는 말씀하신 다른 이메일로 보내드릴게요.", VERIFIED, {SC}, "other address"),
    ("이용내역서를 고객님 성함으로 발급해 드릴게요.", VERIFIED, {SC}, "real name, no consent"),
    (CLOSING, {**VERIFIED, "withdrawn": True}, {SC}, "withdrawn, no consent"),
    (
        CLOSING,
        {**VERIFIED, "alt_recipient": True, "collection_consent": False},
        {SC},
        "consent refused",
    ),
    (CLOSING, {**STATEMENT, "withdrawn": True}, {SI, SC}, "withdrawn, unverified"),
    (
        CLOSING,
        {**VERIFIED, "withdrawn": True, "collection_consent": True},
        set(),
        "playbook closing, consent",
    ),
    (
        "앱에 등록되어 있는 카카오계정의 이메일 주소로 발송해 드리면 될까요?",
        {**VERIFIED, "withdrawn": False, "alt_recipient": False},
        set(),
        "playbook offer, verified",
    ),
    ("영수증을 이메일로 보내드릴게요.", EMPTY, set(), "not a statement"),
    ("이용내역서 보내 드렸습니다", STATEMENT, {SI}, "already sent"),
    ("이용내역서 발급 완료했습니다", STATEMENT, {SI}, "issued"),
    ("네 고객님, 이용내역서 이메일로 발송 도와드리겠습니다", STATEMENT, {SI}, "도와드리겠"),
    ("이용내역서 곧 메일로 받아보실 수 있어요", STATEMENT, {SI}, "받아보실 수 있어요"),
    ("이용내역서는 등록된 메일로 전송될 거예요", STATEMENT, {SI}, "passive future"),
    (
        "본인 인증이 완료되면 이용내역서를 발송해 드리겠습니다",
        STATEMENT,
        set(),
        "waits for the check",
    ),
    ("이용내역서는 본인 확인 절차 후 발송됩니다", STATEMENT, set(), "waits for the check"),
    ("이용내역서 발급해 드릴 수 없습니다", STATEMENT, set(), "refusal"),
    ("내역서 메일 발송했습니다", STATEMENT, {SI}, "발송했습니다"),
    ("이용내역서를 이메일로 보내드릴 수 있도록 하겠습니다", STATEMENT, {SI}, "있도록 하겠"),
    ("이용내역서 PDF로 보내 드리겠습니다", EMPTY, {SI}, "named, no request"),
    ("이용내역서 발송 여부는 확인했습니다", STATEMENT, set(), "checked, not sent"),
    ("이용기록을 이메일로 보내드릴게요", EMPTY, {SI}, "이용기록 sent by e-mail"),
    ("기사님께 전달드리겠습니다. 이용기록에서 확인 가능해요.", EMPTY, set(), "in-app 이용기록"),
    (NEW_ADDRESS, VERIFIED, {SC}, "new address, no consent"),
    (NEW_ADDRESS, {**VERIFIED, "collection_consent": True}, set(), "new address, consent given"),
]

PLACEHOLDERS: list[Row] = [
    ("기사님 연락처는 [연락처]입니다", PHONE_SHUT, {P}, "bracket placeholder, closed"),
    ("기사님 연락처는 [연락처]입니다", PHONE_OPEN, set(), "bracket placeholder, open"),
    ("기사님 번호는 {{driver_phone}} 입니다", PHONE_SHUT, {P}, "template variable"),
    ("차량번호는 {vehicle_plate}입니다", PLATE_SHUT, {V}, "plate variable"),
    ("기사님 성함은 <기사 이름>이에요", CONSENT, {N}, "name placeholder"),
    ("[이름] 기사님이 운행하셨습니다", EMPTY, {N}, "name placeholder before 기사님"),
    ("계좌번호는 [계좌번호]입니다", CONSENT, {A}, "account placeholder"),
    ("안녕하세요, 상담원 [이름]입니다.", EMPTY, set(), "the agent's own name slot"),
    ("[기사님께 전화] 선택 후 [전화 연결 방법]을 확인해 주세요", EMPTY, set(), "menu items"),
    ("고객님의 [ 성함, 이메일주소 ] 확인 부탁드립니다.", VERIFIED, set(), "consent script"),
]

ROWS = (
    PLACEHOLDERS + PHONES + PHONE_BOUNDARIES + PLATES + NAMES + ACCOUNTS + PERSONAL_IDS + STATEMENTS
)


@pytest.mark.parametrize(
    ("draft", "case", "expected", "why"), ROWS, ids=[f"{i:03d}-{r[3]}" for i, r in enumerate(ROWS)]
)
def test_probe(draft: str, case: dict[str, Any], expected: set[str], why: str) -> None:
    verdict = check(draft, CaseFacts.model_validate(case))
    found = {v.rule for v in verdict.violations}
    assert found == expected, (why, [(v.rule, v.text) for v in verdict.violations])
    assert verdict.allowed is (not expected)


# Where the span matters: the violation shows exactly the value, no more, no less.
SPANS = [
    ("기사님 성함은 이 영 희입니다", EMPTY, "이 영 희"),
    ("기사 이름: 김가로", EMPTY, "김가로"),
    ("기사님 번호는 공일일 일이삼 사오육칠이에요", EMPTY, "공일일 일이삼 사오육칠"),
    ("기사님 번호는 공일공 팔칠육오 사삼이일이에요", EMPTY, "공일공 팔칠육오 사삼이일"),
    ("연락처는 82-10-8765-4321 입니다", EMPTY, "82-10-8765-4321"),
    ("김 가 가기사님 연락처는", {"driver_name": "김가가"}, "김 가 가"),
    ("기사님 계좌번호는 OOO-OOO-OOOOOO 입니다", EMPTY, "OOO-OOO-OOOOOO"),
]


@pytest.mark.parametrize(("draft", "case", "value"), SPANS)
def test_spans_are_exact(draft: str, case: dict[str, Any], value: str) -> None:
    texts = [v.text for v in check(draft, CaseFacts.model_validate(case)).violations]
    assert texts == [value]


def test_ordinary_word_list_is_built_like_names() -> None:
    """Every listed ordinary word could be mistaken for a name (so the list is needed), and the
    list holds none of the names the probe expects to be read."""
    lex = load_lexicon()
    words = load_ordinary_words()
    assert len(words) > 1000
    assert all(len(w) == 2 and w[0] in lex.surnames for w in words)
    assert all(w[1] in lex.given_name_syllables for w in words)
    assert {"고정", "동일", "방금", "배정", "이용"} <= words
    assert not {"김훈", "이준", "박민"} & words


# Pieces the new paths read (titles, labels, brackets, e-mail, 주민번호, digit words), mixed at
# random: the guard never raises and every span maps back onto the draft.
PIECES = [
    *"0123456789-.:()[]{}<>@ *O가다김이박훈준철수",
    " 기사님",
    " 기사",
    "기사명: ",
    "예금주 ",
    "운전기사 ",
    "주민번호 ",
    "카드 ",
    "계좌번호는 ",
    "[연락처]",
    "[이름]",
    "입니다",
    "님이 운행",
    "공일공 ",
    "사오육칠이에요",
    "82-10-",
    "ㅡ",
    "\u200b",
    "\n",
]


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.sampled_from(PIECES), max_size=40))
def test_no_exception_and_exact_spans_on_mixed_pieces(parts: list[str]) -> None:
    draft = "".join(parts)
    verdict = check(draft, CaseFacts(driver_name="김훈", driver_phone="010-8765-4321"))
    assert verdict.allowed == (not verdict.violations)
    for v in verdict.violations:
        assert 0 <= v.span[0] < v.span[1] <= len(draft)
        assert draft[v.span[0] : v.span[1]] == v.text
