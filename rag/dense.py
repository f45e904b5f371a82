"""Dense retrieval: embed the question (e5 ``query:`` side) and ask the store's vector index."""

from __future__ import annotations

from collections.abc import Callable
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
