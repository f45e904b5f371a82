"""When the suggestion must wait for the dense query, and when BM25 alone decides it.

The e5 query encoder is most of an unseen question's latency, yet the situation is chosen by
the case facts among the retrieved chunks, and BM25 alone finds the playbook for nearly every
question. The pipeline therefore starts the dense query beside facts and BM25, decides with
the BM25 ranking, and waits for the dense ranking only when it can change the answer:

- grounding rule 3 reads the best dense cosine (no service, item, exception or topic decided
  it and the words meet a situation's heading);
- BM25 found nothing, or its first two playbooks are close (low margin), so the fused ranking
  may put another playbook first;
- the two best fitting situations are a near tie, which the retrieval rank breaks.

A service no playbook covers is never grounded, whatever the cosine. Measured on the
evaluation sets and the grounding calibration set (benchmarks/dense_need.py,
docs/retrieval.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from rag.contract import Hit
from rag.grounding import MIN_HEADING_TERMS, Evidence
from rag.selection import Selection

#: The runner-up playbook's best BM25 score over the first playbook's at or above which the
#: retrieval is low-margin and the dense ranking is awaited.
LOW_MARGIN_RATIO = 0.8
#: Two fitting situations closer than this are a near tie that the retrieval rank breaks, so
#: the fused rank may break it the other way. 0.2 is what two situations at ranks 2 and 3 gain
#: or lose by trading places (RETRIEVAL_WEIGHT / (1 + rank)); measured differing choices led by
#: 0.025, 0.030 and 0.1 (docs/retrieval.md).
NEAR_TIE = 0.2
#: With the static query encoder (always fused), two fitting situations scoring alike are an
#: exact tie that the static ranking would break; e5's ranking breaks it instead. 8 of 303
#: development questions (2.6 %), e.g. a statement wanted for an insurer: app guidance or the
#: identity check (docs/retrieval.md).
STATIC_TIE = 1e-6


class PendingSearch(Protocol):
    """What the pipeline needs from ``rag.retriever.PendingSearch``."""

    timings: dict[str, float]

    def sparse_hits(self) -> list[Hit]: ...

    def hits(self) -> list[Hit]: ...

    def e5_hits(self) -> list[Hit]: ...

    def discard(self) -> None: ...


def low_margin(hits: Sequence[Hit]) -> bool:
    """True when BM25 gives no clear first playbook."""
    best: dict[str, float] = {}
    for hit in hits:
        if hit.bm25_score is not None:
            best[hit.chunk.source] = max(best.get(hit.chunk.source, 0.0), hit.bm25_score)
    scores = sorted(best.values(), reverse=True)
    if not scores or scores[0] <= 0:
        return True
    return len(scores) > 1 and scores[1] >= LOW_MARGIN_RATIO * scores[0]


def selection_margin(selection: Selection | None) -> float:
    """How far the best fitting situation leads the next (retrieval rank only breaks ties:
    it moves a situation's score by at most RETRIEVAL_WEIGHT)."""
    if selection is None or len(selection.ranked) < 2:
        return math.inf
    return selection.ranked[0].score - selection.ranked[1].score


def e5_needed(selection: Selection | None) -> bool:
    """Whether a suggestion decided on the static encoder's fused ranking rests on a tie."""
    return selection_margin(selection) < STATIC_TIE


def dense_needed(hits: Sequence[Hit], evidence: Evidence, selection: Selection | None) -> bool:
    """Whether the dense ranking can change the suggestion decided on BM25 ``hits``."""
    if evidence.service_uncovered:
        return False
    decided_by_words = (
        evidence.request_covered
        or evidence.reason_covered
        or evidence.topic_covered
        or evidence.open_covered
    )
    if not decided_by_words and evidence.heading_terms >= MIN_HEADING_TERMS:
        return True  # grounding rule 3 reads the dense cosine
    return low_margin(hits) or selection_margin(selection) < NEAR_TIE
