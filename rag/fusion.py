"""Weighted reciprocal-rank fusion of ranked lists.

RRF uses ranks, not scores, because BM25 scores and cosine similarities live on unrelated
scales (e5 cosines are compressed into 0.80–0.93 here). Each retriever r contributes
``w_r / (k + rank_r)`` for every chunk it returned (ranks 1-based).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

#: Defaults chosen by measurement on evals/datasets/retrieval.jsonl (see docs/retrieval.md and
#: benchmarks/bench_retrieval.py). Filled in below once measured.
DEFAULT_RRF_K = 60
DEFAULT_BM25_WEIGHT = 1.0
DEFAULT_DENSE_WEIGHT = 1.0


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
