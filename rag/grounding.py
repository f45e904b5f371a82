"""Whether a playbook covers the question at all (``grounded``).

A cosine threshold alone cannot decide it: e5 scores are compressed (off-topic questions reach
0.90 here while covered ones start at 0.86; docs/pipeline.md). The decision uses, in order:

1. the question names a service no playbook is written for ("킥보드", "택시") → not covered;
2. it asks for an item (연락처, 차량번호, 이용내역서, …), or a family of items ("기사님 정보"),
   or states an exception (분실물, 사고, 운임 미지급, 맞춤예약), or names a vocabulary topic
   (택배, 중복 결제, …) or states every word of an open condition (``rag.open_conditions``:
   "현장 대기 중", "영수증 없음") that the chosen playbook's situations are stated for, in a
   service it covers → covered;
3. otherwise the words must meet a situation: at least MIN_HEADING_TERMS of the question's
   terms appear in one situation's own heading terms (terms every situation shares removed),
   and the best dense cosine clears a floor → covered; else not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from policy_guard.facts import CaseFacts
from rag.catalog import Catalog, Playbook
from rag.contract import Hit
from rag.fact_fields import fact_fields
from rag.open_conditions import QuestionWords, covers

#: Best dense cosine below which no question is covered, whatever its words, per query encoder
#: (their cosines live on different scales). Calibrated on a labelled set with
#: benchmarks/calibrate_grounding.py (docs/pipeline.md, docs/retrieval.md);
#: settings.grounded_threshold overrides it.
DENSE_THRESHOLDS: dict[str, float] = {"e5": 0.855, "static": 0.53}
DEFAULT_DENSE_THRESHOLD = DENSE_THRESHOLDS["e5"]
#: Question terms that must appear in one situation's own heading (rule 3).
MIN_HEADING_TERMS = 2


@dataclass(frozen=True)
class Evidence:
    """The signals one decision was made on (kept for logs and calibration)."""

    service_uncovered: bool
    request_covered: bool
    reason_covered: bool  # an exception (분실물, 사고, …) the playbook has a situation for
    top_dense: float
    top_bm25: float
    heading_terms: int  # most question terms found in one situation's own heading
    #: The question names a vocabulary topic (택배, 중복 결제, …) a situation is stated for.
    topic_covered: bool = False
    #: The case holds a procedure fact (fact_fields.yaml `grounds`) with the value a situation
    #: of the playbook is stated for, and the question's words meet a situation's heading.
    procedure_covered: bool = False
    #: The question says an open condition of a situation ("현장 대기 중") word for word.
    open_covered: bool = False


def gather(
    facts: CaseFacts,
    hits: Sequence[Hit],
    catalog: Catalog,
    playbook: Playbook | None,
    asked: frozenset[str],
    family: frozenset[str] = frozenset(),
    topics: frozenset[str] = frozenset(),
    words: QuestionWords | None = None,
) -> Evidence:
    service_uncovered = facts.service is not None and not catalog.covers_service(facts.service)
    service_fits = playbook is not None and (
        facts.service is None or not playbook.services or facts.service in playbook.services
    )
    wanted = {facts.request} if facts.request is not None else set(family)
    request_covered = playbook is not None and service_fits and bool(wanted & playbook.requests)
    reason_covered = (
        playbook is not None
        and service_fits
        and facts.reason not in (None, "other")
        and any(facts.reason in c.conditions.reasons for c in playbook.situations)
    )
    topic_covered = (
        playbook is not None
        and service_fits
        and any(set(c.conditions.topics) & topics for c in playbook.situations)
    )
    # Read only when nothing else grounds the question (it analyses the question's words).
    open_covered = (
        not (request_covered or reason_covered or topic_covered)
        and playbook is not None
        and service_fits
        and covers([c.conditions for c in playbook.situations], words)
    )
    heading = 0
    if playbook is not None:
        heading = max((len(ts & asked) for ts in playbook.heading_terms.values()), default=0)
    procedure_covered = (
        playbook is not None and service_fits and heading >= 1 and _in_procedure(facts, playbook)
    )
    dense = [h.dense_score for h in hits if h.dense_score is not None]
    bm25 = [h.bm25_score for h in hits if h.bm25_score is not None]
    return Evidence(
        service_uncovered=service_uncovered,
        request_covered=request_covered,
        reason_covered=reason_covered,
        topic_covered=topic_covered,
        procedure_covered=procedure_covered,
        open_covered=open_covered,
        top_dense=max(dense, default=0.0),
        top_bm25=max(bm25, default=0.0),
        heading_terms=heading,
    )


def _in_procedure(facts: CaseFacts, playbook: Playbook) -> bool:
    fields = fact_fields().facts
    stated = {
        name: getattr(facts, name)
        for name, field in fields.items()
        if field.grounds and getattr(facts, name, None) is not None
    }
    return any(
        getattr(c.conditions, name, None) == value
        for c in playbook.situations
        for name, value in stated.items()
    )


def dense_threshold_for(encoder: str, override: float | None = None) -> float:
    """The threshold for cosines of ``encoder`` ("e5" or "static"), unless overridden."""
    return DENSE_THRESHOLDS[encoder] if override is None else override


def is_grounded(evidence: Evidence, dense_threshold: float | None = None) -> bool:
    if evidence.service_uncovered:
        return False
    if (
        evidence.request_covered
        or evidence.reason_covered
        or evidence.topic_covered
        or evidence.open_covered
        or evidence.procedure_covered
    ):
        return True
    threshold = DEFAULT_DENSE_THRESHOLD if dense_threshold is None else dense_threshold
    return evidence.top_dense >= threshold and evidence.heading_terms >= MIN_HEADING_TERMS
