"""The static query encoder: model2vec vectors distilled from the built-in e5.

A text is the mean of its tokens' vectors, so encoding costs a tokenizer call and a sum (tens
of microseconds) and is deterministic. Its vectors live in their own space, not e5's: the
passages are embedded by the same encoder (``rag/dense.py`` keeps them in memory per index
generation), and grounding has its own calibrated threshold (``rag/grounding.py``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from core.settings import Settings
from ingest.embedder import Vectors, _clean, _normalised

log = logging.getLogger(__name__)


class StaticEncoder:
    """``embed_queries`` / ``embed_passages`` of the static model (no prefixes: both sides
    are encoded alike). Calls are serialised: model2vec sets the Rust tokenizer's truncation on
    each call, and concurrent calls failed with "Already borrowed" (a call takes ~0.3 ms)."""

    def __init__(self, path: Path) -> None:
        from model2vec import StaticModel

        self._model = StaticModel.from_pretrained(str(path))
        self.dim = int(self._model.dim)
        self.name = f"model2vec:{path.name}"
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        with self._lock:
            raw = self._model.encode(texts, use_multiprocessing=False, max_length=None)
        return _normalised(raw, self.dim)

    def embed_queries(
        self, texts: Sequence[str], cancelled: Callable[[], bool] | None = None
    ) -> Vectors:
        return self._encode(_clean(texts))

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(_clean(texts))


_LOADED: dict[str, StaticEncoder] = {}
_LOAD_LOCK = threading.Lock()


def load_static_encoder(settings: Settings) -> StaticEncoder:
    """The process-wide static encoder, distilled first if it is not built yet."""
    from ingest.static_build import ensure_static_model

    models_dir = settings.models_dir.expanduser().resolve()
    key = str(models_dir)
    with _LOAD_LOCK:
        cached = _LOADED.get(key)
        if cached is not None:
            return cached
        started = time.perf_counter()
        encoder = StaticEncoder(ensure_static_model(models_dir))
        log.info(
            "static query encoder loaded dim=%d seconds=%.2f",
            encoder.dim,
            time.perf_counter() - started,
        )
        _LOADED[key] = encoder
        return encoder
