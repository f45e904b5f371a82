"""The chunk store: the live Chroma collection of playbook chunks, read side.

``open_store(settings)`` gives a ``ChunkStore`` over embedded Chroma (``<data_dir>/chroma``) or a
``chroma run`` server (``AGENT_ASSIST_CHROMA_MODE=http``). The live collection is found through
the pointer in ``ingest.generations``; ``generation()`` returns its name, which changes whenever an
ingest changes anything, so a retriever knows when to reload.

``active_chunks()`` and ``dense_query()`` answer from one snapshot: the collection that was live
at the last ``active_chunks()`` (or first query), so BM25 built from those chunks and the dense
hits always talk about the same chunk ids. Call ``active_chunks()`` again after the generation
changes to move to the new one.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from core.errors import ConfigError, IndexNotReadyError
from core.settings import Settings
from ingest.chroma_client import chroma_errors, open_client
from ingest.chroma_ef import AgentAssistEmbeddingFunction
from ingest.chunk import Chunk
from ingest.embedder import Embedder
from ingest.generations import read_pointer

log = logging.getLogger(__name__)

#: Chroma reads are paged so one huge collection never becomes one huge HTTP response.
PAGE_SIZE = 1000

# Keys of a generation's collection metadata (scalars only: Chroma's rule).
META_EMBEDDER = "embedder"
META_DIM = "dim"
META_DIGEST = "digest"
META_DOC_HASHES = "doc_hashes"
META_CHUNKS = "chunk_count"
#: Extra per-record metadata key: sha256 of the chunk text, to reuse its vector next time.
TEXT_HASH = "text_hash"


@dataclass(frozen=True)
class GenerationInfo:
    """What a generation's collection says about itself."""

    name: str
    embedder: str
    dim: int
    digest: str
    doc_hashes: dict[str, str]
    chunk_count: int

    @classmethod
    def from_collection(cls, name: str, metadata: dict[str, Any] | None) -> GenerationInfo:
        meta = dict(metadata or {})
        try:
            hashes = json.loads(str(meta.get(META_DOC_HASHES, "{}")))
        except json.JSONDecodeError:
            hashes = {}
        return cls(
            name=name,
            embedder=str(meta.get(META_EMBEDDER, "")),
            dim=int(meta.get(META_DIM, 0)),
            digest=str(meta.get(META_DIGEST, "")),
            doc_hashes={str(k): str(v) for k, v in dict(hashes).items()},
            chunk_count=int(meta.get(META_CHUNKS, 0)),
        )


class ChunkStore:
    def __init__(self, client: Any, settings: Settings, embedder: Embedder | None = None) -> None:
        self.client = client
        self.base = settings.collection
        self.mode = settings.chroma_mode
        self.embedder = embedder
        self._ef = AgentAssistEmbeddingFunction(embedder) if embedder is not None else None
        self._lock = threading.Lock()
        self._pinned: tuple[str, Any] | None = None

    # --- health and identity

    def heartbeat(self) -> None:
        """Raise ``UnavailableError`` when Chroma does not answer."""
        with chroma_errors("heartbeat"):
            self.client.heartbeat()

    def generation(self) -> str:
        """The live collection's name; raises ``IndexNotReadyError`` before the first ingest."""
        pointer = read_pointer(self.client, self.base)
        if pointer is None:
            raise IndexNotReadyError("no index yet: run `agent-assist ingest`")
        return pointer.active

    def has_index(self) -> bool:
        return read_pointer(self.client, self.base) is not None

    def open_collection(self, name: str) -> Any:
        with chroma_errors("open collection"):
            if self._ef is not None:
                return self.client.get_collection(name, embedding_function=self._ef)
            # The stored config rebuilds our registered (lazy) function: no model download.
            return self.client.get_collection(name)

    def info(self, name: str | None = None) -> GenerationInfo:
        """The live (or named) generation's embedder, digest and per-document hashes."""
        name = name or self.generation()
        collection = self.open_collection(name)
        return GenerationInfo.from_collection(name, collection.metadata)

    def document_hashes(self) -> dict[str, str]:
        """Source file name -> sha256 of its text, for the live generation ({} before any)."""
        if not self.has_index():
            return {}
        return self.info().doc_hashes

    # --- the snapshot the retriever reads

    def _pin(self) -> tuple[str, Any]:
        name = self.generation()
        pinned = (name, self.open_collection(name))
        with self._lock:
            self._pinned = pinned
        return pinned

    def _current(self) -> tuple[str, Any]:
        with self._lock:
            pinned = self._pinned
        return pinned if pinned is not None else self._pin()

    @property
    def pinned_generation(self) -> str | None:
        with self._lock:
            return self._pinned[0] if self._pinned else None

    def active_chunks(self) -> list[Chunk]:
        """Every chunk of the live generation (and pin it for ``dense_query``)."""
        _, collection = self._pin()
        chunks = [
            Chunk.from_metadata(doc or "", dict(meta or {}))
            for doc, meta in self._iter_records(collection, ["documents", "metadatas"])
        ]
        return sorted(chunks, key=lambda c: (c.source, c.index))

    def _iter_records(self, collection: Any, include: list[str]) -> Any:
        offset = 0
        while True:
            with chroma_errors("read chunks"):
                page = collection.get(include=include, limit=PAGE_SIZE, offset=offset)
            ids = page["ids"]
            if not ids:
                return
            docs = page.get("documents") or [None] * len(ids)
            metas = page.get("metadatas") or [None] * len(ids)
            yield from zip(docs, metas, strict=True)
            offset += len(ids)

    def dense_query(self, vectors: NDArray[np.float32], k: int) -> list[list[tuple[str, float]]]:
        """For each query vector, up to ``k`` (chunk id, cosine similarity), best first."""
        queries = np.asarray(vectors, dtype=np.float32)
        if queries.ndim == 1:
            queries = queries.reshape(1, -1)
        if queries.shape[0] == 0 or k <= 0:
            return [[] for _ in range(queries.shape[0])]
        try:
            return self._query(self._current(), queries, k)
        except IndexNotReadyError:
            # The pinned generation was dropped by two ingests in a row: move to the live one.
            return self._query(self._pin(), queries, k)

    def _query(
        self, pinned: tuple[str, Any], queries: NDArray[np.float32], k: int
    ) -> list[list[tuple[str, float]]]:
        name, collection = pinned
        info = GenerationInfo.from_collection(name, collection.metadata)
        if info.dim and queries.shape[1] != info.dim:
            raise ConfigError(
                f"query vectors have {queries.shape[1]} dimensions, the index {info.dim} "
                f"({info.embedder}): re-ingest with the configured embedder"
            )
        n = min(k, info.chunk_count)
        if n <= 0:
            return [[] for _ in range(queries.shape[0])]
        with chroma_errors("query"):
            result = collection.query(query_embeddings=queries, n_results=n, include=["distances"])
        ids = result.get("ids") or []
        distances = result.get("distances") or []
        return [
            [(str(i), 1.0 - float(d)) for i, d in zip(row_ids, row_d, strict=True)]
            for row_ids, row_d in zip(ids, distances, strict=True)
        ]

    def query_texts(self, questions: list[str], k: int) -> list[list[tuple[str, float]]]:
        """Embed questions with this store's embedder, then ``dense_query``."""
        if self.embedder is None:
            raise ConfigError("this store was opened without an embedder")
        return self.dense_query(self.embedder.embed_queries(questions), k)

    def stored_vectors(self, name: str) -> dict[str, NDArray[np.float32]]:
        """Text hash -> vector of a generation's chunks, so unchanged text is not re-embedded."""
        collection = self.open_collection(name)
        vectors: dict[str, NDArray[np.float32]] = {}
        offset = 0
        while True:
            with chroma_errors("read vectors"):
                page = collection.get(
                    include=["metadatas", "embeddings"], limit=PAGE_SIZE, offset=offset
                )
            ids = page["ids"]
            if not ids:
                return vectors
            embeddings = page.get("embeddings")
            metas = page.get("metadatas") or [None] * len(ids)
            if embeddings is None:
                return vectors
            for meta, vec in zip(metas, embeddings, strict=True):
                text_hash = (meta or {}).get(TEXT_HASH)
                if isinstance(text_hash, str):
                    vectors[text_hash] = np.asarray(vec, dtype=np.float32)
            offset += len(ids)


def open_store(settings: Settings, embedder: Embedder | None = None) -> ChunkStore:
    """A store over the configured Chroma; raises ``UnavailableError`` if it is unreachable."""
    return ChunkStore(open_client(settings), settings, embedder)
