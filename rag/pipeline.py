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
from core.errors import LLMError
from core.settings import Settings
from ingest.chunk import Chunk
from policy_guard.facts import CaseFacts
from policy_guard.verdict import Violation
from rag.asks import facts_that_matter, prompts_for
from rag.catalog import Catalog, Playbook
from rag.contract import Citation, Hit, Suggestion
from rag.customer_questions import CustomerQuestion, customer_facts, find_question
from rag.dense_need import PendingSearch, dense_needed, e5_needed
from rag.drafting.base import DraftContext, Drafter
from rag.drafting.composed import NO_SCRIPT_REPLY, compose_reply
from rag.fact_sources import Resolution, question_readings, resolve
from rag.facts import QuestionFacts, read_question, with_ride_timing, without_item_words
from rag.facts_table import REASON_IMPLIED_REQUEST
from rag.final_guard import guard_final_reply
from rag.grounding import Evidence, dense_threshold_for, gather, is_grounded
from rag.readings import FactReading
from rag.selection import Selection, Signals, Wording, question_topics, select_section
from rag.tokenizer import tokenize

log = logging.getLogger(__name__)

#: Playbooks (distinct sources among the hits) considered for the answer.
MAX_PLAYBOOKS = 3


class _Snapshot(Protocol):
    @property
    def generation(self) -> str: ...

    @property
    def chunks(self) -> Mapping[str, Chunk]: ...


class Retriever(Protocol):
    """What the pipeline needs from ``rag.retriever.HybridRetriever``."""

    def search(self, question: str, k: int | None = None) -> list[Hit]: ...

    def begin(self, question: str, k: int | None = None) -> PendingSearch: ...

    def snapshot(self) -> _Snapshot: ...

    @property
    def query_encoder(self) -> str: ...


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
        self, settings: Settings, retriever: Retriever, drafter: Drafter | None = None
    ) -> None:
        self.settings = settings
        self.retriever = retriever
        self.drafter = drafter  # None: the composed reply, no model
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

    @staticmethod
    def _customer_question(
        plan: Plan, facts: CaseFacts, wanted: Sequence[str], used: Chunk | None
    ) -> CustomerQuestion | None:
        """The playbook's question for the first unknown fact the customer can answer (not
        one the customer already declined to give)."""
        if plan.playbook is None:
            return None
        answerable = customer_facts()
        for name in wanted:
            if name not in answerable or (name == "reason" and plan.read.reason_withheld):
                continue
            found = find_question(name, plan.playbook.situations, facts, used)
            if found is not None:
                return found
        return None

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
            topics=question_topics(question),
        )
        timings["facts"] = _ms(t)

        t = time.perf_counter()
        encoder = self.retriever.query_encoder
        # The static encoder costs less than deciding whether to wait for it.
        wait = self.settings.dense_wait == "always" or encoder == "static"
        threshold = dense_threshold_for(encoder, self.settings.grounded_threshold)
        hits = pending.hits() if wait else pending.sparse_hits()
        catalog = self.catalog()
        timings["retrieval"] = _ms(t)

        t = time.perf_counter()
        asked = frozenset(tokenize(question))
        # Once the request is known, the words naming it no longer tell situations apart.
        situational = frozenset(tokenize(without_item_words(question))) if facts.request else asked

        topics = frozenset(topic for topic, _ in signals.topics)

        def decide(
            hits: list[Hit], threshold: float = threshold
        ) -> tuple[Playbook | None, Selection | None, Evidence, bool]:
            book, selection = self._select(hits, facts, signals, catalog, situational)
            evidence = gather(facts, hits, catalog, book, asked, read.request_family, topics)
            grounded = (
                selection is not None
                and selection.chosen is not None
                and is_grounded(evidence, threshold)
            )
            return book, selection, evidence, grounded

        book, selection, evidence, grounded = decide(hits)
        if encoder == "static":
            if e5_needed(selection):  # the cosines are e5's now, and so is the threshold
                hits = pending.e5_hits()
                e5_floor = dense_threshold_for("e5", self.settings.grounded_threshold)
                book, selection, evidence, grounded = decide(hits, e5_floor)
        elif not wait and dense_needed(hits, evidence, selection):
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
    ) -> Suggestion:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        plan = self.plan(question, case, timings, today, confirmed, read, readings)
        facts, hits, signals = plan.facts, plan.hits, plan.signals
        grounded = plan.grounded

        t = time.perf_counter()
        composed, used, removed = (
            self._compose(plan.selection, facts) if grounded else ("", None, ())
        )
        grounded = grounded and bool(composed)
        wanted = (
            self._ask(facts, hits, signals, plan.playbook, removed, plan.asked) if grounded else []
        )
        alternative: str | None = None
        to_customer = (
            self._customer_question(plan, facts, wanted, used)
            if grounded and self.settings.ask_before_refusing
            else None
        )
        if to_customer is not None:
            # Ask first; the answer for the unknown fact is what to send if they will not say.
            alternative, composed = composed, to_customer.text
            wanted = [name for name in wanted if name != to_customer.fact]
        ask = prompts_for(wanted)
        ctx = DraftContext(
            question=question,
            facts=facts,
            chosen=self._hit_for(used, hits),
            hits=list(hits),
            composed=composed,
            ask=ask,
        )
        reply, drafter, draft_violations, skipped = self._draft(ctx, timings)
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
            citations = [_citation(to_customer.chunk, 0.0)] + [
                c for c in citations if c.chunk_id != to_customer.chunk.id
            ]
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
    return SuggestionPipeline(settings, build_retriever(settings), drafter)
