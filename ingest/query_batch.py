"""Micro-batching of query embeddings: concurrent requests share one encoder call.

The encoders run one call at a time (each call already uses every core), so under load the
requests queue for the model. Instead of one forward pass each, whoever finds the encoder idle
becomes the leader: it waits ``window_s`` for near-simultaneous arrivals, takes every request
then waiting (up to ``max_batch`` texts) and encodes them together; the others wait for their
rows. A lone request with a zero window pays nothing; requests that arrive while a call is
running are batched by the next leader whatever the window.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from core.errors import AgentAssistError

Vectors = NDArray[np.float32]


class QueryCancelled(AgentAssistError):
    """The caller gave the query up before it reached the encoder."""


class _Request:
    __slots__ = ("cancelled", "done", "error", "rows", "texts")

    def __init__(self, texts: list[str], cancelled: Callable[[], bool] | None) -> None:
        self.texts = texts
        self.cancelled = cancelled
        self.rows: Vectors | None = None
        self.error: BaseException | None = None
        self.done = False


class QueryBatcher:
    """``embed(texts)`` → the rows of ``encode(texts)``, sharing calls with concurrent callers."""

    def __init__(
        self, encode: Callable[[list[str]], Vectors], window_s: float, max_batch: int = 32
    ) -> None:
        if window_s < 0 or max_batch < 1:
            raise ValueError("window_s must be >= 0 and max_batch >= 1")
        self._encode = encode
        self._window_s = window_s
        self._max_batch = max_batch
        self._cond = threading.Condition()
        self._pending: list[_Request] = []
        self._busy = False
        #: Encoder calls made, texts encoded, requests skipped as cancelled (for benchmarks
        #: and tests).
        self.calls = 0
        self.texts = 0
        self.skipped = 0

    def embed(self, texts: list[str], cancelled: Callable[[], bool] | None = None) -> Vectors:
        """The rows for ``texts``; ``QueryCancelled`` if ``cancelled()`` turned true while the
        request waited (a query nobody needs any more does not occupy the encoder)."""
        own = _Request(texts, cancelled)
        with self._cond:
            self._pending.append(own)
            while self._busy and not own.done:
                self._cond.wait()
            if not own.done:
                self._busy = True  # this caller leads the next batch
        if not own.done:
            self._lead(own)
        if own.error is not None:
            raise own.error
        assert own.rows is not None
        return own.rows

    def _lead(self, own: _Request) -> None:
        batch: list[_Request] = []
        try:
            if self._window_s > 0:
                time.sleep(self._window_s)
            with self._cond:
                batch = self._take(own)
            joined = [t for req in batch for t in req.texts]
            rows = self._encode(joined) if joined else np.empty((0, 0), np.float32)
            if joined:
                self.calls += 1
                self.texts += len(joined)
            start = 0
            for req in batch:
                req.rows = rows[start : start + len(req.texts)]
                start += len(req.texts)
        except BaseException as exc:  # every request of the batch learns of the failure
            for req in batch or [own]:
                req.error = exc
        finally:
            with self._cond:
                for req in [own, *batch]:
                    req.done = True
                self._busy = False
                self._cond.notify_all()

    def _take(self, own: _Request) -> list[_Request]:
        """The leader's own request first, then waiting ones while they fit in max_batch;
        cancelled ones are answered with ``QueryCancelled`` instead."""
        self._pending.remove(own)
        batch: list[_Request] = []
        size = 0
        keep: list[_Request] = []
        for req in [own, *self._pending]:
            if req.cancelled is not None and req.cancelled():
                req.error = QueryCancelled("query given up")
                req.done = req is not own  # the leader finishes its own in _lead
                self.skipped += 1
            elif req is own or size + len(req.texts) <= self._max_batch:
                batch.append(req)
                size += len(req.texts)
            else:
                keep.append(req)
        self._pending = keep
        return batch
