"""What the service loads once: the suggestion pipeline, its retriever and the store handle.

Loading (embedding model, BM25 index, store) takes seconds, so it runs on a background thread
started by the app's lifespan: the server accepts connections at once, ``/healthz`` answers 503
until everything is loaded, and a failed load (store down at start) is retried with a back-off
instead of leaving a dead process behind.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection
from datetime import date
from typing import Any, Literal, Protocol

from core.errors import IndexNotReadyError, UnavailableError
from core.settings import Settings
from policy_guard.facts import CaseFacts
from rag.contract import Hit, Suggestion

log = logging.getLogger("agent_assist.runtime")

LoadState = Literal["loading", "ready", "failed"]


class Pipeline(Protocol):
    def suggest(
        self,
        question: str,
        case: CaseFacts | None = None,
        today: date | None = None,
        confirmed: Collection[str] = (),
    ) -> Suggestion: ...


class Retriever(Protocol):
    def search(self, question: str, k: int) -> list[Hit]: ...


class Store(Protocol):
    def heartbeat(self) -> Any: ...

    def generation(self) -> str: ...


def _load_parts(settings: Settings) -> tuple[Pipeline, Retriever, Store]:
    # Imported here: importing rag/ingest pulls in torch and Chroma, which the guard-only
    # parts of the service (and the CLI's --help) do not need.
    from ingest.store import open_store
    from rag.pipeline import build_pipeline
    from rag.retriever import build_retriever

    pipeline = build_pipeline(settings)
    retriever: Retriever | None = getattr(pipeline, "retriever", None)
    if retriever is None:
        retriever = build_retriever(settings)
    store: Store | None = getattr(retriever, "store", None)
    if store is None:
        store = open_store(settings)
    # Loaded means answerable: before the first ingest this raises IndexNotReadyError, and the
    # service stays "not ready" (retrying) instead of reporting healthy over an empty index.
    store.generation()
    return pipeline, retriever, store


class ServiceRuntime:
    def __init__(self, settings: Settings, retry_s: float = 5.0) -> None:
        self.settings = settings
        self.retry_s = retry_s
        self.state: LoadState = "loading"
        self.error: str | None = None
        self.load_ms: float | None = None
        self._pipeline: Pipeline | None = None
        self._retriever: Retriever | None = None
        self._store: Store | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._load_until_ready, name="aa-load", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _load_until_ready(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            try:
                pipeline, retriever, store = _load_parts(self.settings)
            except Exception as exc:  # any failure: report it, keep the server up, retry
                self.state = "failed"
                # Only the type is kept: the message may name hosts and paths.
                self.error = type(exc).__name__
                log.warning("load failed error=%s retry_s=%.1f", type(exc).__name__, self.retry_s)
                self._stop.wait(self.retry_s)
                continue
            self._pipeline, self._retriever, self._store = pipeline, retriever, store
            self.load_ms = (time.perf_counter() - started) * 1000
            self.state, self.error = "ready", None
            log.info("loaded ms=%.0f", self.load_ms)
            return

    @property
    def ready(self) -> bool:
        return self.state == "ready"

    def _not_ready(self) -> UnavailableError:
        if self.state == "loading":
            return IndexNotReadyError("the index and model are still loading; retry shortly")
        return IndexNotReadyError(f"the index could not be loaded ({self.error}); retrying")

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            raise self._not_ready()
        return self._pipeline

    @property
    def retriever(self) -> Retriever:
        if self._retriever is None:
            raise self._not_ready()
        return self._retriever

    @property
    def store(self) -> Store:
        if self._store is None:
            raise self._not_ready()
        return self._store
