"""The one interface every drafter implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from policy_guard.facts import CaseFacts
from policy_guard.verdict import Violation
from rag.contract import Hit


class DraftContext(BaseModel):
    """Everything a drafter may use. ``composed`` is the safe reply built from the approved
    script for the case (already guard-clean); an LLM drafter rewrites around it."""

    model_config = ConfigDict(frozen=True)

    question: str
    facts: CaseFacts
    chosen: Hit | None  # the situation selected by the facts
    hits: list[Hit]  # retrieved context, best first
    composed: str
    ask: list[str]  # facts the agent should still get from the customer


class Drafter(Protocol):
    name: str

    def draft(self, ctx: DraftContext, violations: Sequence[Violation] = ()) -> str:
        """A reply draft. ``violations`` are those of the previous draft (a revision request).
        Raises ``core.errors.LLMError`` when a model endpoint fails, times out or answers
        something unusable."""
        ...
