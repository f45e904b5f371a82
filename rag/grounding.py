"""Whether a playbook covers the question at all (``grounded``).

A single cosine threshold cannot decide it here: e5 scores are compressed (off-topic 0.881 vs
covered 0.897–0.934 in the first measurements). The decision combines signals, strongest first:

1. the question names a service no playbook is written for ("킥보드", "택시") → not covered;
2. it asks for an item (연락처, 차량번호, 이용내역서, …) that the chosen playbook's situations
   are stated for, in a service that playbook covers → covered;
3. otherwise the retrieval evidence decides: the best dense cosine must clear a calibrated
   threshold *and* some lexical (BM25) evidence must exist, or a situation must match stated
   facts. The figures and their margin are in docs/pipeline.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from policy_guard.facts import CaseFacts
from rag.catalog import Catalog, Playbook
from rag.contract import Hit

#: Best dense cosine a covered question reaches when no request/service decides it.
#: Calibrated on a labelled set (docs/pipeline.md); settings.grounded_threshold overrides it.
DEFAULT_DENSE_THRESHOLD = 0.89
#: BM25 score of the best lexical hit below which the words do not meet any playbook.
MIN_BM25 = 1.0


@dataclass(frozen=True)
class Evidence:
    """The signals one decision was made on (kept for logs and calibration)."""

    service_uncovered: bool
    request_covered: bool
    top_dense: float
    top_bm25: float
    facts_matched: int  # conditions of the chosen situation the facts match


def gather(
    facts: CaseFacts,
    hits: Sequence[Hit],
    catalog: Catalog,
    playbook: Playbook | None,
    facts_matched: int,
) -> Evidence:
    service_uncovered = facts.service is not None and not catalog.covers_service(facts.service)
    service_fits = playbook is not None and (
        facts.service is None or not playbook.services or facts.service in playbook.services
    )
    request_covered = (
        playbook is not None
        and service_fits
        and facts.request is not None
        and facts.request in playbook.requests
    )
    dense = [h.dense_score for h in hits if h.dense_score is not None]
    bm25 = [h.bm25_score for h in hits if h.bm25_score is not None]
    return Evidence(
        service_uncovered=service_uncovered,
        request_covered=request_covered,
        top_dense=max(dense, default=0.0),
        top_bm25=max(bm25, default=0.0),
        facts_matched=facts_matched,
    )


def is_grounded(evidence: Evidence, dense_threshold: float | None = None) -> bool:
    if evidence.service_uncovered:
        return False
    if evidence.request_covered:
        return True
    threshold = DEFAULT_DENSE_THRESHOLD if dense_threshold is None else dense_threshold
    lexical = evidence.top_bm25 >= MIN_BM25 or evidence.facts_matched > 0
    return evidence.top_dense >= threshold and lexical
