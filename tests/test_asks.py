"""``ask`` lists exactly the unknown facts that would change the reply to this question.

Each row's expected set is derived from the playbooks, not from the pipeline: a fact belongs
to it when some plausible value of it leads to another script (or to a sentence the guard
would otherwise remove), for the item and service the question is about.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.settings import Settings
from policy_guard.facts import CaseFacts
from rag.asks import PROMPTS, STATEMENT_FACTS, facts_to_ask
from rag.pipeline import SuggestionPipeline, build_pipeline

#: A Monday; calendar dates in the questions count back from it.
TODAY = date(2026, 11, 23)
KIND_OF_PROMPT = {prompt: kind for kind, prompt in PROMPTS.items()}
PET: dict[str, Any] = {"service": "pet"}

ASKS: list[tuple[str, dict[str, Any], set[str]]] = [
    # App how-to: the 대리 answer is the same guide whoever asks, so no identity or
    # withdrawal prompt.
    ("대리 이용기록 어떻게 확인해요", {}, set()),
    ("대리 이용기록 어디서 보는지 물어봐요", {"service": "daeri"}, set()),
    # Statement issuance: 본인 확인 comes first (③), a withdrawn customer takes the consent
    # route.
    ("법원 제출용 대리 이용내역서 필요하대요", {}, {"identity_verified", "withdrawn"}),
    ("대리 이용내역서 발급해 달래요", {}, {"identity_verified", "withdrawn"}),
    # Identity confirmed (④): where it goes decides the consent route (⑤).
    (
        "법원 제출용 대리 이용내역서 필요하대요",
        {"identity_verified": True},
        {"withdrawn", "alt_recipient"},
    ),
    ("대리 이용내역서 다른 이메일로 받고 싶대요", {"identity_verified": True}, set()),
    ("탈퇴 회원인데 대리 이용내역서 받을 수 있나요", {}, set()),
    # A ride in progress is today's ride: never ask its date.
    ("펫 운행중인데 기사 연락처 알려달래요", PET, {"history_available"}),
    ("지금 타고 있는데 기사님 연락처, 앱 기록 안 보인대요", PET, set()),
    ("펫 운행중인데 기사 연락처, 앱 기록 보인대요", PET, set()),
    # The plate is given only for a completed ride: in progress, nothing changes the refusal.
    ("펫 운행중인데 차량번호 알려달래요", PET, set()),
    # Nothing known: status, age, reason and the app record all choose the script.
    (
        "펫 기사 연락처 알려달래요",
        PET,
        {"ride_status", "days_since_ride", "reason", "history_available"},
    ),
    # A calendar date gives the age: 3 days, so only the app record is still open.
    ("펫 11월 20일에 탔는데 기사 연락처 달래요", PET, {"history_available"}),
    ("펫 지난주 금요일 운행완료 차량번호, 이용기록 안 보인대요", PET, set()),
    # Beyond the window only an exception reason opens the consent route.
    ("펫 10일 전 운행완료, 차량번호 알려달래요", PET, {"reason"}),
    ("펫 10일 전 운행완료, 기사 연락처 알려달래요", PET, {"reason"}),
    # Never disclosed: nothing to ask.
    ("펫 기사 이름 알려달래요", PET, set()),
]


@pytest.fixture(scope="module")
def pipeline(indexed_settings: Settings) -> SuggestionPipeline:
    # The reply alone: by default a reason the reply itself asks the customer is not repeated
    # in ``ask`` (tests/test_facts_ask_first.py).
    return build_pipeline(indexed_settings.model_copy(update={"ask_before_refusing": "off"}))


@pytest.mark.parametrize(("question", "case", "expected"), ASKS)
def test_ask_is_minimal(
    question: str, case: dict[str, Any], expected: set[str], pipeline: SuggestionPipeline
) -> None:
    sug = pipeline.suggest(question, CaseFacts.model_validate(case), today=TODAY)
    assert sug.grounded
    assert {KIND_OF_PROMPT[p] for p in sug.ask} == expected, (question, sug.ask)


def test_ride_in_progress_resolves_to_day_zero(pipeline: SuggestionPipeline) -> None:
    sug = pipeline.suggest("펫 운행중인데 기사 연락처", CaseFacts(service="pet"), today=TODAY)
    assert sug.facts.ride_status == "in_progress" and sug.facts.days_since_ride == 0


def _choose_by_identity(facts: CaseFacts) -> str | None:
    """A playbook in which identity picks the situation (③ before ④)."""
    return "issue" if facts.identity_verified else "identify"


def test_statement_facts_only_for_a_statement() -> None:
    how_to = facts_to_ask(CaseFacts(service="daeri"), _choose_by_identity)
    issuing = facts_to_ask(CaseFacts(request="usage_statement"), _choose_by_identity)
    assert how_to == []
    assert issuing == [PROMPTS["identity_verified"]]
    assert "identity_verified" in STATEMENT_FACTS


def test_a_removed_promise_is_asked_even_without_a_probe_change() -> None:
    asked = facts_to_ask(
        CaseFacts(request="usage_statement"), lambda _: "same", ["statement-identity"]
    )
    assert asked == [PROMPTS["identity_verified"]]
