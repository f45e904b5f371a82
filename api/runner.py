"""Bounded work: every /v1 operation runs on a fixed pool of threads with a deadline.

A request that finds every slot taken is refused at once (429) instead of queueing without
bound; a request that outlives its deadline gets a 503 while its thread finishes in the
background. The slot is released only when the thread really finishes, so abandoned work still
counts against the limit and the number of busy threads can never grow past it.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from core.errors import OverloadedError, UnavailableError

P = ParamSpec("P")
T = TypeVar("T")


class WorkRunner:
    def __init__(self, max_concurrent: int, timeout_s: float) -> None:
        self.max_concurrent = max_concurrent
        self.timeout_s = timeout_s
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._pool = ThreadPoolExecutor(max_workers=max_concurrent, thread_name_prefix="aa-work")

    async def run(
        self,
        fn: Callable[P, T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        return await self.run_within(self.timeout_s, fn, *args, **kwargs)

    async def run_within(
        self,
        timeout_s: float,
        fn: Callable[P, T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        if not self._slots.acquire(blocking=False):
            raise OverloadedError(
                f"too many requests in flight (limit {self.max_concurrent}); retry shortly"
            )
        ctx = contextvars.copy_context()  # keeps the request id for log lines in the thread
        try:
            future: Future[T] = self._pool.submit(lambda: ctx.run(fn, *args, **kwargs))
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _f: self._slots.release())
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout_s)
        except TimeoutError:
            raise UnavailableError(f"the operation did not finish within {timeout_s:g} s") from None

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
