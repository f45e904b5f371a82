"""The composing and asking stage of the suggestion pipeline: the composed reply of the chosen
situation, the unknown facts worth asking, the playbook's question to the customer, the
model's draft (revised once its violations are stated) and the reply's citations."""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import policy_guard
from core.errors import LLMError
from core.settings import Settings
from ingest.chunk import Chunk
from policy_guard.facts import CaseFacts
from policy_guard.verdict import Violation
from rag.asks import facts_that_matter
from rag.catalog import Playbook
from rag.condition_fit import Signals
from rag.contract import Citation, Hit
from rag.customer_questions import CustomerQuestion, question_to_ask
from rag.drafting.base import DraftContext, Drafter
from rag.drafting.composed import compose_reply
from rag.question_plan import Plan, ms_since
from rag.selection import Selection, Wording, select_section

# The pipeline's own log: its stages report under one name.
log = logging.getLogger("rag.pipeline")


@dataclass(frozen=True)
class Outcome:
    composed: str
    used: Chunk | None
    removed: tuple[str, ...]
    wanted: list[str]  # unknown facts that would change the answer, in asking order
    grounded: bool


def compose_situation(
    selection: Selection | None, facts: CaseFacts
) -> tuple[str, Chunk | None, tuple[str, ...]]:
    """The composed reply from the chosen situation, or the next fitting one if the
    guard left nothing of it."""
    if selection is None or selection.chosen is None:
        return "", None, ()
    order = [selection.chosen] + [c for c in selection.ranked if c is not selection.chosen]
    for candidate in order:
        # The situation is cited; an OB consent route speaks with its consent script.
        comp = compose_reply(
            candidate.reply_from or candidate.chunk,
            facts,
            policy_guard.check,
            policy_guard.disclosure_allowed,
        )
        if comp.reply:
            return comp.reply, candidate.chunk, comp.removed_rules
    return "", None, ()


def facts_to_ask(
    facts: CaseFacts,
    hits: Sequence[Hit],
    signals: Signals,
    book: Playbook | None,
    removed: Sequence[str],
    asked: frozenset[str],
) -> list[str]:
    if book is None:
        return []
    wording = Wording(asked, book.heading_terms)

    def choose(probe: CaseFacts) -> str | None:
        sel = select_section(
            hits, probe, book.situations, policy_guard.disclosure_allowed, signals, wording
        )
        return sel.chosen.chunk.id if sel.chosen else None

    return facts_that_matter(facts, choose, removed, sorted(book.requests))


def outcome(plan: Plan) -> Outcome:
    """The composed reply of the plan's situation and the unknown facts that matter."""
    grounded = plan.grounded
    composed, used, removed = (
        compose_situation(plan.selection, plan.facts) if grounded else ("", None, ())
    )
    grounded = grounded and bool(composed)
    wanted = (
        facts_to_ask(plan.facts, plan.hits, plan.signals, plan.playbook, removed, plan.asked)
        if grounded
        else []
    )
    return Outcome(composed, used, removed, wanted, grounded)


def customer_question(
    settings: Settings,
    plan: Plan,
    facts: CaseFacts,
    wanted: Sequence[str],
    used: Chunk | None,
    asked: Collection[str],
) -> CustomerQuestion | None:
    """The playbook's question for the first unknown fact the customer can answer, unless
    the customer declined to say, was asked already, or keeps insisting after a refusal
    (the question step is past)."""
    if plan.playbook is None or settings.ask_before_refusing == "off":
        return None
    if plan.signals.persistent:
        return None
    settled = {*asked, *(("reason",) if plan.read.reason_withheld else ())}
    return question_to_ask(wanted, plan.playbook.situations, facts, used, settled)


def draft_reply(
    settings: Settings, drafter: Drafter | None, ctx: DraftContext, timings: dict[str, float]
) -> tuple[str, str, list[Violation], bool]:
    """(reply, drafter name, first draft's violations, llm_skipped)."""
    if drafter is None or not ctx.composed:
        return ctx.composed, "composed", [], False
    started = time.perf_counter()
    first: list[Violation] = []
    try:
        draft = drafter.draft(ctx)
        verdict = policy_guard.check(draft, ctx.facts)
        first = list(verdict.violations)
        for _ in range(settings.llm_max_revisions):
            if verdict.allowed:
                break
            draft = drafter.draft(ctx, verdict.violations)
            verdict = policy_guard.check(draft, ctx.facts)
    except LLMError as exc:
        log.warning("llm drafting failed (%s): composed reply used", exc.code)
        timings["llm"] = ms_since(started)
        return ctx.composed, "composed", first, True
    timings["llm"] = ms_since(started)
    if verdict.allowed and draft.strip():
        return draft, drafter.name, first, False
    log.info("llm draft refused rules=%s: composed reply used", [v.rule for v in first])
    return ctx.composed, "composed", first or list(verdict.violations), False


def hit_for(chunk: Chunk | None, hits: Sequence[Hit]) -> Hit | None:
    if chunk is None:
        return None
    for hit in hits:
        if hit.chunk.id == chunk.id:
            return hit
    return Hit(chunk=chunk, score=0.0)


def citations_for(chunk: Chunk | None, hits: Sequence[Hit]) -> list[Citation]:
    """The situation answered from first, then the other hits of the same playbook."""
    if chunk is None:
        return []
    score = next((h.score for h in hits if h.chunk.id == chunk.id), 0.0)
    out = [citation(chunk, score)]
    for hit in hits:
        if hit.chunk.source == chunk.source and hit.chunk.id != chunk.id:
            out.append(citation(hit.chunk, hit.score))
    return out


def citation(chunk: Chunk, score: float) -> Citation:
    return Citation(
        source=chunk.source,
        section=chunk.section,
        score=round(score, 6),
        chunk_id=chunk.id,
        text=chunk.text,
    )
