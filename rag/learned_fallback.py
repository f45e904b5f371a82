"""The learned-fallback stage of the suggestion pipeline: when the phrase rules leave a fact
unknown that decides the situation, the fact model (``rag.fact_model``) reads it and the
question is planned again with its readings. Holds what the pipeline needs from the model
(``FactReader``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Sequence
from datetime import date
from typing import Protocol

from core.errors import UnavailableError
from ingest.query_batch import QueryCancelled
from policy_guard.facts import CaseFacts
from rag.composing import outcome
from rag.fact_sources import question_readings
from rag.facts import QuestionFacts
from rag.question_plan import Plan, ms_since
from rag.readings import FactReading

# The pipeline's own log: its stages report under one name.
log = logging.getLogger("rag.pipeline")


class FactReader(Protocol):
    """What the pipeline needs from ``rag.fact_model.FactModel``: readings of the facts the
    rules left unknown."""

    def fill(
        self,
        question: str,
        read: QuestionFacts,
        case: CaseFacts | None = None,
        only: Collection[str] | None = None,
    ) -> list[FactReading]: ...

    def facts(self) -> tuple[str, ...]: ...


class Replanner(Protocol):
    """``SuggestionPipeline.plan``: the question planned again with other readings."""

    def __call__(
        self,
        question: str,
        case: CaseFacts | None,
        timings: dict[str, float] | None,
        today: date | None,
        confirmed: Collection[str],
        read: QuestionFacts | None,
        readings: Sequence[FactReading] | None,
    ) -> Plan: ...


def learned_readings(
    fact_model: FactReader | None,
    question: str,
    read: QuestionFacts,
    case: CaseFacts | None,
    wanted: Sequence[str],
) -> list[FactReading]:
    """The fallback's readings of the unknown facts that decide the situation (``wanted``);
    its question vector is the one dense retrieval uses (the embedder's cache serves it to
    both). A failing encoder leaves the rules' reading alone."""
    if fact_model is None or not wanted:
        return []
    try:
        return fact_model.fill(question, read, case, wanted)
    except (UnavailableError, QueryCancelled, RuntimeError, OSError) as exc:
        log.warning("fact model skipped (%s)", type(exc).__name__)
        return []


def _learnable(fact_model: FactReader | None) -> tuple[str, ...]:
    return fact_model.facts() if fact_model is not None else ()


def with_learned(
    fact_model: FactReader | None,
    replan: Replanner,
    question: str,
    case: CaseFacts | None,
    plan: Plan,
    timings: dict[str, float],
    today: date | None,
    confirmed: Collection[str],
) -> Plan:
    """The plan again with the learned fallback's readings, when the rules left a fact
    unknown that decides the situation and the fallback reads it."""
    learnable = [f for f in outcome(plan).wanted if f in _learnable(fact_model)]
    if not learnable:
        return plan
    started = time.perf_counter()
    learned = learned_readings(fact_model, question, plan.read, case, learnable)
    if learned:
        said = [*question_readings(plan.read), *learned]
        plan = replan(question, case, timings, today, confirmed, plan.read, said)
    timings["fact_model"] = ms_since(started)
    return plan
