"""Weighted reciprocal-rank fusion of ranked lists, and the measured default parameters.

RRF uses ranks, not scores, because BM25 scores and cosine similarities live on unrelated
scales (e5 cosines are compressed into 0.80–0.93 here). Each retriever r contributes
``w_r / (k + rank_r)`` for every chunk it returned (ranks 1-based); the fused score is then
multiplied by a weight per chunk kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.settings import Settings

# Defaults chosen by measurement (benchmarks/bench_retrieval.py --sweep; docs/retrieval.md).
# On evals/datasets/retrieval.jsonl (83 agent questions over both playbooks), section level:
#   BM25 alone                         top-1 0.566  MRR 0.699  hit@5 0.831  (source top-1 0.976)
#   dense alone                        top-1 0.410  MRR 0.562  hit@5 0.783  (source top-1 0.988)
#   RRF k=60, weights 1/1, no kinds    top-1 0.386  MRR 0.550  hit@5 0.759
#   RRF k=5, bm25 2 / dense 1, kinds   top-1 0.542  MRR 0.684  hit@5 0.867  (source top-1 0.988)
# Dense ranks sibling situations of one playbook almost interchangeably, so it is the weaker
# voice for the situation but the steadier one for the playbook; a small k lets first places
# count. The choice held on both halves of the set (MRR 0.678 / 0.691, hit@5 0.881 / 0.854).
DEFAULT_RRF_K = 5
DEFAULT_BM25_WEIGHT = 2.0
DEFAULT_DENSE_WEIGHT = 1.0
#: Fused-score multiplier per chunk kind. A title / 목차 chunk names every situation of its
#: playbook, so it matches many questions but answers none; rule-only policy text and
#: agent-only notes rarely hold the reply. They stay retrievable (an agent may ask about
#: 상담유형 or 아지트), just below a comparable script.
DEFAULT_KIND_WEIGHTS: Mapping[str, float] = {
    "script": 1.0,
    "policy": 0.7,
    "note": 0.5,
    "title": 0.3,
}


@dataclass(frozen=True)
class FusionParams:
    rrf_k: int = DEFAULT_RRF_K
    bm25_weight: float = DEFAULT_BM25_WEIGHT
    dense_weight: float = DEFAULT_DENSE_WEIGHT
    kind_weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_KIND_WEIGHTS))

    @classmethod
    def from_settings(cls, settings: Settings) -> FusionParams:
        """The fusion settings (their declared defaults are the measured ones above)."""
        return cls(
            rrf_k=settings.rrf_k,
            bm25_weight=settings.bm25_weight,
            dense_weight=settings.dense_weight,
        )


def weighted_rrf(
    rankings: Mapping[str, Sequence[str]],
    weights: Mapping[str, float],
    k: int,
) -> list[tuple[str, float]]:
    """Fuse ranked id lists (best first) into (id, fused score) best first.

    A retriever missing from ``weights`` gets weight 0. Ties keep the order in which ids were
    first seen, so the result is deterministic.
    """
    if k < 1:
        raise ValueError("rrf k must be >= 1")
    fused: dict[str, float] = {}
    for name, ids in rankings.items():
        weight = weights.get(name, 0.0)
        for rank, item in enumerate(ids, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda kv: -kv[1])
