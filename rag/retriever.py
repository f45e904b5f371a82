"""Hybrid retrieval: Kiwi BM25 and e5 dense search fused by weighted RRF.

The BM25 index and the chunk table are an immutable snapshot of one store generation; a
search that sees a newer generation rebuilds the snapshot once (under a lock) and swaps it in,
so concurrent searches never observe a half-built index.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from core.errors import IndexNotReadyError, UserError
from core.settings import Settings
from ingest.chunk import Chunk
from ingest.embedder import Embedder
from ingest.query_batch import QueryCancelled
from rag.bm25_index import BM25Index
from rag.contract import Hit
from rag.dense import DenseSearcher, PassageEncoder, StaticIndex
from rag.fusion import FusionParams, weighted_rrf
from rag.tokenizer import tokenize, warm_up

if TYPE_CHECKING:
    from rag.langchain_view import LangChainRetriever

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "bm25", "dense"]
MODES: tuple[Mode, ...] = ("hybrid", "bm25", "dense")

#: Each retriever returns this many candidates per wanted hit before fusion (a chunk ranked
#: low by one retriever can still win on the other), and never fewer than MIN_CANDIDATES.
CANDIDATE_FACTOR = 3
MIN_CANDIDATES = 20


class RetrievalStore(Protocol):
    """What retrieval needs from ``ingest.store.ChunkStore``."""

    def active_chunks(self) -> list[Chunk]: ...

    def dense_query(
        self, vectors: NDArray[np.float32], k: int
    ) -> list[list[tuple[str, float]]]: ...

    def generation(self) -> str: ...


@dataclass(frozen=True)
class Snapshot:
    """One store generation's chunks and BM25 index; never modified once built."""

    generation: str
    chunks: Mapping[str, Chunk]
    bm25: BM25Index
    #: The passages embedded by the static query encoder, when it is the one in use.
    static: StaticIndex | None = None


@dataclass(frozen=True)
class Candidates:
    """Each retriever's ranked (chunk id, score) list for one question, before fusion."""

    snapshot: Snapshot
    mode: Mode
    bm25: Sequence[tuple[str, float]]
    dense: Sequence[tuple[str, float]]
    timings: Mapping[str, float]


@dataclass(frozen=True)
class DenseResult:
    rows: list[tuple[str, float]]
    embed_ms: float
    query_ms: float


class PendingSearch:
    """One question's search begun by ``HybridRetriever.begin``: the BM25 ranking is ready,
    the dense one is under way (or not yet started). ``sparse_hits()`` ranks without it,
    ``hits()`` waits for it and fuses, ``discard()`` gives it up when it is not needed."""

    def __init__(
        self, retriever: HybridRetriever, snap: Snapshot, question: str, k: int, depth: int
    ) -> None:
        self._retriever = retriever
        self.snapshot = snap
        self.question = question
        self.k = k
        self.depth = depth
        self.bm25: Sequence[tuple[str, float]] = []
        self.timings: dict[str, float] = {}
        self._future: Future[DenseResult | None] | None = None
        self._given_up = threading.Event()

    def start_dense(self) -> None:
        if self._future is None and self.depth > 0 and self._retriever.mode != "bm25":
            self._future = self._retriever._submit_dense(
                self.snapshot, self.question, self.depth, self._given_up
            )

    def sparse_hits(self) -> list[Hit]:
        """BM25 ranking with the kind weights (what ``mode="bm25"`` returns)."""
        if self._retriever.mode == "dense":
            return self.hits()
        cands = Candidates(self.snapshot, "bm25", self.bm25, [], self.timings)
        return self._retriever.rank(cands, self.k)

    def hits(self) -> list[Hit]:
        """The hybrid ranking; waits for the dense query (starting it if need be)."""
        self.start_dense()
        dense: list[tuple[str, float]] = []
        if self._future is not None:
            t = time.perf_counter()
            result = self._future.result()
            self.timings["dense_wait"] = _ms(t)
            if result is not None:
                self.timings["embed"] = result.embed_ms
                self.timings["dense"] = result.query_ms
                dense = result.rows
        mode = self._retriever.mode
        bm25 = [] if mode == "dense" else self.bm25
        cands = Candidates(self.snapshot, mode, bm25, dense, self.timings)
        return self._retriever.rank(cands, self.k)

    def e5_hits(self) -> list[Hit]:
        """The hybrid ranking with e5's dense query in place of the static encoder's, for a
        tie the static ranking should not break (rag/dense_need.py)."""
        t = time.perf_counter()
        vectors = self._retriever._dense.embed(self.question)
        rows = self._retriever._dense.query(vectors, self.depth)
        self.timings["e5_wait"] = _ms(t)
        dense = [(cid, score) for cid, score in rows if cid in self.snapshot.chunks]
        cands = Candidates(self.snapshot, "hybrid", self.bm25, dense, self.timings)
        return self._retriever.rank(cands, self.k)

    def discard(self) -> None:
        """Not needed: a query still waiting for the encoder is dropped; one already in a
        forward pass finishes into the embedder's cache (it cannot be interrupted)."""
        self._given_up.set()
        if self._future is not None:
            self._future.cancel()


class HybridRetriever:
    """``search(question, k)`` → hits best first. Thread-safe; follows store generations."""

    def __init__(
        self,
        settings: Settings,
        store: RetrievalStore,
        embedder: Embedder,
        mode: Mode = "hybrid",
        params: FusionParams | None = None,
        static_encoder: PassageEncoder | None = None,
    ) -> None:
        _check_mode(mode)
        self.settings = settings
        self.mode: Mode = mode
        self.params = params or FusionParams.from_settings(settings)
        self.store = store
        self._dense = DenseSearcher(embedder, store)
        self._static_encoder = static_encoder
        #: Which encoder the dense ranking's cosines come from (grounding's threshold follows).
        self.query_encoder: Literal["static", "e5"] = "static" if static_encoder else "e5"
        self._snapshot: Snapshot | None = None
        self._reload_lock = threading.Lock()
        self._dense_pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    # --- index lifecycle

    def _load(self, generation: str) -> Snapshot:
        chunks = self.store.active_chunks()
        # The store pins the generation it actually read (an ingest may have flipped since
        # ``generation`` was asked), and answers dense queries from that same one.
        pinned = getattr(self.store, "pinned_generation", None)
        snapshot = Snapshot(
            generation=pinned if isinstance(pinned, str) else generation,
            chunks={c.id: c for c in chunks},
            bm25=BM25Index.from_chunks(chunks),
            static=(
                StaticIndex(self._static_encoder, [c.id for c in chunks], [c.text for c in chunks])
                if self._static_encoder is not None
                else None
            ),
        )
        log.info("retrieval index loaded generation=%s chunks=%d", generation, len(chunks))
        return snapshot

    def snapshot(self) -> Snapshot:
        """The index of the store's current generation, rebuilt if the store moved on."""
        generation = self.store.generation()
        current = self._snapshot
        if current is not None and current.generation == generation:
            return current
        with self._reload_lock:
            current = self._snapshot
            if current is None or current.generation != generation:
                current = self._load(generation)
                self._snapshot = current
            return current

    def chunk_count(self) -> int:
        return len(self.snapshot().chunks)

    # --- search

    def search(self, question: str, k: int | None = None, mode: Mode | None = None) -> list[Hit]:
        return self.search_timed(question, k, mode)[0]

    def search_timed(
        self, question: str, k: int | None = None, mode: Mode | None = None
    ) -> tuple[list[Hit], dict[str, float]]:
        """Hits best first, and the milliseconds spent per stage (embed, dense, bm25, fuse,
        total)."""
        started = time.perf_counter()
        k = self.settings.retrieve_k if k is None else k
        if k < 1:
            raise UserError("k must be at least 1")
        cands = self.candidates(question, max(MIN_CANDIDATES, k * CANDIDATE_FACTOR), mode)
        t = time.perf_counter()
        hits = self.rank(cands, k)
        timings = dict(cands.timings)
        timings["fuse"] = _ms(t)
        timings["total"] = _ms(started)
        log.debug(
            "search mode=%s hits=%s ms=%.1f",
            cands.mode,
            [h.chunk.id for h in hits],
            timings["total"],
        )
        return hits, timings

    def candidates(self, question: str, depth: int, mode: Mode | None = None) -> Candidates:
        """Up to ``depth`` ranked candidates from each retriever the mode uses."""
        mode = mode or self.mode
        _check_mode(mode)
        if not question.strip():
            raise UserError("the question is empty")
        timings: dict[str, float] = {}
        snap = self.snapshot()
        depth = min(len(snap.chunks), depth)
        dense: list[tuple[str, float]] = []
        bm25: list[tuple[str, float]] = []
        if depth > 0 and mode in ("hybrid", "dense"):
            result = self._dense_rows(snap, question, depth)
            timings["embed"], timings["dense"] = result.embed_ms, result.query_ms
            dense = result.rows
        if depth > 0 and mode in ("hybrid", "bm25"):
            t = time.perf_counter()
            bm25 = snap.bm25.search_terms(tokenize(question), depth)
            timings["bm25"] = _ms(t)
        return Candidates(snap, mode, bm25, dense, timings)

    def begin(self, question: str, k: int | None = None) -> PendingSearch:
        """Start one question's hybrid search: BM25 ranks here; the dense query goes to a
        worker thread at once (``dense_start="eager"``) or when first needed (the default)."""
        k = self.settings.retrieve_k if k is None else k
        if k < 1:
            raise UserError("k must be at least 1")
        if not question.strip():
            raise UserError("the question is empty")
        snap = self.snapshot()
        depth = min(len(snap.chunks), max(MIN_CANDIDATES, k * CANDIDATE_FACTOR))
        pending = PendingSearch(self, snap, question, k, depth)
        if self.settings.dense_start == "eager":
            pending.start_dense()
        t = time.perf_counter()
        pending.bm25 = snap.bm25.search_terms(tokenize(question), depth) if depth > 0 else []
        pending.timings["bm25"] = _ms(t)
        return pending

    def _dense_candidates(
        self, snap: Snapshot, question: str, depth: int, given_up: threading.Event
    ) -> DenseResult | None:
        try:
            return self._dense_rows(snap, question, depth, given_up.is_set)
        except QueryCancelled:
            return None

    def _dense_rows(
        self,
        snap: Snapshot,
        question: str,
        depth: int,
        cancelled: Callable[[], bool] | None = None,
    ) -> DenseResult:
        searcher: DenseSearcher | StaticIndex = self._dense if snap.static is None else snap.static
        t = time.perf_counter()
        vectors = searcher.embed(question, cancelled)
        embed_ms = _ms(t)
        t = time.perf_counter()
        # Ids from another generation (an ingest flipped mid-search) are dropped.
        rows = [(cid, s) for cid, s in searcher.query(vectors, depth) if cid in snap.chunks]
        return DenseResult(rows, embed_ms, _ms(t))

    def _submit_dense(
        self, snap: Snapshot, question: str, depth: int, given_up: threading.Event
    ) -> Future[DenseResult | None]:
        if snap.static is not None:
            # The static encoder costs less than handing the query to a thread would.
            done: Future[DenseResult | None] = Future()
            done.set_result(self._dense_candidates(snap, question, depth, given_up))
            return done
        with self._pool_lock:
            if self._dense_pool is None:
                # As many workers as requests served at once, so that concurrent questions
                # reach the embedder together and share one encoder call.
                self._dense_pool = ThreadPoolExecutor(
                    max_workers=self.settings.max_concurrent_requests,
                    thread_name_prefix="dense-query",
                )
            return self._dense_pool.submit(self._dense_candidates, snap, question, depth, given_up)

    def rank(self, cands: Candidates, k: int, params: FusionParams | None = None) -> list[Hit]:
        """Fuse the candidates into the best ``k`` hits (``params`` overrides the retriever's
        fusion parameters, for ablation)."""
        params = params or self.params
        chunks = cands.snapshot.chunks
        fused = weighted_rrf(
            {"bm25": [cid for cid, _ in cands.bm25], "dense": [cid for cid, _ in cands.dense]},
            {"bm25": params.bm25_weight, "dense": params.dense_weight},
            params.rrf_k,
        )
        bm25_at = {cid: (rank, score) for rank, (cid, score) in enumerate(cands.bm25, start=1)}
        dense_at = {cid: (rank, score) for rank, (cid, score) in enumerate(cands.dense, start=1)}
        scored: list[tuple[float, str]] = []
        for cid, score in fused:
            weight = params.kind_weights.get(chunks[cid].kind, 1.0)
            if weight > 0 and score > 0:
                scored.append((score * weight, cid))
        scored.sort(key=lambda item: -item[0])  # stable: fused order breaks ties
        hits: list[Hit] = []
        for score, cid in scored[:k]:
            b = bm25_at.get(cid)
            d = dense_at.get(cid)
            hits.append(
                Hit(
                    chunk=chunks[cid],
                    score=score,
                    bm25_rank=b[0] if b else None,
                    bm25_score=b[1] if b else None,
                    dense_rank=d[0] if d else None,
                    dense_score=d[1] if d else None,
                )
            )
        return hits

    def as_langchain(self, k: int | None = None) -> LangChainRetriever:
        from rag.langchain_view import LangChainRetriever

        return LangChainRetriever(retriever=self, k=k)


def build_retriever(settings: Settings, mode: Mode = "hybrid") -> HybridRetriever:
    """The retriever over the configured store, with the process-wide embedder."""
    from ingest.embedder import load_embedder
    from ingest.store import open_store

    embedder = load_embedder(settings)
    store = open_store(settings, embedder)
    static = None
    if settings.query_encoder == "static":
        from ingest.static_encoder import load_static_encoder

        static = load_static_encoder(settings)
    retriever = HybridRetriever(settings, store, embedder, mode=mode, static_encoder=static)
    # Pay Kiwi's start-up (~2.5 s) and the first index build now, not on the first question;
    # before the first ingest there is nothing to build yet, and search will say so.
    warm_up()
    try:
        retriever.snapshot()
    except IndexNotReadyError:
        log.warning("no index yet: retrieval will load it after the first ingest")
    return retriever


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise UserError(f"unknown retrieval mode {mode!r}; use one of {', '.join(MODES)}")


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
