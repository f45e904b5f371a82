"""The plan stage of the suggestion pipeline: facts → retrieval → playbook, situation and
grounding for one question, before anything is composed (``Plan``, ``plan_question``).

Also holds what the stage needs from the retriever (``Retriever``) and the stages' timer."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import policy_guard
from core.settings import Settings
from ingest.chunk import Chunk
from policy_guard.facts import CaseFacts
from rag.catalog import Catalog, Playbook
from rag.condition_fit import Signals, question_topics
from rag.contract import Hit
from rag.dense_need import PendingSearch, dense_needed, e5_needed
from rag.fact_sources import Resolution, question_readings, resolve
from rag.facts import QuestionFacts, read_question, with_ride_timing, without_item_words
from rag.facts_table import REASON_IMPLIED_REQUEST
from rag.grounding import Evidence, dense_threshold_for, gather, is_grounded
from rag.open_conditions import QuestionWords
from rag.readings import FactReading
from rag.selection import Selection, Wording, select_section
from rag.tokenizer import tokenize

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


def ms_since(since: float) -> float:
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


def select_playbook(
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


def plan_question(
    settings: Settings,
    retriever: Retriever,
    catalog_of: Callable[[], Catalog],
    question: str,
    case: CaseFacts | None = None,
    timings: dict[str, float] | None = None,
    today: date | None = None,
    confirmed: Collection[str] = (),
    read: QuestionFacts | None = None,
    readings: Sequence[FactReading] | None = None,
) -> Plan:
    """``SuggestionPipeline.plan`` over the pipeline's settings, retriever and playbooks
    (``catalog_of`` is asked for them once retrieval has run)."""
    timings = {} if timings is None else timings
    t = time.perf_counter()
    # BM25 ranks now; the dense query is awaited only when it can change the answer
    # (rag/dense_need.py).
    pending = retriever.begin(question, settings.retrieve_k)
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
    timings["facts"] = ms_since(t)

    t = time.perf_counter()
    encoder = retriever.query_encoder
    # The static encoder costs less than deciding whether to wait for it.
    wait = settings.dense_wait == "always" or encoder == "static"
    threshold = dense_threshold_for(encoder, settings.grounded_threshold)
    hits = pending.hits() if wait else pending.sparse_hits()
    catalog = catalog_of()
    timings["retrieval"] = ms_since(t)

    t = time.perf_counter()
    asked = frozenset(tokenize(question))
    # Once the request is known, the words naming it no longer tell situations apart.
    situational = frozenset(tokenize(without_item_words(question))) if facts.request else asked

    topics = frozenset(topic for topic, _ in signals.topics)

    def decide(
        hits: list[Hit], threshold: float = threshold
    ) -> tuple[Playbook | None, Selection | None, Evidence, bool]:
        book, selection = select_playbook(hits, facts, signals, catalog, situational)
        evidence = gather(
            facts, hits, catalog, book, asked, read.request_family, topics, signals.words
        )
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
            e5_floor = dense_threshold_for("e5", settings.grounded_threshold)
            book, selection, evidence, grounded = decide(hits, e5_floor)
    elif not wait and dense_needed(hits, evidence, selection):
        hits = pending.hits()
        book, selection, evidence, grounded = decide(hits)
    else:
        pending.discard()
    # "dense_wait" (and the encoder's "embed") appear only when the dense query was awaited.
    timings.update({k: v for k, v in pending.timings.items() if k != "bm25"})
    timings["selection"] = ms_since(t)
    return Plan(
        read, facts, resolution, signals, situational, hits, book, selection, evidence, grounded
    )
