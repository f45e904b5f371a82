"""Differences between two eval runs (``--compare OLD_DIR``), regressions first.

Whether a change is a regression depends on the metric's direction: rates, hits and MRR should
go up; latencies, error counts and false blocks should go down. Counts that only describe the
dataset (``n``, ``support``) are reported as neutral.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from core.errors import UserError
from evals.metrics import flatten

Direction = Literal["up", "down", "neutral"]
Change = Literal["regression", "improvement", "neutral", "added", "removed"]

_LOWER_IS_BETTER = ("latency", "errors", "false_blocks", ".fp", ".fn", "confusion.fp")
_NEUTRAL_LEAVES = ("n", "n_section", "support", "passed", "tp", "tn", "k", "playbook_cases")
#: Top-level blocks of metrics.json that hold figures (``run`` describes the run itself).
SCORED_BLOCKS = (
    "retrieval",
    "suggest",
    "guard",
    "guard_by_file",
    "guard_mutation_recall",
    "guard_mutation_false_blocks",
    "latency",
)
#: Differences smaller than this are noise (rates are rounded to 4 digits).
EPSILON = 1e-9


class MetricDiff(BaseModel):
    metric: str
    old: float | None
    new: float | None
    delta: float | None
    change: Change


def direction(metric: str) -> Direction:
    leaf = metric.rsplit(".", 1)[-1]
    if leaf in _NEUTRAL_LEAVES or metric.startswith("retrieval.fusion"):
        return "neutral"
    if any(part in metric for part in _LOWER_IS_BETTER):
        return "down"
    return "up"


def load_metrics(run_dir: Path) -> dict[str, Any]:
    path = run_dir / "metrics.json" if run_dir.is_dir() else run_dir
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UserError(f"no metrics.json in {run_dir}") from exc
    except json.JSONDecodeError as exc:
        raise UserError(f"{path} is not valid JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise UserError(f"{path} does not hold a metrics object")
    return data


def compare_metrics(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[MetricDiff]:
    """Changed metrics only, regressions first (largest first), then improvements."""
    a = flatten({k: v for k, v in old.items() if k in SCORED_BLOCKS})
    b = flatten({k: v for k, v in new.items() if k in SCORED_BLOCKS})
    diffs: list[MetricDiff] = []
    for metric in sorted(set(a) | set(b)):
        if metric not in a:
            diffs.append(
                MetricDiff(metric=metric, old=None, new=b[metric], delta=None, change="added")
            )
            continue
        if metric not in b:
            diffs.append(
                MetricDiff(metric=metric, old=a[metric], new=None, delta=None, change="removed")
            )
            continue
        delta = b[metric] - a[metric]
        if abs(delta) <= EPSILON:
            continue
        way = direction(metric)
        change: Change
        if way == "neutral":
            change = "neutral"
        elif (delta > 0) == (way == "up"):
            change = "improvement"
        else:
            change = "regression"
        diffs.append(
            MetricDiff(metric=metric, old=a[metric], new=b[metric], delta=delta, change=change)
        )
    order = {"regression": 0, "improvement": 1, "neutral": 2, "added": 3, "removed": 4}
    # Within a kind, quality figures before latencies (timings move with machine load).
    diffs.sort(key=lambda d: (order[d.change], "latency" in d.metric, -abs(_relative(d))))
    return diffs


def _relative(d: MetricDiff) -> float:
    if d.delta is None or d.old is None:
        return 0.0
    return d.delta / abs(d.old) if d.old else d.delta


def format_diffs(diffs: list[MetricDiff], limit: int = 40) -> str:
    if not diffs:
        return "no metric changed"
    lines = []
    for d in diffs[:limit]:
        old = "-" if d.old is None else f"{d.old:g}"
        new = "-" if d.new is None else f"{d.new:g}"
        delta = "" if d.delta is None else f" ({d.delta:+g})"
        lines.append(f"{d.change:<11} {d.metric}: {old} -> {new}{delta}")
    if len(diffs) > limit:
        lines.append(f"... {len(diffs) - limit} more in compare.json")
    return "\n".join(lines)
