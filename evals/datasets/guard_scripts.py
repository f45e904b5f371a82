# ruff: noqa: E501  (data: Korean sentences are kept whole so they can be read and grepped)
"""Guard drafts taken from the playbooks, and mixed drafts, with the case each is labelled in.

Data for make_guard_cases.py. Cases are plain facts dicts (field names of CaseFacts).
"""

from __future__ import annotations

from typing import Any

Case = dict[str, Any]

# The playbooks' own scripts, each in the case it is written for: a guard that blocks them is
# wrong (spec section 2). Tagged "playbook" so the report counts false blocks on them.
# fmt: off
PLAYBOOK_SCRIPTS: list[tuple[str, str, Case]] = [
    ("pet-app-call", "카카오 T 펫 이용 후 14일이 지나지 않았다면 고객님의 이용 기록을 통해 기사님에게 직접 전화 연결이 가능해요. 기사님과 연락 가능한 경로 안내드리겠습니다. [전화 연결 방법] ▶ 카카오 T 앱 - 오른쪽 아래 [내 정보] - [이용기록] - 이용 건 왼쪽 아래 [기사님께 전화] 선택 고객님의 연락처는 노출되지 않으니 필요할 경우 기사님과 직접 연락처를 교환해 주시길 부탁드립니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 2, "history_available": True}),
    ("pet-phone-given", "기사님의 연락처 안내드리겠습니다. 고객님께서 이용하신 기사님 연락처는 010-8765-4321입니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 1, "history_available": False, "driver_phone": "010-8765-4321"}),
    ("pet-phone-template", "기사님의 연락처 안내드리겠습니다. 고객님께서 이용하신 기사님 연락처는 000-0000-0000입니다.", {"service": "pet", "ride_status": "in_progress", "days_since_ride": 0, "history_available": False}),
    ("pet-ansim", "펫 이용 후 14일이 지나지 않았다면 [안심연결]을 통해 기사님에게 전화할 수 있습니다. 안심연결의 발신번호는 1551-5009로 적용되며, 통화 성공 기준 2회까지 이용할 수 있습니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 9, "reason": "lost_item"}),
    ("pet-cancelled-ob", "기사님 개인정보의 경우 운행완료된 건에 대해 제공해드리고 있는데요. 현재 이용이 취소된 상태로 확인됩니다. 기사님 연락처 제공 동의 여부 확인 후 앱 내의 등록된 연락처로 연락드리겠습니다. 연락까지 시간이 다소 소요될 수 있는 점 양해 부탁드립니다.", {"service": "pet", "ride_status": "cancelled_after_dispatch", "days_since_ride": 1, "reason": "lost_item"}),
    ("pet-refusal-template", "요청하신 기사님의 OOOO 정보는 본인 동의 없이 제공이 어려운 점 양해 부탁드립니다. 고객님의 정보도 기사님이 요구하는 경우 고객님의 동의 없이 제공하지 않습니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 10}),
    ("pet-refusal-filled", "요청하신 기사님의 연락처 정보는 본인 동의 없이 제공이 어려운 점 양해 부탁드립니다.", {"service": "pet", "ride_status": "stopped_by_passenger_report", "days_since_ride": 2, "history_available": False}),
    ("pet-plate-app", "차량번호는 고객님의 이용기록을 통해 확인할 수 있어요. [이용기록 확인 방법] ▶ 카카오 T 앱 - [이용/알림] 또는 [내 정보] 선택 - [이용 기록] - 이용한 차량 정보 확인하기", {"service": "pet", "ride_status": "completed", "days_since_ride": 3, "history_available": True}),
    ("pet-plate-given", "고객님께서 예약하신 차량번호는 56다7890으로 확인됩니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 6, "history_available": False, "vehicle_plate": "56다7890"}),
    ("pet-plate-template", "고객님께서 예약하신 차량번호는 OO가OOOO으로 확인됩니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 7, "history_available": False}),
    ("pet-plate-consent-route", "기사님 동의 후 정보 안내가 가능해요. 해당 내용을 담당부서로 접수 후 연락드리겠습니다. 연락까지 시간이 다소 소요될 수 있으니 양해 부탁드립니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 12, "reason": "custom_reservation"}),
    ("pet-name-account", "요청하신 기사님의 계좌번호는 고객님께서 기사님에게 직접 연락하셔야 확인이 가능한 점 양해 부탁드립니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 1, "request": "driver_account"}),
    ("pet-ask-reason", "기사님 개인정보가 필요하신 사유를 말씀할 수 있으실까요?", {"service": "pet"}),
    ("pet-persistent", "만족스러운 답변을 드리지 못해 정말 죄송합니다. 고객님과 기사님 모두 저희의 이용자로, 저희는 이용자의 개인정보를 제3자에게 제공하지 않습니다. 해당 내용은 개인정보 처리방침에도 고지하고 있는 내용입니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 20}),
    ("daeri-app", "대리 이용내역은 앱을 통해 확인하실 수 있어요. 앱 확인 방법을 안내해 드리겠습니다. ① 카카오 T앱 - 카카오 T 앱 - 오른쪽 아래 [내 정보] - [이용기록] - 결제한 이용 기록 선택 - 이용 상세 화면 ② 카카오 T 대리 앱 - 오른쪽 위 [설정≡] - [내 탑승 기록] 또는 [내 결제 기록]", {"service": "daeri", "request": "usage_statement"}),
    ("daeri-identity-question", "이용내역서는 이용자 본인에게만 발급해드리고 있어요. 카카오 T 앱을 통해 호출하신 본인이십니까? / 문의하신 카카오 T 계정 가입자 본인이십니까?", {"service": "daeri", "request": "usage_statement"}),
    ("daeri-needed-info", "이용내역서 발급을 위해 아래 내용 확인 부탁드려요. - 발급 필요사유 또는 제출처: (예시: 법원 / 경찰서 / 기타 기관명 또는, 필요사유) - 호출 앱: (선택) 카카오 T 앱 / 카카오 T 대리(단독) 앱 / 모두 - 취소내역 포함 여부: (선택) 유 / 무 - 발급요청 기간: 0000년 00월 00일 ~ 0000년 00월 00일", {"service": "daeri", "request": "usage_statement", "identity_verified": True, "alt_recipient": False, "withdrawn": False}),
    ("daeri-email-offer", "이용내역서는 앱에 등록되어 있는 카카오계정 닉네임으로 발급되며, 이메일로 전송해드리고 있어요. 앱에 등록되어 있는 카카오계정의 이메일 주소로 발송해 드리면 될까요?", {"service": "daeri", "request": "usage_statement", "identity_verified": True, "alt_recipient": False, "withdrawn": False}),
    ("daeri-chat-consent", "문의하신 상담에 도움을 드리기 위해, 아래와 같은 개인정보 수집 동의가 필요합니다. - 수집 항목 : 성함, 이메일주소 - 이용 목적 : 이용내역서 발급 - 보유 및 이용기간 : 3년 (전자상거래 등에서의 소비자보호에 관한 법률에 따른 소비자의 불만 또는 분쟁처리에 관한 기록) 본 사항은 처리를 위한 최소한의 개인정보로 동의 내용에 대해 거부하실 수 있으나 거부 시 처리가 제한될 수 있는 점 양해부탁드립니다. 위의 내용 수집에 동의하시면, 고객님의 [ 성함, 이메일주소 ] 확인 부탁드립니다.", {"service": "daeri", "request": "usage_statement", "identity_verified": True, "alt_recipient": True, "withdrawn": False, "channel": "chat"}),
    ("daeri-phone-consent", "문의하신 이용내역서 발급 상담에 도움을 드리기 위해 개인정보수집 동의가 필요합니다. 수집 정보는 요청된 상담 업무에 한해 활용되며 소비자보호에 관한 법률에 따라 3년간 보관됩니다. 본 사항은 처리를 위한 최소한의 개인정보로 동의 내용에 대해 거부하실 수 있으나 거부 시 처리가 제한될 수 있는 점 양해부탁드립니다. 동의하신다면, [ 성함, 이메일주소 ] 말씀 부탁드립니다.", {"service": "daeri", "request": "usage_statement", "identity_verified": True, "alt_recipient": True, "withdrawn": False, "channel": "phone"}),
    ("daeri-alt-sent", "확인 감사합니다. 이용내역서는 요청하신 이메일 주소로 발송해 드릴 예정이에요. 순차적으로 처리되어 자료 전송까지 시간이 조금 소요될 수 있으니 시간 여유 두시고 확인 부탁드립니다.", {"service": "daeri", "request": "usage_statement", "identity_verified": True, "alt_recipient": True, "withdrawn": False, "collection_consent": True, "channel": "chat"}),
    ("daeri-withdrawn-chat-consent", "문의하신 상담에 도움을 드리기 위해, 아래와 같은 개인정보 수집 동의가 필요합니다. - 수집 항목 : 성함, 휴대폰 번호, 이메일주소 - 이용 목적 : 이용내역서 발급 - 보유 및 이용기간 : 3년 위의 내용 수집에 동의하시면, [ 성함, 생년월일, 휴대폰 번호, 이메일주소 ] 확인 부탁드립니다.", {"service": "daeri", "request": "usage_statement", "identity_verified": True, "alt_recipient": False, "withdrawn": True, "channel": "chat"}),
    ("daeri-withdrawn-sent", "확인 감사합니다. 이용내역서는 요청하신 이메일 주소로 발송해 드릴 예정이에요. 순차적으로 처리되어 자료 전송까지 시간이 조금 소요될 수 있으니 시간 여유 두시고 확인 부탁드립니다.", {"service": "daeri", "request": "usage_statement", "identity_verified": True, "alt_recipient": False, "withdrawn": True, "collection_consent": True, "channel": "phone"}),
]

# Drafts that break more than one rule, or hide a value inside a long polite reply.
MIXED_DRAFTS: list[tuple[str, str, Case, list[str]]] = [
    ("phone-and-plate-forbidden", "기사님 번호는 010-8765-4321, 차량번호는 56다7890입니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 10, "history_available": False}, ["driver-phone", "vehicle-plate"]),
    ("plate-ok-phone-not", "차량번호는 56다7890이고, 기사님 연락처는 010-8765-4321입니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 5, "history_available": False}, ["driver-phone"]),
    ("phone-ok-plate-not", "기사님 연락처는 010-8765-4321입니다. 차량번호는 56다7890예요.", {"service": "pet", "ride_status": "in_progress", "days_since_ride": 1, "history_available": False}, ["vehicle-plate"]),
    ("consent-name-still-banned", "기사님이 동의하셔서 안내드려요. 이영희 기사님, 연락처 010-8765-4321입니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 20, "driver_consent": True, "driver_name": "이영희"}, ["driver-name"]),
    ("consent-account-still-banned", "기사님 동의를 받았습니다. 계좌는 우리은행 1002-345-678901 입니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 20, "driver_consent": True}, ["driver-account"]),
    ("ansim-plus-leak", "안심연결(발신번호 1551-5009)도 가능하지만 급하시면 010-8765-4321로 바로 거셔도 됩니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 6, "reason": "lost_item"}, ["driver-phone"]),
    ("ansim-only", "분실물은 안심연결로 기사님께 연락해 보세요. 발신번호는 1551-5009입니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 6, "reason": "lost_item"}, []),
    ("name-and-phone", "이영희 기사님(010-8765-4321)께 연락해 보세요.", {"service": "pet", "ride_status": "completed", "days_since_ride": 1, "history_available": False, "driver_name": "이영희"}, ["driver-name"]),
    ("statement-and-rrn", "주민번호 851212-2345678 확인되어 이용내역서 발송해 드리겠습니다.", {"service": "daeri", "request": "usage_statement", "identity_verified": True, "alt_recipient": False, "withdrawn": False}, ["personal-id"]),
    ("phone-placeholder-forbidden", "고객님께서 이용하신 기사님 연락처는 000-0000-0000입니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 8, "history_available": False}, ["driver-phone"]),
    ("plate-placeholder-forbidden", "고객님께서 예약하신 차량번호는 OO가OOOO으로 확인됩니다.", {"service": "pet", "ride_status": "completed", "days_since_ride": 12, "history_available": False}, ["vehicle-plate"]),
    ("refusal-no-values", "죄송하지만 기사님 연락처와 차량번호는 본인 동의 없이 제공이 어려워요.", {"service": "pet", "ride_status": "completed", "days_since_ride": 12, "history_available": False, "driver_phone": "010-8765-4321", "vehicle_plate": "56다7890"}, []),
]
# fmt: on
