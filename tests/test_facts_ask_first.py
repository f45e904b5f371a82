"""Ask before refusing: an unknown fact the customer can answer, that would change the reply,
is asked with the playbook's own question. By default (``combined``) the question comes first
and the restrictive script follows, as the playbook lays them out (펫 A2); ``question`` sends
the question alone; ``off`` the script alone. The script alone is the alternative."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from ingest.chunk import Chunk
from ingest.chunker import chunk_document
from policy_guard.facts import CaseFacts
from rag.customer_questions import customer_facts, find_question, leading_question, with_question
from rag.pipeline import SuggestionPipeline, build_pipeline

KB = Path(__file__).resolve().parents[1] / "kb"


def _book(prefix: str) -> list[Chunk]:
    path = next(KB.glob(f"{prefix}_*.txt"))
    return [c for c in chunk_document(path.name, path.read_text(encoding="utf-8"))]


def test_only_facts_the_customer_can_answer_have_questions() -> None:
    answerable = customer_facts()
    assert "reason" in answerable
    assert not {"ride_status", "days_since_ride", "hours_since_ride"} & answerable


def test_the_question_is_found_in_the_playbook() -> None:
    chunks = _book("004")
    facts = CaseFacts(request="driver_phone", ride_status="completed", days_since_ride=6)
    found = find_question("reason", chunks, facts, None)
    assert found is not None
    assert found.text.endswith("?") and "사유" in found.text
    assert found.text in found.chunk.text  # the playbook's sentence, not one written here
    assert leading_question(found.chunk) == found.text


def test_no_question_where_the_playbook_has_none() -> None:
    facts = CaseFacts(request="usage_statement")
    assert find_question("reason", _book("000"), facts, None) is None
    assert find_question("ride_status", _book("004"), facts, None) is None


@pytest.fixture(scope="module")
def pipeline(indexed_settings: Settings) -> SuggestionPipeline:
    return build_pipeline(indexed_settings.model_copy(update={"ask_before_refusing": "question"}))


@pytest.fixture(scope="module")
def combined(indexed_settings: Settings) -> SuggestionPipeline:
    assert indexed_settings.ask_before_refusing == "combined"  # the default
    return build_pipeline(indexed_settings)


@pytest.mark.parametrize(
    ("value", "mode"),
    [
        (True, "question"),
        (False, "off"),
        ("true", "question"),
        ("0", "off"),
        ("combined", "combined"),
    ],
)
def test_the_setting_reads_the_old_flag_too(value: object, mode: str) -> None:
    assert Settings(ask_before_refusing=value).ask_before_refusing == mode  # type: ignore[arg-type]


def test_a_mode_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ValueError):
        Settings(ask_before_refusing="sometimes")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mode", "reply", "alternative"),
    [
        ("combined", "Q?\n\nNo.", "No."),
        ("question", "Q?", "No."),
        ("off", "No.", None),
    ],
)
def test_with_question(mode: str, reply: str, alternative: str | None) -> None:
    assert with_question(mode, "Q?", "No.") == (reply, alternative)  # type: ignore[arg-type]


def test_off_the_refusal_is_the_reply(indexed_settings: Settings) -> None:
    case = CaseFacts(service="pet", ride_status="completed", days_since_ride=6)
    off = build_pipeline(indexed_settings.model_copy(update={"ask_before_refusing": "off"}))
    sug = off.suggest("펫 기사님 연락처 알려달래요", case)
    assert sug.alternative is None and "사유를" not in sug.reply
    assert any("사유" in a for a in sug.ask)  # the agent is still told what to find out


# (question, console facts): the reason is unknown and an exception reason would open the
# consent route or another script.
REASON_WOULD_CHANGE = [
    ("펫 기사님 연락처 알려달래요", CaseFacts(ride_status="completed", days_since_ride=6)),
    ("펫 기사 전화번호 문의, 열흘 지난 건", CaseFacts(ride_status="completed")),
    ("펫 차량번호 알고 싶대요", CaseFacts(ride_status="completed", days_since_ride=20)),
    ("펫 driver contact 요청", CaseFacts(ride_status="stopped_by_driver_report")),
    ("펫 배차 후 취소 건인데 기사 번호 달래요", CaseFacts()),
]


@pytest.mark.parametrize(("question", "case"), REASON_WOULD_CHANGE)
def test_by_default_the_question_comes_before_the_refusal(
    question: str, case: CaseFacts, combined: SuggestionPipeline
) -> None:
    sug = combined.suggest(question, case.model_copy(update={"service": "pet"}))
    asked, _, script = sug.reply.partition("\n\n")
    assert asked.endswith("?") and "사유" in asked
    assert sug.alternative == script and ("어려운" in script or "어렵" in script)
    assert sug.guard.allowed
    assert not any("사유" in a for a in sug.ask)
    # both are the playbook's words: the script's situation is cited first, the question's next
    assert sug.citations[1].text and asked in sug.citations[1].text
    assert sug.citations[0].chunk_id != sug.citations[1].chunk_id


def test_unknown_reason_is_asked_and_the_refusal_is_the_alternative(
    pipeline: SuggestionPipeline,
) -> None:
    case = CaseFacts(service="pet", ride_status="completed", days_since_ride=6)
    sug = pipeline.suggest("펫 기사님 연락처 알려달래요", case)
    assert sug.reply.endswith("?") and "사유" in sug.reply
    assert sug.alternative and "?" not in sug.alternative[-3:]
    assert sug.guard.allowed
    assert not any("사유" in a for a in sug.ask)  # the reply asks it; the agent need not
    assert sug.citations[0].text and sug.reply in sug.citations[0].text


@pytest.mark.parametrize(
    ("question", "case"),
    [
        # The reason is stated: nothing to ask.
        ("펫 기사님 연락처, 지갑 두고 내렸대요", CaseFacts(days_since_ride=6)),
        # The customer declined to say: the refusal is the reply.
        ("펫 기사님 연락처, 사유는 말 안 하심", CaseFacts(days_since_ride=6)),
        # Within three days the reason changes nothing.
        ("펫 기사님 연락처 알려달래요", CaseFacts(days_since_ride=1, history_available=True)),
    ],
)
def test_no_question_when_the_reason_would_not_change_the_reply(
    question: str, case: CaseFacts, pipeline: SuggestionPipeline, combined: SuggestionPipeline
) -> None:
    full = case.model_copy(update={"service": "pet", "ride_status": "completed"})
    for each in (pipeline, combined):
        sug = each.suggest(question, full)
        assert sug.alternative is None
        assert "사유를" not in sug.reply


@pytest.mark.parametrize(
    "question",
    [
        # the driver's name and account are never given, whatever the reason
        "펫 기사님 성함 알려달래요",
        "펫 driver name 문의",
        "펫 기사 계좌 알려주세요",
        "펫 기사님 account number 달래요",
        # past the question: the customer keeps insisting after the refusal
        "펫 기사 번호 안 된다고 안내했는데도 계속 달래요",
    ],
)
def test_no_question_where_the_reason_changes_nothing(
    question: str, combined: SuggestionPipeline
) -> None:
    case = CaseFacts(service="pet", ride_status="completed", days_since_ride=9)
    sug = combined.suggest(question, case)
    assert sug.alternative is None and "사유를" not in sug.reply


def test_a_question_already_asked_is_not_repeated(combined: SuggestionPipeline) -> None:
    case = CaseFacts(service="pet", ride_status="completed", days_since_ride=6)
    sug = combined.suggest("펫 기사님 연락처 알려달래요", case, asked=("reason",))
    assert sug.alternative is None and "사유를" not in sug.reply
