"""Command-line gates on metrics: ``--min suggest.pass_rate=0.95``,
``--max latency.end_to_end.p95=500``.

A gate on a metric that is absent (or not a number) is a miss, never a silent pass: a typo in
CI must fail the build, not disable the gate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from core.errors import UserError

Bound = Literal["min", "max"]


@dataclass(frozen=True)
class Threshold:
    metric: str
    bound: Bound
    limit: float

    def describe(self) -> str:
        op = ">=" if self.bound == "min" else "<="
        return f"{self.metric} {op} {self.limit:g}"


@dataclass(frozen=True)
class GateResult:
    threshold: Threshold
    value: float | None

    @property
    def passed(self) -> bool:
        if self.value is None:
            return False
        if self.threshold.bound == "min":
            return self.value >= self.threshold.limit
        return self.value <= self.threshold.limit

    def describe(self) -> str:
        got = "missing" if self.value is None else f"{self.value:g}"
        mark = "ok  " if self.passed else "MISS"
        return f"{mark} {self.threshold.describe()} (got {got})"


def parse_threshold(text: str, bound: Bound) -> Threshold:
    metric, sep, value = text.rpartition("=")
    if not sep or not metric.strip() or metric.rstrip()[-1] in "<>!=":
        raise UserError(f"threshold {text!r} must look like metric.path=NUMBER")
    try:
        limit = float(value)
    except ValueError as exc:
        raise UserError(f"threshold {text!r}: {value!r} is not a number") from exc
    return Threshold(metric.strip(), bound, limit)


def check_thresholds(
    flat: Mapping[str, float], thresholds: Iterable[Threshold]
) -> list[GateResult]:
    return [GateResult(t, flat.get(t.metric)) for t in thresholds]
