"""The suggestion pipeline: facts → retrieval → situation → draft → guard.

``SuggestionPipeline.suggest(question, case)`` returns a ``Suggestion`` whose reply always
passes the policy guard. With an LLM configured, the model drafts around the composed reply;
a draft that breaks a rule gets one revision with the violations stated (settings
``llm_max_revisions``), and otherwise the composed reply is used. The pipeline holds no
per-request state, so one instance serves concurrent requests.

This module holds the whole run and its branches (agent counsel, the procedure's next step
from notes); the stages live in their own modules: the plan (``rag.question_plan``), the
composed reply, questions and draft (``rag.composing``), the learned fallback
(``rag.learned_fallback``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection, Sequence
from datetime import date

from core.settings import Settings
from policy_guard.facts import CaseFacts
from rag.asks import prompts_for
from rag.catalog import Catalog
from rag.composing import (
    citation,
    citations_for,
    compose_situation,
    customer_question,
    draft_reply,
    facts_to_ask,
    hit_for,
)
from rag.contract import Suggestion
from rag.counsel import answer_counsel, counsel_suggestion
from rag.customer_questions import with_question
from rag.drafting.base import DraftContext, Drafter
from rag.drafting.composed import NO_SCRIPT_REPLY
from rag.facts import QuestionFacts
from rag.final_guard import guard_final_reply
from rag.learned_fallback import FactReader, with_learned
from rag.procedure_notes import Position, compose_step, position_in
from rag.question_plan import Plan, Retriever, ms_since, plan_question
from rag.readings import FactReading

log = logging.getLogger(__name__)


class SuggestionPipeline:
    def __init__(
        self,
        settings: Settings,
        retriever: Retriever,
        drafter: Drafter | None = None,
        fact_model: FactReader | None = None,
    ) -> None:
        self.settings = settings
        self.retriever = retriever
        self.drafter = drafter  # None: the composed reply, no model
        self.fact_model = fact_model  # None: the phrase rules alone read the question
        self._catalog: Catalog | None = None
        self._catalog_lock = threading.Lock()

    # --- the playbooks behind the retriever, rebuilt when the store moves on

    def catalog(self) -> Catalog:
        snap = self.retriever.snapshot()
        current = self._catalog
        if current is not None and current.generation == snap.generation:
            return current
        with self._catalog_lock:
            current = self._catalog
            if current is None or current.generation != snap.generation:
                current = Catalog.build(snap.generation, snap.chunks.values())
                self._catalog = current
            return current

    # --- the whole

    def plan(
        self,
        question: str,
        case: CaseFacts | None = None,
        timings: dict[str, float] | None = None,
        today: date | None = None,
        confirmed: Collection[str] = (),
        read: QuestionFacts | None = None,
        readings: Sequence[FactReading] | None = None,
    ) -> Plan:
        """Facts, retrieval, situation and grounding for a question. Calendar dates in the
        question count back from ``today`` (default: the service's local date). ``confirmed``
        names console fields the agent confirmed over what the question says. A caller that
        read the text itself (a chat, turn by turn) passes its signals as ``read`` and its
        statements as ``readings``; ``question`` then only drives retrieval."""
        return plan_question(
            self.settings,
            self.retriever,
            self.catalog,
            question,
            case,
            timings,
            today,
            confirmed,
            read,
            readings,
        )

    def suggest(
        self,
        question: str,
        case: CaseFacts | None = None,
        today: date | None = None,
        confirmed: Collection[str] = (),
        read: QuestionFacts | None = None,
        readings: Sequence[FactReading] | None = None,
        asked: Collection[str] = (),
        notes: bool = True,
    ) -> Suggestion:
        """The suggestion for a question (see ``plan`` for the arguments). ``asked`` names
        facts the customer was already asked (in a chat): their question is not repeated.
        ``notes``: read where the question says the procedure stands (a single question; a
        chat's caller follows the procedure from the turns instead)."""
        timings: dict[str, float] = {}
        started = time.perf_counter()
        plan = self.plan(question, case, timings, today, confirmed, read, readings)
        if plan.read.counsel_type:  # the agent asks about their own work: agent guidance
            chosen = plan.selection.chosen if plan.selection else None
            return counsel_suggestion(
                answer_counsel(
                    plan.playbook,
                    chosen.chunk if chosen else None,
                    plan.hits,
                    plan.facts,
                    plan.read,
                    plan.evidence,
                ),
                plan.facts,
                plan.resolution,
                timings,
                started,
            )
        if readings is None and self.fact_model is not None:
            plan = with_learned(
                self.fact_model, self.plan, question, case, plan, timings, today, confirmed
            )
        facts, hits, signals = plan.facts, plan.hits, plan.signals
        grounded = plan.grounded

        t = time.perf_counter()
        position = self._position(question, plan) if notes else None
        step_reply = compose_step(position, facts) if position is not None else None
        if step_reply is None or not step_reply[0]:
            position = None
            step_reply = compose_situation(plan.selection, facts) if grounded else ("", None, ())
        composed, used, removed = step_reply
        guidance = position is not None and position.guidance is not None
        grounded = grounded and bool(composed)
        wanted = (
            facts_to_ask(facts, hits, signals, plan.playbook, removed, plan.asked)
            if grounded
            else []
        )
        alternative: str | None = None
        to_customer = (
            customer_question(self.settings, plan, facts, wanted, used, asked)
            if grounded and position is None
            else None
        )
        if to_customer is not None:
            # The reply asks; the script for the unknown fact is what to send if they will not say.
            composed, alternative = with_question(
                self.settings.ask_before_refusing, to_customer.text, composed
            )
            wanted = [name for name in wanted if name != to_customer.fact]
        ask = prompts_for(wanted)
        if grounded and plan.selection is not None:
            # Open conditions the question leaves unsettled, worded from the headings.
            ask += [a for a in plan.selection.open_asks if a not in ask]
        ctx = DraftContext(
            question=question,
            facts=facts,
            chosen=hit_for(used, hits),
            hits=list(hits),
            composed=composed,
            ask=ask,
        )
        # Guidance for the agent is the playbook's note as written: no model rewrites it.
        reply, drafter, draft_violations, skipped = (
            (composed, "composed", [], False)
            if guidance
            else draft_reply(self.settings, self.drafter, ctx, timings)
        )
        if not grounded:
            reply = NO_SCRIPT_REPLY
        timings["drafting"] = ms_since(t)

        t = time.perf_counter()
        final = guard_final_reply(reply, facts)  # cannot refuse a composed reply; never sends one
        reply, verdict = final.reply, final.verdict
        if final.refused:
            drafter, draft_violations = "composed", [*draft_violations, *final.refused]
        timings["guard"] = ms_since(t)
        timings["total"] = ms_since(started)

        citations = citations_for(used, hits) if grounded else []
        if to_customer is not None:
            # The question alone cites its own situation first; with the script after it, the
            # script's situation stays first (it is the answer) and the question's follows.
            first = 0 if self.settings.ask_before_refusing == "question" else 1
            rest = [c for c in citations if c.chunk_id != to_customer.chunk.id]
            citations = [*rest[:first], citation(to_customer.chunk, 0.0), *rest[first:]]
        log.info(
            "suggest grounded=%s chunk=%s drafter=%s draft_rules=%s ms=%.1f",
            grounded,
            used.id if used else None,
            drafter,
            [v.rule for v in draft_violations],
            timings["total"],
        )
        return Suggestion(
            reply=reply,
            grounded=grounded,
            citations=citations,
            facts=facts,
            ask=ask,
            alternative=alternative,
            audience="agent" if guidance and grounded else "customer",
            step=position.step.label if position is not None and grounded else None,
            guard=verdict,
            draft_violations=draft_violations,
            drafter=drafter,
            llm_skipped=skipped,
            conflicts=plan.resolution.conflicts,
            refused=plan.resolution.refused,
            provenance=plan.resolution.provenance,
            timings_ms=timings,
        )

    @staticmethod
    def _position(question: str, plan: Plan) -> Position | None:
        chosen = plan.selection.chosen if plan.selection else None
        if not plan.grounded or plan.playbook is None or chosen is None:
            return None
        return position_in(question, plan.playbook, chosen.chunk, plan.facts)


def build_pipeline(settings: Settings) -> SuggestionPipeline:
    """The pipeline over the store the settings name, with the configured drafter."""
    from rag.retriever import build_retriever

    drafter: Drafter | None = None
    if settings.llm_provider != "none":
        from rag.drafting.llm import LLMDrafter

        drafter = LLMDrafter(settings)
    retriever = build_retriever(settings)
    fact_model: FactReader | None = None
    if settings.fact_fallback:
        from ingest.embedder import load_embedder
        from rag.fact_model import load_fact_model

        fact_model = load_fact_model(
            load_embedder(settings),  # the retriever's own: one query vector serves both
            settings.models_dir / "fact_model",  # keyed by embedder and examples: shareable
            settings.fact_fallback_precision,
        )
    return SuggestionPipeline(settings, retriever, drafter, fact_model)
