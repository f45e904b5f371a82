"""The suggestion pipeline: facts → retrieval → situation → draft → guard.

``SuggestionPipeline.suggest(question, case)`` returns a ``Suggestion`` whose reply always
passes the policy guard. With an LLM configured, the model drafts around the composed reply;
a draft that breaks a rule gets one revision with the violations stated (settings
``llm_max_revisions``), and otherwise the composed reply is used. The pipeline holds no
per-request state, so one instance serves concurrent requests.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import policy_guard
from core.errors import LLMError, UnavailableError
from core.settings import Settings
from ingest.chunk import Chunk
from ingest.query_batch import QueryCancelled
from policy_guard.facts import CaseFacts
from policy_guard.verdict import Violation
from rag.asks import facts_that_matter, prompts_for
from rag.catalog import Catalog, Playbook
from rag.condition_fit import Signals, question_topics
from rag.contract import Citation, Hit, Suggestion
from rag.counsel import answer_counsel, counsel_suggestion
from rag.customer_questions import CustomerQuestion, question_to_ask, with_question
from rag.dense_need import PendingSearch, dense_needed
from rag.drafting.base import DraftContext, Drafter
from rag.drafting.composed import NO_SCRIPT_REPLY, compose_reply
from rag.fact_sources import Resolution, question_readings, resolve
from rag.facts import QuestionFacts, read_question, with_ride_timing, without_item_words
from rag.facts_table import REASON_IMPLIED_REQUEST
from rag.final_guard import guard_final_reply
from rag.grounding import Evidence, gather, is_grounded
from rag.open_conditions import QuestionWords
from rag.procedure_notes import Position, compose_step, position_in
from rag.readings import FactReading
from rag.selection import Selection, Wording, select_section
from rag.tokenizer import tokenize

log = logging.getLogger(__name__)

#: Playbooks (distinct sources among the hits) considered for the answer.
MAX_PLAYBOOKS = 3


class _Snapshot(Protocol):
    @property
    def generation(self) -> str: ...

    @property
    def chunks(self) -> Mapping[str, Chunk]: ...


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


class Retriever(Protocol):
    """What the pipeline needs from ``rag.retriever.HybridRetriever``."""

    def search(self, question: str, k: int | None = None) -> list[Hit]: ...

    def begin(self, question: str, k: int | None = None) -> PendingSearch: ...

    def snapshot(self) -> _Snapshot: ...


@dataclass(frozen=True)
class _Outcome:
    composed: str
    used: Chunk | None
    removed: tuple[str, ...]
    wanted: list[str]  # unknown facts that would change the answer, in asking order
    grounded: bool


@dataclass(frozen=True)
class Plan:
    """What the pipeline decided for a question before drafting (also for calibration)."""

    read: QuestionFacts
    facts: CaseFacts  # console fields and the question's, settled by their sources
    resolution: Resolution  # where each fact came from; conflicts; facts refused from text
    signals: Signals
    asked: frozenset[str]  # the question's terms that tell situations apart
    hits: list[Hit]
    playbook: Playbook | None
    selection: Selection | None
    evidence: Evidence
    grounded: bool


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 3)


def _source_order(hits: Sequence[Hit]) -> list[str]:
    seen: dict[str, None] = {}
    for hit in hits:
        seen.setdefault(hit.chunk.source, None)
    return list(seen)[:MAX_PLAYBOOKS]


def _playbook_score(book: Playbook, rank: int, facts: CaseFacts) -> float:
    """Retrieval order first; a playbook for the asked item and service moves up."""
    score = 1.0 / (1 + rank)
    if facts.request is not None and facts.request in book.requests:
        score += 1.0
    if facts.service is not None and book.services:
        score += 1.0 if facts.service in book.services else -2.0
    return score


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

    # --- stages

    def _select(
        self,
        hits: Sequence[Hit],
        facts: CaseFacts,
        signals: Signals,
        catalog: Catalog,
        asked: frozenset[str],
    ) -> tuple[Playbook | None, Selection | None]:
        books = [
            (catalog.playbooks[s], rank)
            for rank, s in enumerate(_source_order(hits))
            if s in catalog.playbooks
        ]
        if not books:
            return None, None
        book = max(books, key=lambda item: _playbook_score(item[0], item[1], facts))[0]
        wording = Wording(asked, book.heading_terms)
        selection = select_section(
            hits, facts, book.situations, policy_guard.disclosure_allowed, signals, wording
        )
        return book, selection

    def _compose(
        self, selection: Selection | None, facts: CaseFacts
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

    def _ask(
        self,
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

    def _customer_question(
        self,
        plan: Plan,
        facts: CaseFacts,
        wanted: Sequence[str],
        used: Chunk | None,
        asked: Collection[str],
    ) -> CustomerQuestion | None:
        """The playbook's question for the first unknown fact the customer can answer, unless
        the customer declined to say, was asked already, or keeps insisting after a refusal
        (the question step is past)."""
        if plan.playbook is None or self.settings.ask_before_refusing == "off":
            return None
        if plan.signals.persistent:
            return None
        settled = {*asked, *(("reason",) if plan.read.reason_withheld else ())}
        return question_to_ask(wanted, plan.playbook.situations, facts, used, settled)

    def _draft(
        self, ctx: DraftContext, timings: dict[str, float]
    ) -> tuple[str, str, list[Violation], bool]:
        """(reply, drafter name, first draft's violations, llm_skipped)."""
        if self.drafter is None or not ctx.composed:
            return ctx.composed, "composed", [], False
        started = time.perf_counter()
        first: list[Violation] = []
        try:
            draft = self.drafter.draft(ctx)
            verdict = policy_guard.check(draft, ctx.facts)
            first = list(verdict.violations)
            for _ in range(self.settings.llm_max_revisions):
                if verdict.allowed:
                    break
                draft = self.drafter.draft(ctx, verdict.violations)
                verdict = policy_guard.check(draft, ctx.facts)
        except LLMError as exc:
            log.warning("llm drafting failed (%s): composed reply used", exc.code)
            timings["llm"] = _ms(started)
            return ctx.composed, "composed", first, True
        timings["llm"] = _ms(started)
        if verdict.allowed and draft.strip():
            return draft, self.drafter.name, first, False
        log.info("llm draft refused rules=%s: composed reply used", [v.rule for v in first])
        return ctx.composed, "composed", first or list(verdict.violations), False

    def _learned(
        self, question: str, read: QuestionFacts, case: CaseFacts | None, wanted: Sequence[str]
    ) -> list[FactReading]:
        """The fallback's readings of the unknown facts that decide the situation (``wanted``);
        its question vector is the one dense retrieval uses (the embedder's cache serves it to
        both). A failing encoder leaves the rules' reading alone."""
        if self.fact_model is None or not wanted:
            return []
        try:
            return self.fact_model.fill(question, read, case, wanted)
        except (UnavailableError, QueryCancelled, RuntimeError, OSError) as exc:
            log.warning("fact model skipped (%s)", type(exc).__name__)
            return []

    def _learnable(self) -> tuple[str, ...]:
        return self.fact_model.facts() if self.fact_model is not None else ()

    def _outcome(self, plan: Plan) -> _Outcome:
        """The composed reply of the plan's situation and the unknown facts that matter."""
        grounded = plan.grounded
        composed, used, removed = (
            self._compose(plan.selection, plan.facts) if grounded else ("", None, ())
        )
        grounded = grounded and bool(composed)
        wanted = (
            self._ask(plan.facts, plan.hits, plan.signals, plan.playbook, removed, plan.asked)
            if grounded
            else []
        )
        return _Outcome(composed, used, removed, wanted, grounded)

    def _with_learned(
        self,
        question: str,
        case: CaseFacts | None,
        plan: Plan,
        timings: dict[str, float],
        today: date | None,
        confirmed: Collection[str],
    ) -> Plan:
        """The plan again with the learned fallback's readings, when the rules left a fact
        unknown that decides the situation and the fallback reads it."""
        learnable = [f for f in self._outcome(plan).wanted if f in self._learnable()]
        if not learnable:
            return plan
        started = time.perf_counter()
        learned = self._learned(question, plan.read, case, learnable)
        if learned:
            said = [*question_readings(plan.read), *learned]
            plan = self.plan(question, case, timings, today, confirmed, plan.read, said)
        timings["fact_model"] = _ms(started)
        return plan

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
        timings = {} if timings is None else timings
        t = time.perf_counter()
        # BM25 ranks now; the dense query is awaited only when it can change the answer
        # (rag/dense_need.py).
        pending = self.retriever.begin(question, self.settings.retrieve_k)
        timings["bm25"] = pending.timings.get("bm25", 0.0)
        read = read if read is not None else read_question(question, today)
        said = readings if readings is not None else question_readings(read)
        resolution = resolve(case, said, confirmed)
        facts = with_ride_timing(resolution.facts)
        signals = Signals(
            persistent=read.persistent,
            implied_requests=REASON_IMPLIED_REQUEST,
            self_service=read.self_service,
            topics=question_topics(question, facts.days_since_ride),
            words=QuestionWords(question),
        )
        timings["facts"] = _ms(t)

        t = time.perf_counter()
        wait = self.settings.dense_wait == "always"
        hits = pending.hits() if wait else pending.sparse_hits()
        catalog = self.catalog()
        timings["retrieval"] = _ms(t)

        t = time.perf_counter()
        asked = frozenset(tokenize(question))
        # Once the request is known, the words naming it no longer tell situations apart.
        situational = frozenset(tokenize(without_item_words(question))) if facts.request else asked

        topics = frozenset(topic for topic, _ in signals.topics)

        def decide(hits: list[Hit]) -> tuple[Playbook | None, Selection | None, Evidence, bool]:
            book, selection = self._select(hits, facts, signals, catalog, situational)
            evidence = gather(
                facts, hits, catalog, book, asked, read.request_family, topics, signals.words
            )
            grounded = (
                selection is not None
                and selection.chosen is not None
                and is_grounded(evidence, self.settings.grounded_threshold)
            )
            return book, selection, evidence, grounded

        book, selection, evidence, grounded = decide(hits)
        if not wait and dense_needed(hits, evidence, selection):
            hits = pending.hits()
            book, selection, evidence, grounded = decide(hits)
        else:
            pending.discard()
        # "dense_wait" (and the encoder's "embed") appear only when the dense query was awaited.
        timings.update({k: v for k, v in pending.timings.items() if k != "bm25"})
        timings["selection"] = _ms(t)
        return Plan(
            read, facts, resolution, signals, situational, hits, book, selection, evidence, grounded
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
            plan = self._with_learned(question, case, plan, timings, today, confirmed)
        facts, hits, signals = plan.facts, plan.hits, plan.signals
        grounded = plan.grounded

        t = time.perf_counter()
        position = self._position(question, plan) if notes else None
        step_reply = compose_step(position, facts) if position is not None else None
        if step_reply is None or not step_reply[0]:
            position = None
            step_reply = self._compose(plan.selection, facts) if grounded else ("", None, ())
        composed, used, removed = step_reply
        guidance = position is not None and position.guidance is not None
        grounded = grounded and bool(composed)
        wanted = (
            self._ask(facts, hits, signals, plan.playbook, removed, plan.asked) if grounded else []
        )
        alternative: str | None = None
        to_customer = (
            self._customer_question(plan, facts, wanted, used, asked)
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
            chosen=self._hit_for(used, hits),
            hits=list(hits),
            composed=composed,
            ask=ask,
        )
        # Guidance for the agent is the playbook's note as written: no model rewrites it.
        reply, drafter, draft_violations, skipped = (
            (composed, "composed", [], False) if guidance else self._draft(ctx, timings)
        )
        if not grounded:
            reply = NO_SCRIPT_REPLY
        timings["drafting"] = _ms(t)

        t = time.perf_counter()
        final = guard_final_reply(reply, facts)  # cannot refuse a composed reply; never sends one
        reply, verdict = final.reply, final.verdict
        if final.refused:
            drafter, draft_violations = "composed", [*draft_violations, *final.refused]
        timings["guard"] = _ms(t)
        timings["total"] = _ms(started)

        citations = self._citations(used, hits) if grounded else []
        if to_customer is not None:
            # The question alone cites its own situation first; with the script after it, the
            # script's situation stays first (it is the answer) and the question's follows.
            first = 0 if self.settings.ask_before_refusing == "question" else 1
            rest = [c for c in citations if c.chunk_id != to_customer.chunk.id]
            citations = [*rest[:first], _citation(to_customer.chunk, 0.0), *rest[first:]]
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

    @staticmethod
    def _hit_for(chunk: Chunk | None, hits: Sequence[Hit]) -> Hit | None:
        if chunk is None:
            return None
        for hit in hits:
            if hit.chunk.id == chunk.id:
                return hit
        return Hit(chunk=chunk, score=0.0)

    @staticmethod
    def _citations(chunk: Chunk | None, hits: Sequence[Hit]) -> list[Citation]:
        """The situation answered from first, then the other hits of the same playbook."""
        if chunk is None:
            return []
        score = next((h.score for h in hits if h.chunk.id == chunk.id), 0.0)
        out = [_citation(chunk, score)]
        for hit in hits:
            if hit.chunk.source == chunk.source and hit.chunk.id != chunk.id:
                out.append(_citation(hit.chunk, hit.score))
        return out


def _citation(chunk: Chunk, score: float) -> Citation:
    return Citation(
        source=chunk.source,
        section=chunk.section,
        score=round(score, 6),
        chunk_id=chunk.id,
        text=chunk.text,
    )


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
