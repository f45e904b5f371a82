"""The bounded work runner: refusal when full, deadline, and slots held by abandoned work."""

from __future__ import annotations

import asyncio
import threading

import pytest

from api.runner import WorkRunner
from core.errors import OverloadedError, UnavailableError


def test_full_runner_refuses_at_once_and_recovers() -> None:
    async def scenario() -> None:
        runner = WorkRunner(max_concurrent=1, timeout_s=30)
        gate = threading.Event()
        first = asyncio.ensure_future(runner.run(gate.wait, 30))
        await asyncio.sleep(0.05)
        with pytest.raises(OverloadedError) as info:
            await runner.run(lambda: 1)
        assert info.value.status_code == 429
        gate.set()
        assert await first is True
        assert await runner.run(lambda: 2) == 2
        runner.shutdown()

    asyncio.run(scenario())


def test_deadline_gives_503_and_the_slot_stays_taken_until_the_work_ends() -> None:
    async def scenario() -> None:
        runner = WorkRunner(max_concurrent=1, timeout_s=0.2)
        gate = threading.Event()
        with pytest.raises(UnavailableError) as info:
            await runner.run(gate.wait, 30)
        assert info.value.status_code == 503
        assert not isinstance(info.value, OverloadedError)
        # the abandoned thread still runs: its slot is not free yet
        with pytest.raises(OverloadedError):
            await runner.run(lambda: 1)
        gate.set()
        for _ in range(100):
            await asyncio.sleep(0.02)
            try:
                assert await runner.run(lambda: 3) == 3
                break
            except OverloadedError:
                continue
        else:
            pytest.fail("the slot was never released")
        runner.shutdown()

    asyncio.run(scenario())


def test_errors_of_the_work_pass_through() -> None:
    async def scenario() -> None:
        runner = WorkRunner(max_concurrent=2, timeout_s=5)

        def boom() -> None:
            raise UnavailableError("store down")

        with pytest.raises(UnavailableError, match="store down"):
            await runner.run(boom)
        assert await runner.run(lambda: 4) == 4  # the slot came back
        runner.shutdown()

    asyncio.run(scenario())
