"""Ask before refusing: an unknown fact the customer can answer, that would change the reply,
is asked with the playbook's own question; the restrictive script becomes the alternative."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from ingest.chunk import Chunk
from ingest.chunker import chunk_document
from policy_guard.facts import CaseFacts
from rag.customer_questions import customer_facts, find_question, leading_question
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
    return build_pipeline(indexed_settings.model_copy(update={"ask_before_refusing": True}))


def test_off_by_default_the_refusal_is_the_reply(indexed_settings: Settings) -> None:
    case = CaseFacts(service="pet", ride_status="completed", days_since_ride=6)
    sug = build_pipeline(indexed_settings).suggest("펫 기사님 연락처 알려달래요", case)
    assert sug.alternative is None and "사유를" not in sug.reply


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
    question: str, case: CaseFacts, pipeline: SuggestionPipeline
) -> None:
    full = case.model_copy(update={"service": "pet", "ride_status": "completed"})
    sug = pipeline.suggest(question, full)
    assert sug.alternative is None
    assert "사유를" not in sug.reply
