"""Runs labelled cases through the real retriever, pipeline and guard, case by case.

A case whose run raises (the service's own errors, or a bug) is recorded as a failure with the
error's class and message, so that one broken case never hides the figures of the others.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, Field

from evals.datasets import GuardCase, RetrievalCase, SuggestCase
from evals.evaluators import EvalResult, GuardFn, evaluate_suggestion, evaluate_verdict
from policy_guard.facts import CaseFacts
from rag.contract import Hit, Suggestion

T = TypeVar("T")
RETRIEVAL_K = 5
#: Questions embedded per call before a batch of retrieval cases runs.
PREPARE_BATCH = 32


class SuggestPipeline(Protocol):
    def suggest(self, question: str, case: CaseFacts) -> Suggestion: ...


class Searcher(Protocol):
    def search(self, question: str, k: int | None = None, mode: Any = None) -> list[Hit]: ...


class SuggestResult(BaseModel):
    id: str
    question: str
    section_label: str | None = None
    tags: list[str] = Field(default_factory=list)
    reply: str = ""
    grounded: bool | None = None
    citations: list[str] = Field(default_factory=list)  # "source > section"
    checks: list[EvalResult] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and all(c.passed for c in self.checks)


class GuardResult(BaseModel):
    id: str
    draft: str
    tags: list[str] = Field(default_factory=list)
    want_allowed: bool
    want_rules: list[str]
    got_allowed: bool | None = None
    got_rules: list[str] = Field(default_factory=list)
    checks: list[EvalResult] = Field(default_factory=list)
    latency_ms: float = 0.0
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and all(c.passed for c in self.checks)


class RetrievalResult(BaseModel):
    id: str
    mode: str
    source: str
    section_label: str | None = None
    source_rank: int | None = None  # 1-based rank of the first hit from the right file
    section_rank: int | None = None  # 1-based rank of the first hit in the right section
    top: list[str] = Field(default_factory=list)  # "source > section" of the hits
    latency_ms: float = 0.0
    error: str | None = None


def _progress(items: Sequence[T], desc: str, enabled: bool) -> Iterable[T]:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="case", leave=False)  # type: ignore[no-any-return]


def _error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def run_suggest(
    pipeline: SuggestPipeline,
    cases: Sequence[SuggestCase],
    guard: GuardFn,
    progress: bool = False,
) -> list[SuggestResult]:
    results: list[SuggestResult] = []
    for case in _progress(cases, "suggest", progress):
        result = SuggestResult(
            id=case.id, question=case.question, section_label=case.section, tags=case.tags
        )
        started = time.perf_counter()
        try:
            suggestion = pipeline.suggest(case.question, case.case)
        except Exception as exc:  # any crash is a failed case, not a lost run
            result.error = _error_text(exc)
            results.append(result)
            continue
        total = (time.perf_counter() - started) * 1000
        result.reply = suggestion.reply
        result.grounded = suggestion.grounded
        result.citations = [f"{c.source} > {c.section}" for c in suggestion.citations]
        result.timings_ms = {**suggestion.timings_ms, "end_to_end": total}
        result.checks = evaluate_suggestion(case, suggestion, guard)
        results.append(result)
    return results


def run_guard(
    cases: Sequence[GuardCase], guard: GuardFn, progress: bool = False
) -> list[GuardResult]:
    results: list[GuardResult] = []
    for case in _progress(cases, "guard", progress):
        result = GuardResult(
            id=case.id,
            draft=case.draft,
            tags=case.tags,
            want_allowed=case.allowed,
            want_rules=list(case.rules),
        )
        started = time.perf_counter()
        try:
            verdict = guard(case.draft, case.case)
        except Exception as exc:  # any crash is a failed case, not a lost run
            result.error = _error_text(exc)
            results.append(result)
            continue
        result.latency_ms = (time.perf_counter() - started) * 1000
        result.got_allowed = verdict.allowed
        result.got_rules = sorted({v.rule for v in verdict.violations})
        result.checks = evaluate_verdict(case, verdict)
        results.append(result)
    return results


def first_rank(hits: Sequence[Hit], match: Callable[[Hit], bool]) -> int | None:
    for rank, hit in enumerate(hits, start=1):
        if match(hit):
            return rank
    return None


def ranks_of(hits: Sequence[Hit], case: RetrievalCase) -> tuple[int | None, int | None]:
    """1-based ranks of the first hit from the case's file and of the first in its section."""
    source_rank = first_rank(hits, lambda h: h.chunk.source == case.source)
    if case.section is None:
        return source_rank, None
    section_rank = first_rank(hits, lambda h: case.section_hit(h.chunk.source, h.chunk.section))
    return source_rank, section_rank


def run_retrieval(
    retriever: Searcher,
    cases: Sequence[RetrievalCase],
    modes: Sequence[str],
    k: int = RETRIEVAL_K,
    progress: bool = False,
    prepare: Callable[[list[str]], object] | None = None,
) -> list[RetrievalResult]:
    """Every case in every mode. ``prepare`` gets each batch of questions first (the caller
    embeds them in one call, which fills the embedder's query cache), so the per-mode
    latencies measure retrieval itself and every mode sees the same query vectors."""
    by_mode: dict[str, list[RetrievalResult]] = {mode: [] for mode in modes}
    batches = [cases[i : i + PREPARE_BATCH] for i in range(0, len(cases), PREPARE_BATCH)]
    for batch in _progress(batches, "retrieval", progress):
        if prepare is not None:
            prepare([c.question for c in batch])
        for mode in modes:
            by_mode[mode].extend(_retrieve(retriever, c, mode, k) for c in batch)
    return [r for mode in modes for r in by_mode[mode]]


def _retrieve(retriever: Searcher, case: RetrievalCase, mode: str, k: int) -> RetrievalResult:
    result = RetrievalResult(id=case.id, mode=mode, source=case.source, section_label=case.section)
    started = time.perf_counter()
    try:
        hits = retriever.search(case.question, k=k, mode=mode)
    except Exception as exc:  # any crash is a failed case, not a lost run
        result.error = _error_text(exc)
        return result
    result.latency_ms = (time.perf_counter() - started) * 1000
    result.top = [f"{h.chunk.source} > {h.chunk.section}" for h in hits]
    result.source_rank, result.section_rank = ranks_of(hits, case)
    return result
