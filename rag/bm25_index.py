"""BM25 over chunk texts (bm25s), built in memory from the store's active chunks.

The corpus is small (tens of chunks per playbook), so the index is rebuilt whole whenever the
store's generation changes; an instance never changes after construction, which makes it safe
to share between threads.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import bm25s
import numpy as np

from ingest.chunk import Chunk
from rag.tokenizer import tokenize, tokenize_many

log = logging.getLogger(__name__)

#: Lucene BM25 parameters. Chunks are short and of similar length (one situation each), so the
#: defaults hold; see docs/retrieval.md for the measurement.
BM25_K1 = 1.5
BM25_B = 0.75


class BM25Index:
    """Scores chunk ids against a question's morpheme terms; immutable once built."""

    def __init__(self, chunk_ids: Sequence[str], corpus_terms: Sequence[Sequence[str]]) -> None:
        if len(chunk_ids) != len(corpus_terms):
            raise ValueError("one term list per chunk id is required")
        self._ids: list[str] = list(chunk_ids)
        self._vocab: dict[str, int] = {}
        corpus_ids: list[list[int]] = []
        for terms in corpus_terms:
            corpus_ids.append([self._vocab.setdefault(t, len(self._vocab)) for t in terms])
        self._model: bm25s.BM25 | None = None
        if self._ids:
            # bm25s scores a document with no terms through a reserved empty token.
            empty = self._vocab.setdefault("", len(self._vocab))
            corpus_ids = [ids or [empty] for ids in corpus_ids]
            model = bm25s.BM25(k1=BM25_K1, b=BM25_B)
            model.index((corpus_ids, self._vocab), show_progress=False)
            self._model = model

    @classmethod
    def from_chunks(cls, chunks: Sequence[Chunk]) -> BM25Index:
        started = time.perf_counter()
        index = cls([c.id for c in chunks], tokenize_many([c.text for c in chunks]))
        log.info(
            "bm25 index built chunks=%d terms=%d ms=%.1f",
            len(chunks),
            len(index._vocab),
            (time.perf_counter() - started) * 1000,
        )
        return index

    def __len__(self) -> int:
        return len(self._ids)

    def search_terms(self, terms: Sequence[str], k: int) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) best first; only chunks sharing at least one term."""
        if self._model is None or k <= 0:
            return []
        ids = [self._vocab[t] for t in terms if t and t in self._vocab]
        if not ids:
            return []
        scores = np.asarray(self._model.get_scores_from_ids(ids), dtype=np.float64)
        positive = np.flatnonzero(scores > 0)
        if positive.size == 0:
            return []
        # Stable order on ties (lower chunk position first) keeps results reproducible.
        order = positive[np.argsort(-scores[positive], kind="stable")][:k]
        return [(self._ids[i], float(scores[i])) for i in order]

    def search(self, question: str, k: int) -> list[tuple[str, float]]:
        return self.search_terms(tokenize(question), k)
