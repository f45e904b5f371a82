"""One check shared by the onboarding tests: adding playbooks leaves a seed question's answer as
it was (same reply, same first citation)."""

from __future__ import annotations

from typing import Any

from policy_guard import CaseFacts
from rag.pipeline import SuggestionPipeline


def assert_same_answer(
    before: SuggestionPipeline, after: SuggestionPipeline, question: str, case: dict[str, Any]
) -> None:
    facts = CaseFacts.model_validate(case)
    old, new = before.suggest(question, facts), after.suggest(question, facts)
    assert new.reply == old.reply
    assert [(c.source, c.section) for c in new.citations[:1]] == [
        (c.source, c.section) for c in old.citations[:1]
    ]
