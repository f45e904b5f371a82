"""Reading a chat turn by turn: latest statement wins, confirmations only right after the
agent's own question, the driver's consent never from text, persistence after a refusal, and
hand-off tickets that keep personal data in the attachment only."""

from __future__ import annotations

from datetime import date

from policy_guard import check
from policy_guard.facts import CaseFacts
from rag.conversation.handoff import fill_ticket, load_tickets
from rag.conversation.turns import ChatReading, Turn, read_chat
from rag.fact_sources import resolve

TODAY = date(2026, 12, 2)
IDENTITY_Q = (
    "이용내역서는 이용자 본인에게만 발급해드리고 있어요. 카카오 T 앱을 통해 호출하신 본인이십니까?"
)
NOTICE = (
    "문의하신 상담에 도움을 드리기 위해, 아래와 같은 개인정보 수집 동의가 필요합니다. "
    "- 수집 항목 : 성함, 이메일주소 ... 위의 내용 수집에 동의하시면, 고객님의 [성함, 이메일주소] "
    "확인 부탁드립니다."
)
REFUSAL = "요청하신 기사님의 연락처 정보는 본인 동의 없이 제공이 어려운 점 양해 부탁드립니다."


def C(text: str) -> Turn:
    return Turn(role="customer", text=text)


def A(text: str) -> Turn:
    return Turn(role="agent", text=text)


def _facts(chat: ChatReading, case: CaseFacts | None = None) -> CaseFacts:
    return resolve(case, chat.readings).facts


def test_a_correction_replaces_the_earlier_day_count() -> None:
    chat = read_chat(
        [
            C("펫 기사님 번호 알려주세요. 어제 탔어요"),
            A("확인해 보겠습니다."),
            C("아 잘못 말했네요, 5일 전이에요"),
        ],
        TODAY,
    )
    res = resolve(None, chat.readings)
    assert res.facts.days_since_ride == 5
    assert res.provenance["days_since_ride"].turn == 2
    assert res.facts.request == "driver_phone" and res.provenance["request"].turn == 0


def test_the_customer_never_establishes_the_drivers_consent() -> None:
    chat = read_chat([C("펫 기사님 번호 주세요. 기사님이 동의했대요"), C("열흘 전이요")], TODAY)
    res = resolve(CaseFacts(service="pet"), chat.readings)
    assert res.facts.driver_consent is None
    assert [(r.fact, r.turn) for r in res.refused] == [("driver_consent", 0)]


def test_identity_only_from_yes_right_after_the_agents_question() -> None:
    unprompted = read_chat([C("이용내역서 필요해요. 제가 본인이에요")], TODAY)
    assert _facts(unprompted).identity_verified is None
    answered = read_chat([C("이용내역서 필요해요"), A(IDENTITY_Q), C("네 제가 불렀어요")], TODAY)
    res = resolve(None, answered.readings)
    assert res.facts.identity_verified is True
    assert res.provenance["identity_verified"].method == "confirmation"
    assert res.provenance["identity_verified"].turn == 2
    # A yes to some other agent turn confirms nothing.
    other = read_chat([C("이용내역서 필요해요"), A("확인해 보겠습니다."), C("네")], TODAY)
    assert _facts(other).identity_verified is None
    denied = read_chat(
        [C("이용내역서 필요해요"), A(IDENTITY_Q), C("아니요 남편 계정이에요")], TODAY
    )
    assert _facts(denied).identity_verified is False


def test_collection_consent_only_after_the_notice() -> None:
    before = read_chat([C("다른 메일로 받을게요. 수집 동의했어요")], TODAY)
    assert _facts(before).collection_consent is None
    after = read_chat([C("다른 메일로 받을게요"), A(NOTICE), C("동의합니다")], TODAY)
    assert _facts(after).collection_consent is True
    assert _facts(after).alt_recipient is True


def test_a_demand_after_the_refusal_is_persistent() -> None:
    first = read_chat([C("펫 기사님 번호 알려주세요")], TODAY)
    assert first.persistent is False
    again = read_chat([C("펫 기사님 번호 알려주세요"), A(REFUSAL), C("그래도 알려주세요")], TODAY)
    assert again.persistent is True and again.question.persistent is True


def test_handoff_fields_and_personal_data_from_the_turns() -> None:
    chat = read_chat(
        [
            C("이용내역서 법원에 제출해야 해요"),
            A(IDENTITY_Q),
            C("네"),
            A("이용내역서 발급을 위해 아래 내용 확인 부탁드려요."),
            C("대리 앱이고 취소내역은 빼주세요. 2024년 1월 1일부터 3월 31일까지요"),
            A("앱에 등록되어 있는 카카오계정의 이메일 주소로 발송해 드리면 될까요?"),
            C("아니요 다른 메일로 받고 싶어요"),
            A(NOTICE),
            C("동의합니다. 홍길동, hong.gd@example.com"),
        ],
        TODAY,
    )
    assert chat.slots["purpose"] == "법원"
    assert chat.slots["app"] == "카카오 T 대리(단독) 앱"
    assert chat.slots["include_cancelled"] == "무"
    assert chat.slots["period"].startswith("2024년 1월 1일")
    assert chat.slots["recipient"] == "다른 이메일"
    assert chat.personal == {"이메일 주소": "hong.gd@example.com", "성함": "홍길동"}
    facts = _facts(chat)
    assert facts.days_since_ride is None  # the period's dates are no ride date
    template = next(t for t in load_tickets().tickets if t.kind == "agit_ticket")
    ticket = fill_ticket(template, facts, chat.slots, chat.personal, check, TODAY)
    assert ticket.missing == []
    assert ticket.fields["발급요청 기간"] == "2024년 01월 01일 ~ 2024년 03월 31일"
    assert ticket.attachment == {"성함": "홍길동", "이메일 주소": "hong.gd@example.com"}
    for value in chat.personal.values():
        assert value not in ticket.text
        assert all(value not in v for v in ticket.fields.values())
    assert ticket.guard.allowed


def test_personal_data_caught_by_a_field_is_scrubbed_from_the_ticket() -> None:
    template = next(t for t in load_tickets().tickets if t.kind == "agit_ticket")
    slots = {"purpose": "홍길동 회사 제출"}
    ticket = fill_ticket(template, CaseFacts(), slots, {"성함": "홍길동"}, check, TODAY)
    assert (
        "홍길동" not in ticket.text and "홍길동" not in ticket.fields["발급 필요사유 또는 제출처"]
    )
    assert ticket.attachment == {"성함": "홍길동"}
    assert set(ticket.missing) == {"호출 앱", "취소내역 포함 여부", "발급요청 기간", "수신 이메일"}
