"""Writing a generation: a new collection, filled, checked, then made live by the pointer.

Nothing the service reads is touched until the final pointer flip, so a crash (or SIGKILL) at any
earlier point leaves the previous generation serving; the half-written collection is dropped by
the next successful ingest.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray

from core.errors import UnavailableError
from ingest.chroma_client import chroma_errors
from ingest.chroma_ef import AgentAssistEmbeddingFunction
from ingest.chunk import Chunk, content_hash
from ingest.generations import drop_stale, flip_pointer, new_collection_name, read_pointer
from ingest.store import (
    META_CHUNKS,
    META_DIGEST,
    META_DIM,
    META_DOC_HASHES,
    META_EMBEDDER,
    TEXT_HASH,
    ChunkStore,
)

log = logging.getLogger(__name__)

#: Records per add call: well under Chroma's batch limit, small enough for steady progress.
WRITE_BATCH = 128
#: A stored vector must come back as its own nearest neighbour at least this close.
SELF_MATCH_MIN = 0.999


def record_metadata(chunk: Chunk) -> dict[str, str | int | float | bool]:
    meta: dict[str, str | int | float | bool] = dict(chunk.to_metadata())
    meta[TEXT_HASH] = content_hash(chunk.text)
    return meta


def write_generation(
    store: ChunkStore,
    chunks: Sequence[Chunk],
    vectors: NDArray[np.float32],
    *,
    embedder_name: str,
    digest: str,
    doc_hashes: dict[str, str],
    on_written: Callable[[int], None] | None = None,
) -> str:
    """Write ``chunks`` with their ``vectors`` as a new generation and make it live."""
    if len(chunks) != vectors.shape[0]:
        raise ValueError("one vector per chunk is required")
    dim = int(vectors.shape[1]) if vectors.ndim == 2 and vectors.shape[0] else 0
    name = new_collection_name(store.base)
    ef = AgentAssistEmbeddingFunction(embedder_name=embedder_name, dim=dim)
    metadata: dict[str, str | int] = {
        META_EMBEDDER: embedder_name,
        META_DIM: dim,
        META_DIGEST: digest,
        META_DOC_HASHES: json.dumps(doc_hashes, sort_keys=True, ensure_ascii=False),
        META_CHUNKS: len(chunks),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with chroma_errors("create collection"):
        collection = store.client.create_collection(
            name,
            configuration={"hnsw": {"space": "cosine"}},
            metadata=metadata,
            embedding_function=ef,
        )
    log.info("generation %s: writing %d chunks", name, len(chunks))
    for start in range(0, len(chunks), WRITE_BATCH):
        batch = chunks[start : start + WRITE_BATCH]
        with chroma_errors("write chunks"):
            collection.add(
                ids=[c.id for c in batch],
                embeddings=vectors[start : start + len(batch)],
                documents=[c.text for c in batch],
                metadatas=[record_metadata(c) for c in batch],
            )
        if on_written is not None:
            on_written(len(batch))
        log.info("generation %s: %d/%d chunks written", name, start + len(batch), len(chunks))
    _verify(collection, chunks, vectors)
    previous = read_pointer(store.client, store.base)
    flip_pointer(store.client, store.base, name)
    keep = {name} | ({previous.active} if previous is not None else set())
    dropped = drop_stale(store.client, store.base, keep)
    log.info("generation %s live; dropped %d old collection(s)", name, len(dropped))
    return name


def _verify(collection: object, chunks: Sequence[Chunk], vectors: NDArray[np.float32]) -> None:
    """Refuse to go live with a collection that lost records or cannot answer a query."""
    with chroma_errors("verify"):
        count = int(collection.count())  # type: ignore[attr-defined]
    if count != len(chunks):
        raise UnavailableError(f"new collection holds {count} of {len(chunks)} chunks")
    if not chunks:
        return
    probes = sorted({0, len(chunks) // 2, len(chunks) - 1})
    with chroma_errors("verify"):
        result = collection.query(  # type: ignore[attr-defined]
            query_embeddings=vectors[probes], n_results=1, include=["distances"]
        )
    for row in result["distances"]:
        if not row or 1.0 - float(row[0]) < SELF_MATCH_MIN:
            raise UnavailableError("new collection does not find its own vectors")
