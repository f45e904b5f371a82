"""How agents phrase case facts in Korean: the table ``rag.facts`` reads questions with.

Each entry maps a phrasing (a regular expression) onto one fact value. A space inside a pattern
means "optional whitespace", because agents space Korean freely ("배차 전 취소", "배차전취소").
Patterns run on NFKC-normalised, lower-cased text. The table is domain vocabulary shared by every
playbook of these services, not playbook text.

Order matters within a field: the first entry that matches wins, so specific phrasings
(negations, "기사가 승객을 신고") come before general ones ("신고", "보인대요").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final


def phrase(pattern: str) -> re.Pattern[str]:
    """Compile a table pattern: a literal space means optional whitespace."""
    return re.compile(pattern.replace(" ", r"\s*"))


_DRIVER = r"(?:기사|드라이버|운전자|운전 기사)(?:님|분)?"
_CUSTOMER = r"(?:승객|고객|손님|이용자)(?:님|분)?"
_PHONE_DEVICE = r"(?:핸드폰|휴대폰|휴대 전화|스마트폰|핸폰|폰)"

#: request -> phrasings. Matched spans are blanked before the next request is tried, so
#: "계좌번호" is an account and never also a phone "번호".
REQUEST_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    ("usage_statement", r"이용 (?:내역|기록|이력|확인) ?서"),
    ("usage_statement", r"내역서|이용 증명서|탑승 내역서"),
    (
        "usage_statement",
        r"(?:이용|탑승|운행) (?:기록|내역|이력) ?(?:을|를)? (?:발급|"
        r"뽑|출력|떼|보내 ?(?:주|달)|메일|받(?:아|고|을|으)|다운|내려 ?받|저장)",
    ),
    (
        "usage_statement",
        r"(?:이용|탑승|운행) (?:기록|내역|이력)(?:을|를)? (?:이메일|메일|e-?mail)(?:로|으로)? ?"
        r"(?:받|보내|발송|발급|전송)",
    ),
    (
        "usage_statement",
        r"(?:구청|법원|경찰서?|관공서|주민 센터|회사|기관|보험사)(?:에서|에)? ?"
        r"(?:제출|낼|내야|보낼|요구)",
    ),
    (
        "usage_statement",
        r"(?:이용|탑승|운행|대리) ?(?:내역|기록|이력)? ?(?:증명|증빙) ?(?:서|서류)?",
    ),
    ("driver_account", r"계좌|통장|입금 ?처"),
    ("vehicle_plate", r"차량 ?번호|차 번호|차번|차량 넘버|차 넘버|번호판|차량 정보"),
    (
        "driver_name",
        r"(?<!고객)(?<!본인)(?<!고객님)(?:이름|성함|성명|실명|본명|풀 ?네임|성씨)|"
        r"누구(?:인지|였|냐|신지|세요)|누군지|(?<![가-힣])성(?:이|은)? 뭐",
    ),
    (
        "driver_phone",
        r"연락처|연락쳐|연락 ?처|전화 번호|전번|폰 번호|폰번|휴대폰 번호|핸드폰 번호|"
        r"(?<!주민)(?<!카드)번호",
    ),
    (
        "driver_phone",
        _DRIVER + r"(?:님|와|과|랑|이랑|한테|에게|께)? ?(?:직접 )?(?:통화|연락|전화)",
    ),
    ("driver_phone", _DRIVER + r"(?:의)? ?" + _PHONE_DEVICE + r"(?! ?(?:분실|잃어|고장))"),
    ("driver_phone", r"(?:통화|연락|전화)(?:하고 ?싶|하길 ?원|를 ?원|하려|할 ?수)"),
    # Getting something back from the driver means reaching the driver.
    (
        "driver_phone",
        _DRIVER + r"(?:한테|에게|께)(?!서) ?(?:\S+ ){0,3}?\S*?(?:돌려 ?받|돌려 ?달|찾아|통화|연락)",
    ),
    # English mixed in ("driver phone number", "plate no."): agents paste customer words.
    ("usage_statement", r"(?:usage|ride|trip) ?(?:statement|history ?(?:report|document))"),
    ("driver_account", r"bank ?account|account ?(?:number|no)"),
    ("vehicle_plate", r"(?<![a-z])(?:license |licence |car |vehicle )?plate(?![a-z])|car ?number"),
    ("driver_name", r"driver'?s? ?(?:full ?)?name|name of the driver"),
    (
        "driver_phone",
        r"(?<![a-z])(?:phone|mobile|cell) ?(?:number|no\b|#)|driver'?s? phone|"
        r"contact ?(?:number|info|details)|call the driver",
    ),
)

#: Words that only name the requested item ("운행기록 증명서", "연락처"). Once the request is
#: read, they say nothing more about *which* situation applies, so they are left out of the
#: terms matched against situation headings ("앱 이용기록 확인 안내" must not win a
#: "법원 제출용 이용기록" question on the word 이용기록).
ITEM_WORDS: Final[str] = (
    r"(?:이용|탑승|운행|대리|결제) ?(?:기록|내역|이력)(?: ?(?:서|증명서|확인서))?|내역서|"
    r"증명 ?서(?:류)?|증빙 ?서류|연락처|전화 ?번호|폰 ?번호|차량 ?번호|차 ?번호|번호판"
)

#: Words that name a customer's (not the driver's) own data or the consent form: blanked
#: before requests are read ("닉네임 아닌 성함으로 발급" is not a request for the driver's name).
NOT_A_REQUEST: Final[tuple[str, ...]] = (
    r"(?:고객|본인|승객|내|제)(?:님)?(?:의)? (?:이름|성함|연락처|번호|전화 번호|이메일)",
    r"(?:닉네임|별명)(?:이)? ?(?:말고|대신|아닌|이 ?아닌) ?(?:실명|성함|이름|본명|풀 ?네임)",
    r"(?:실명|성함|이름|본명|풀 ?네임)으로",
    r"주민 (?:등록 )?번호|카드 번호|발신 번호|대표 번호|고객 ?센터 번호",
    r"(?:비밀|인증|주문|예약|회원|계정|사업자|승인|우편|배차|호출|쿠폰|결제|접수) ?번호",
)

#: Questions about "the driver's information" in general: some item of this family, which
#: one still to be asked. Enough to tell that a playbook for these items covers the question.
REQUEST_FAMILIES: Final[tuple[tuple[tuple[str, ...], str], ...]] = (
    (
        ("driver_phone", "vehicle_plate", "driver_name", "driver_account"),
        r"(?:기사|드라이버|운전자)(?:님|분)?(?:의)? ?(?:개인 ?)?(?:정보|신상|인적 ?사항)|"
        r"개인 ?정보(?:를|을)? ?(?:알려|달라|요청|문의|원|받)",
    ),
)

RIDE_STATUS_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    (
        "stopped_by_driver_report",
        _DRIVER + r"(?:가|이|께서) ?(?:" + _CUSTOMER + r"(?:을|를)? )?신고",
    ),
    ("stopped_by_driver_report", _CUSTOMER + r"(?:을|를) 신고|기사 신고로|기사 신고 ?(?:중단|건)"),
    ("stopped_by_passenger_report", _CUSTOMER + r"(?:이|가|께서) ?(?:기사(?:님)?(?:을|를)? )?신고"),
    ("stopped_by_passenger_report", _DRIVER + r"(?:을|를) 신고|승객 신고로|승객 신고 ?(?:중단|건)"),
    (
        "cancelled_before_dispatch",
        r"배차 (?:전|되기 ?전|안 ?된|안 ?되고|없이)(?:에)? ?(?:상태 ?(?:에서)? )?취소",
    ),
    (
        "cancelled_after_dispatch",
        r"배차 (?:후|된 ?후|되고|받고|이후|된 ?뒤|됐는데|된 ?다음)(?:에)? ?.{0,8}취소",
    ),
    ("cancelled_after_dispatch", r"취소(?:된|됐|했|한 ?건|건|처리)"),
    ("in_progress", r"운행 ?중(?! ?(?:에 )?사고)(?!단)|타고 (?:있|가고|가는)|이동 ?중|탑승 ?중"),
    (
        "completed",
        r"운행 ?완료|운행 ?(?:끝|종료)|하차|내렸|내린|내리(?:고|면서|자마자)|도착(?:했|한|하고)|"
        r"탔(?:는데|었|던|고|을)|탑승(?:했|한|하신|하고)|이용(?:했|한|"
        r"하신|하고|후| 후)|다녀(?:왔|온)|"
        r"(?<![가-힣])탄 ?(?:건|거|차|뒤|후|다음|고객|승객|손님|분)",
    ),
)

#: "이용기록" and its everyday variants, as the subject of a visibility statement.
_HISTORY = r"(?:이용 ?기록|이용 ?내역|탑승 ?기록|탑승 ?내역|운행 ?기록|기록|내역|앱)"

HISTORY_PHRASES: Final[tuple[tuple[bool, str], ...]] = (
    (
        False,
        _HISTORY
        + r"(?:이|은|는|도|에서|에|을|를)? ?(?:안 ?보|안 ?나|안 ?떠|없|삭제|지워|지웠|사라)",
    ),
    (
        False,
        _HISTORY + r"(?:이|은|는|도|에서|에|을|를|으로)? ?(?:.{0,8} )?(?:확인|"
        r"조회)(?:이|가)? ?(?:안|불가|못|어렵)",
    ),
    (False, _PHONE_DEVICE + r"(?:을|를|이)? ?(?:분실|잃어|잃었|도난|고장|초기화|바꿨|바꾸)"),
    (False, r"앱(?:을|를)? ?(?:삭제|지웠|지워)|기록 ?삭제|탈퇴(?:해서|하셔서|로) ?기록"),
    (
        True,
        _HISTORY + r"(?:이|은|는|도|에서|에)? ?(?:보(?:인|여|이|임)|있(?:대|어|"
        r"다|음|는)|(?:확인|조회) ?(?:가능|돼|된|됩|할 ?수|했))",
    ),
)

#: Generic "can't check it" ("확인이 안 된대요") with no subject: the history, unless the
#: sentence is about identity (handled by IDENTITY_PHRASES first).
GENERIC_NOT_VISIBLE: Final[str] = (
    r"(?:확인|조회)(?:이|가)? ?(?:안 ?(?:된|돼|되)|불가|못 ?(?:한|해|하))"
)

REASON_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    ("custom_reservation", r"맞춤 ?예약"),
    (
        "lost_item",
        r"분실물|유실물|습득물|(?:두고|놓고|놔두고|떨어뜨리고|흘리고) (?:내|왔|갔|하차|오)|"
        r"(?:차|차량|뒷 ?자리|좌석|트렁크)(?:에|에다|안에)? ?(?:두고|놓고|놔두고|떨어)|"
        r"(?:지갑|가방|우산|캐리어|목줄|이동장|켄넬|쇼핑백|소지품|"
        r"물건|짐|카드 ?지갑|안경|노트북)(?:을|를|이|"
        r"가)? ?(?:.{0,6})(?:두고|놓고|잃어|분실|찾|못 ?챙)|"
        r"분실|잃어 ?버린 ?물건|물건을? 찾",
    ),
    ("accident", r"(?<!무)사고(?! ?싶)|부딪|다쳤|다친|부상|충돌|접촉|파손|긁"),
    (
        "unpaid_fare",
        r"미지급|미결제|미납|(?:운임|요금|택시비|비용|돈|금액|"
        r"대금)(?:을|를|이|은)? ?(?:.{0,6})?(?:못|안|덜) ?"
        r"(?:내|냈|드|지급|결제|줬|주|보냈|보내|받)|(?:운임|요금|돈|"
        r"비용)(?:을|를)? ?(?:지급|입금|송금|보내|드리)(?:하)?(?:려|"
        r"고 ?싶|기 ?위해|해야)|"
        r"운임 ?지급|결제(?:가|를)? ?(?:못|안) ?(?:하고|됐|되고|했)",
    ),
    (
        "other",
        r"그냥|단순(?:히|한)? ?(?:궁금|문의)|궁금해서|개인적(?:인|"
        r"으로)|기타 ?(?:사유|이유)|항의|따지|"
        r"칭찬|감사 ?인사|고마|선물|소송|고소|보상 ?요구",
    ),
)

#: "사유는 말 안 하심": the reason is unknown, and nothing generic may be read as one.
REASON_UNKNOWN: Final[str] = (
    r"(?:사유|이유|용도)(?:는|은|를|을|가|"
    r"도)? ?(?:.{0,4})?(?:말 ?(?:안|않|못)|말씀 ?(?:안|않|못)|"
    r"모름|모르|"
    r"밝히지|안 ?밝|안 ?알려|않으|없이|미상|불명|파악 ?(?:안|불가|못))"
)

#: With no item named, these reasons mean the customer needs to reach the driver (a lost
#: item is returned, an accident or an unpaid fare settled by contact), not the plate.
REASON_IMPLIED_REQUEST: Final[tuple[tuple[str, str], ...]] = (
    ("lost_item", "driver_phone"),
    ("accident", "driver_phone"),
    ("unpaid_fare", "driver_phone"),
)

#: "확인하는 방법", "다운받을 수 있나요": the customer wants to see or keep the record
#: through the app, not an issued document ...
SELF_SERVICE: Final[str] = (
    r"(?:확인|조회|보는|볼|찾는|찾을) ?(?:하는|할)? ?(?:방법|법|수 ?있)|"
    r"(?:어떻게|어디서) ?(?:봐|보|확인|조회|찾)|다운 ?(?:로드|받|받을)|내려 ?받|저장|캡처|캡쳐|"
    r"앱에서|어플에서|앱으로 ?(?:확인|조회|봐|보)"
)
#: ... unless an issued document is wanted: for an authority, by e-mail, or past the app.
ISSUANCE: Final[str] = (
    r"제출|법원|경찰|구청|관공서|보험사|기관|이메일|메일로|발급 ?(?:해|받|요청|신청|부탁)|"
    r"1 ?년 ?(?:이상 )?(?:지난|지났|경과|넘)|재차|다시 ?요청|서류"
)

IDENTITY_PHRASES: Final[tuple[tuple[bool, str], ...]] = (
    (
        False,
        r"본인(?:이|은)? ?아니|본인 ?아님|본인 ?(?:확인|인증)(?:이|은|"
        r"을)? ?(?:안|불가|못|실패|거부)",
    ),
    (
        False,
        r"(?:가족|남편|아내|부인|배우자|부모|어머니|아버지|엄마|아빠|"
        r"자녀|아들|딸|친구|지인)(?:이|가|분이|께서)? ?(?:대신|대리로)",
    ),
    (True, r"본인 ?(?:확인|인증)(?:은|이|도|을)? ?(?:됐|되었|됨|완료|했|마쳤|된|끝|통과|ok)"),
    (True, r"본인(?:이|임)? ?(?:맞|확인됨)|(?:계정|가입자) ?본인(?:이|임)? ?(?:맞|확인)"),
)

WITHDRAWN_PHRASES: Final[tuple[tuple[bool, str], ...]] = (
    (False, r"탈퇴(?:는|를)? ?(?:안|하지 ?않|않|전)"),
    (True, r"탈퇴(?!\s*(?:방법|하고\s*싶|하려|어떻게|하는\s*(?:법|방법)|하기|신청|절차|문의))"),
)

ALT_RECIPIENT_PHRASES: Final[tuple[tuple[bool, str], ...]] = (
    (False, r"(?:등록된|계정|카카오 ?계정|가입한|기존)(?:의)? ?(?:이메일|메일)(?:로| 주소로)"),
    (
        True,
        r"다른 (?:이메일|메일|주소|메일 ?주소|이메일 ?주소)|(?:회사|"
        r"개인|새|남편|가족)(?:의)? ?(?:이메일|메일)(?:로| 주소로)",
    ),
    (
        True,
        r"(?:닉네임|별명)(?:이)? ?(?:말고|대신|아닌|이 ?아닌)|(?:실명|"
        r"성함|본명|이름|풀 ?네임)으로 (?:발급|받|해|요청|써)",
    ),
)

#: Consent phrasings. Which consent an unqualified "동의했대요" means depends on the request.
DRIVER_CONSENT_PHRASES: Final[tuple[tuple[bool, str], ...]] = (
    (
        False,
        _DRIVER + r"(?:이|가|께서|의)? ?(?:.{0,6})?(?:동의 ?(?:안|거부|거절|"
        r"하지 ?않|않|못)|거절|거부|싫다)",
    ),
    (
        True,
        _DRIVER + r"(?:이|가|께서|의|한테|에게|께)? ?(?:.{0,8})?(?:동의|허락|"
        r"승낙|허락)(?:했|하셨|함|받|완료|얻|해 ?주|하심|됨|했)",
    ),
    (True, r"ob ?(?:해서|로|결과|완료)? ?.{0,6}동의"),
)
COLLECTION_CONSENT_PHRASES: Final[tuple[tuple[bool, str], ...]] = (
    (False, r"(?:수집|개인 ?정보)(?:이용)? ?동의(?:를|는|에)? ?(?:.{0,4})?(?:거부|거절|안|않|못)"),
    (
        True,
        r"(?:수집|개인 ?정보)(?:이용)? ?동의(?:는|를|도)? ?(?:했|하셨|"
        r"함|받|완료|얻|해 ?주|하심|됨|ok)",
    ),
)
GENERIC_CONSENT_PHRASES: Final[tuple[tuple[bool, str], ...]] = (
    (False, r"동의(?:를|는)? ?(?:안|거부|거절|하지 ?않|않|못)"),
    (True, r"동의(?:를|는|도)? ?(?:했|하셨|함|받|완료|얻|해 ?주|하심|됨)"),
)

CHANNEL_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    ("chat", r"채팅|챗|톡 ?상담|메신저"),
    (
        "phone",
        r"(?:전화|유선|통화)(?:로|으로)? ?(?:상담|문의|인입|응대|들어|"
        r"주신|온|중)|유선|인바운드|콜 ?(?:상담|인입)",
    ),
)

#: service -> phrasings (an open set: extend with new services as playbooks arrive).
SERVICE_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    ("pet", r"펫|반려 ?(?:동물|견|묘)|강아지|고양이|애견|애완|이동장|켄넬"),
    ("daeri", r"대리(?!인|로 ?(?:요청|문의|신청))(?: ?운전| ?기사)?"),
    ("taxi", r"택시|블루|벤티|모범"),
    ("kickboard", r"킥 ?보드|전동 ?킥"),
    ("bike", r"바이크|자전거"),
    ("parking", r"주차"),
    ("quick", r"퀵|도보 ?배송"),
    ("shuttle", r"셔틀"),
    ("navi", r"내비"),
    ("flight", r"항공|비행기"),
    ("train", r"기차|ktx|srt"),
)

#: Text that tries to change the assistant's instructions. When present, facts that would
#: open a disclosure (consents, identity, history, status, days) are not read from the
#: question: only the console may state them.
INJECTION: Final[str] = (
    r"무시(?:하고|해|하세요|하라)|지시(?:를|는)? ?(?:무시|잊|따르지)|시스템 ?프롬프트|프롬프트|"
    r"ignore|disregard|jailbreak|developer ?mode|규칙(?:을|은)? ?(?:무시|어기|깨)|"
    r"(?:라고|다고|이라고) ?(?:치고|가정|생각하고)|가정하고|"
    r"역할(?:을|극)|너는 ?이제|제한 ?(?:해제|없이)|"
    r"(?:^|\s|\[|<)(?:system|assistant|developer) ?(?:prompt|message)? ?[:>\]]|"
    r"(?:disclosure|공개) ?(?:is )?(?:allowed|permitted|허용)|"
    r"you are now|(?<![a-z])act as|pretend|override|new instructions|"
    r"관리자 ?(?:모드|권한)|admin ?mode"
)

#: "지속 요구": the customer keeps insisting after the refusal.
PERSISTENT: Final[str] = (
    r"계속 ?(?:\S+ ){0,4}?\S*(?:요구|달라|요청|우기|항의|조르)|"
    r"지속 ?(?:적으로 )?(?:요구|요청)|재차 요구|"
    r"막무가내|(?:거절|안내)(?:했|드렸)는데(?:도)? ?(?:계속|또|다시)|"
    r"계속 ?(?:\S+ ){0,4}?\S*(?:졸라|떼 ?(?:써|쓰|를))|"
    # Anger at the refusal is the same moment in the playbook ("[지속 요구 시]").
    r"(?<![전통대영])화(?:를|가)? ?(?:내|냄|났|나 ?(?:서|셨|셔|신|시))|"
    r"언성|소리를? 지르|막말|(?<!목)욕(?:을|하)"
)

#: Korean words for days, as spoken ("이틀 전", "열흘 지났").
DAY_WORDS: Final[Mapping[str, int]] = {
    "하루": 1,
    "이틀": 2,
    "사흘": 3,
    "나흘": 4,
    "닷새": 5,
    "엿새": 6,
    "이레": 7,
    "여드레": 8,
    "아흐레": 9,
    "열흘": 10,
    "보름": 15,
}
SINO_DIGITS: Final[Mapping[str, int]] = {
    "일": 1,
    "이": 2,
    "삼": 3,
    "사": 4,
    "오": 5,
    "육": 6,
    "칠": 7,
    "팔": 8,
    "구": 9,
    "십": 10,
}
NATIVE_COUNTS: Final[Mapping[str, int]] = {
    "한": 1,
    "두": 2,
    "세": 3,
    "석": 3,
    "네": 4,
    "넉": 4,
    "다섯": 5,
    "여섯": 6,
}
#: Words meaning "today / just now".
TODAY: Final[str] = (
    r"오늘|금일|방금|아까|조금 ?전|좀 ?전|몇 ?분 ?전|\d+ ?(?:분|시간) ?(?:전|됐|지났)|"
    r"today|just now|\d+ ?(?:hours?|hrs?|min(?:ute)?s?) ago"
)
YESTERDAY: Final[str] = r"어제|어저께|전날|간밤|yesterday"
DAY_BEFORE_YESTERDAY: Final[str] = r"그제|그저께|엊그제|엊그저께"
THREE_DAYS_AGO: Final[str] = r"그끄저께|그끄제"
