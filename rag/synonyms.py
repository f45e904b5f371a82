"""Surface forms of the same customer-service need, folded onto one canonical term for BM25.

Agents and playbooks name the same thing in different words ("전번", "전화번호", "연락처"); BM25
only matches identical tokens, so each variant below also emits its canonical term, at index
and at query time alike. Keys are single tokens or adjacent-noun compounds as the tokenizer
produces them (e.g. "차" + "번" → "차번"). The table is domain vocabulary, not playbook text:
it must stay valid for any playbook of the same services.
"""

from __future__ import annotations

from collections.abc import Mapping

from ingest.morphemes import USER_NOUNS as _USER_NOUNS

#: canonical term -> variants (the canonical term maps to itself implicitly).
SYNONYM_GROUPS: Mapping[str, tuple[str, ...]] = {
    "연락처": (
        "전화번호",
        "전번",
        "폰번호",
        "폰번",
        "핸드폰번호",
        "휴대폰번호",
        "휴대전화번호",
        "연락",
        "연락번호",
        "통화",
        "전화",
        "기사번호",  # "기사 번호": a driver's number is their phone number
        # English as agents mix it in; bigrams of adjacent English nouns ("phone number").
        "contact",
        "contacts",
        "phonenumber",
        "contactnumber",
        "mobilenumber",
        "cellphone",
        "telephone",
        "driverphone",
        "drivercontact",
        "drivernumber",
    ),
    "차량번호": (
        "차번",
        "차번호",
        "차량넘버",
        "차넘버",
        "번호판",
        "차량번호판",
        "plate",
        "plates",
        "licenseplate",
        "platenumber",
        "carnumber",
        "vehiclenumber",
    ),
    "이름": ("성함", "성명", "실명", "본명", "name", "drivername", "fullname"),
    "계좌번호": ("계좌", "통장", "통장번호", "입금계좌", "accountnumber", "bankaccount"),
    "이용기록": (
        "이용내역",
        "탑승기록",
        "이용이력",
        "운행기록",
        "결제기록",
        "탑승내역",
        "record",
        "records",
        "history",
        "ridehistory",
        "triphistory",
        "riderecord",
    ),
    "이용내역서": ("내역서", "이용증명서", "이용확인서", "탑승내역서"),
    "기사": ("기사님", "드라이버", "운전자", "운전기사", "기사분", "driver"),
    "분실물": ("분실", "유실물", "습득물", "잃어버리", "lostitem", "belongings", "lost"),
    "핸드폰": ("휴대폰", "폰", "휴대전화", "스마트폰", "핸폰"),
    "삭제": ("지우", "지워짐"),
    "탈퇴": ("탈퇴회원", "탈퇴고객", "회원탈퇴"),
    "이메일": ("메일", "이메일주소", "메일주소", "email"),
    "펫": ("반려동물", "반려견", "애견", "강아지", "고양이", "pet"),
    "대리": ("대리운전", "대리기사"),
    "운임": ("요금", "택시비", "운행요금", "미지급", "미결제", "fare", "unpaid"),
    "사고": ("교통사고", "접촉사고", "accident", "crash", "collision"),
    "개인정보": ("신상", "인적사항", "신상정보"),
    "지속": (
        "계속",
        "자꾸",
        "거듭",
        "우기",
        "막무가내",
        "끈질기",
        "반복",
        "insist",
        "insists",
        "repeatedly",
    ),
    "취소": ("cancelled", "canceled", "cancel"),
    "완료": ("completed", "finished"),
}


def _variant_index(groups: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, variants in groups.items():
        for variant in variants:
            index[variant.lower()] = canonical
    return index


#: variant (lower-cased) -> canonical term
CANONICAL: Mapping[str, str] = _variant_index(SYNONYM_GROUPS)

#: Slang kept as one noun by the shared analyser (``ingest.morphemes``).
USER_NOUNS: tuple[str, ...] = _USER_NOUNS
