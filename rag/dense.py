"""Dense retrieval: embed the question (e5 ``query:`` side) and ask the store's vector index,
or, with the static query encoder, rank an in-memory matrix of the passages it embedded."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from ingest.embedder import Embedder


class VectorSource(Protocol):
    def dense_query(
        self, vectors: NDArray[np.float32], k: int
    ) -> list[list[tuple[str, float]]]: ...


class DenseSearcher:
    """Question → (chunk id, cosine similarity) best first. Stateless apart from its parts."""

    def __init__(self, embedder: Embedder, store: VectorSource) -> None:
        self._embedder = embedder
        self._store = store

    def embed(
        self, question: str, cancelled: Callable[[], bool] | None = None
    ) -> NDArray[np.float32]:
        vectors: NDArray[np.float32] = self._embedder.embed_queries([question], cancelled)
        return vectors

    def query(self, vectors: NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        if k <= 0:
            return []
        rows = self._store.dense_query(vectors, k)
        return list(rows[0]) if rows else []


class PassageEncoder(Protocol):
    def embed_queries(
        self, texts: Sequence[str], cancelled: Callable[[], bool] | None = None
    ) -> NDArray[np.float32]: ...

    def embed_passages(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


class StaticIndex:
    """One index generation's passages embedded by the static encoder, in memory: a query
    is one matrix-vector product (35 chunks: microseconds; 10,000: about a millisecond)."""

    def __init__(self, encoder: PassageEncoder, ids: Sequence[str], texts: Sequence[str]) -> None:
        self._encoder = encoder
        self._ids = list(ids)
        self._matrix = encoder.embed_passages(texts)

    def embed(
        self, question: str, cancelled: Callable[[], bool] | None = None
    ) -> NDArray[np.float32]:
        vectors: NDArray[np.float32] = self._encoder.embed_queries([question], cancelled)
        return vectors

    def query(self, vectors: NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        if k <= 0 or not self._ids:
            return []
        sims = self._matrix @ vectors[0]
        top = np.argsort(-sims, kind="stable")[:k]
        return [(self._ids[i], float(sims[i])) for i in top]
