"""Figures from run results: retrieval hit@k / MRR (ablation), suggestion pass rates per check
and section, guard precision / recall per rule, latency percentiles per stage.

Everything here is a pure function of the results, so ``metrics.json`` can be recomputed and
compared without re-running anything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from evals.datasets import GROUP_TAG
from evals.runner import GuardResult, RetrievalResult, SuggestResult
from policy_guard.rule_table import load_rules

#: The rule ids of the rule data, in its order.
RULES: tuple[str, ...] = load_rules().ids
HITS_AT = (1, 3, 5)
#: Pipeline stages reported in this order (the pipeline's ``timings_ms`` keys).
STAGES = ("facts", "fact_model", "retrieval", "selection", "drafting", "guard", "end_to_end")
PLAYBOOK_TAG = "playbook"


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def percentiles(values: Sequence[float]) -> dict[str, float | int]:
    if not values:
        return {"n": 0}
    arr = np.asarray(values, dtype=np.float64)
    return {
        "n": len(values),
        "p50": round(float(np.percentile(arr, 50)), 2),
        "p90": round(float(np.percentile(arr, 90)), 2),
        "p95": round(float(np.percentile(arr, 95)), 2),
        "p99": round(float(np.percentile(arr, 99)), 2),
        "mean": round(float(arr.mean()), 2),
        "max": round(float(arr.max()), 2),
    }


def _rank_figures(ranks: Sequence[int | None], prefix: str) -> dict[str, float | None]:
    n = len(ranks)
    out: dict[str, float | None] = {
        f"{prefix}_hit{k}": _ratio(sum(1 for r in ranks if r is not None and r <= k), n)
        for k in HITS_AT
    }
    out[f"{prefix}_mrr"] = _ratio(sum(1.0 / r for r in ranks if r is not None), n)
    return out


def _retrieval_block(results: Sequence[RetrievalResult]) -> dict[str, Any]:
    ok = [r for r in results if r.error is None]
    block: dict[str, Any] = {"n": len(results), "errors": len(results) - len(ok)}
    block.update(_rank_figures([r.source_rank for r in results], "source"))
    labelled = [r for r in results if r.section_label is not None]
    block["n_section"] = len(labelled)
    block.update(_rank_figures([r.section_rank for r in labelled], "section"))
    return block


def retrieval_metrics(
    results: Sequence[RetrievalResult], fusion: Mapping[str, Any]
) -> dict[str, Any]:
    by_mode: dict[str, list[RetrievalResult]] = defaultdict(list)
    for r in results:
        by_mode[r.mode].append(r)
    out: dict[str, Any] = {"fusion": dict(fusion), "k": max(HITS_AT)}
    for mode, rows in by_mode.items():
        block = _retrieval_block(rows)
        by_source: dict[str, list[RetrievalResult]] = defaultdict(list)
        by_section: dict[str, list[RetrievalResult]] = defaultdict(list)
        for r in rows:
            by_source[r.source].append(r)
            if r.section_label is not None:
                by_section[r.section_label].append(r)
        block["by_source"] = {k: _retrieval_block(v) for k, v in sorted(by_source.items())}
        block["by_section"] = {k: _retrieval_block(v) for k, v in sorted(by_section.items())}
        block["latency_ms"] = percentiles([r.latency_ms for r in rows if r.error is None])
        out[mode] = block
    return out


def _pass_block(results: Sequence[SuggestResult]) -> dict[str, Any]:
    return {
        "n": len(results),
        "passed": sum(r.passed for r in results),
        "pass_rate": _ratio(sum(r.passed for r in results), len(results)),
    }


def suggest_metrics(results: Sequence[SuggestResult]) -> dict[str, Any]:
    out: dict[str, Any] = _pass_block(results)
    out["errors"] = sum(r.error is not None for r in results)
    checks: dict[str, list[bool]] = defaultdict(list)
    for r in results:
        for c in r.checks:
            checks[c.name].append(c.passed)
    out["checks"] = {
        name: {"n": len(v), "passed": sum(v), "pass_rate": _ratio(sum(v), len(v))}
        for name, v in sorted(checks.items())
    }
    for name, block in out["checks"].items():
        out[f"{name}_rate"] = block["pass_rate"]
    by_section: dict[str, list[SuggestResult]] = defaultdict(list)
    by_tag: dict[str, list[SuggestResult]] = defaultdict(list)
    for r in results:
        by_section[r.section_label or "(none)"].append(r)
        for tag in r.tags:
            by_tag[tag].append(r)
    out["by_section"] = {k: _pass_block(v) for k, v in sorted(by_section.items())}
    out["by_tag"] = {
        k: _pass_block(v) for k, v in sorted(by_tag.items()) if not k.startswith(GROUP_TAG)
    }
    out["consistency"] = consistency(results)
    return out


def consistency(results: Sequence[SuggestResult]) -> dict[str, Any]:
    """pass^k over paraphrase groups: a situation counts only if every phrasing of it passed."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for r in results:
        for tag in r.tags:
            if tag.startswith(GROUP_TAG):
                groups[tag.removeprefix(GROUP_TAG)].append(r.passed)
    failing = sorted(g for g, v in groups.items() if not all(v))
    return {
        "groups": len(groups),
        "all_passed": len(groups) - len(failing),
        "pass_k": _ratio(len(groups) - len(failing), len(groups)),
        "failing_groups": failing,
    }


def guard_metrics(results: Sequence[GuardResult]) -> dict[str, Any]:
    """Blocking is the positive class: recall = blocked drafts caught, precision = blocks
    that were right. Per rule the same, on the rule ids."""
    done = [r for r in results if r.got_allowed is not None]
    tp = sum(1 for r in done if not r.want_allowed and not r.got_allowed)
    fp = sum(1 for r in done if r.want_allowed and not r.got_allowed)
    fn = sum(1 for r in done if not r.want_allowed and r.got_allowed)
    tn = sum(1 for r in done if r.want_allowed and r.got_allowed)
    out: dict[str, Any] = {
        "n": len(results),
        "errors": len(results) - len(done),
        "accuracy": _ratio(tp + tn, len(results)),
        "exact_rate": _ratio(sum(r.passed for r in results), len(results)),
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
    }
    per_rule: dict[str, Any] = {}
    for rule in RULES:
        r_tp = sum(1 for r in done if rule in r.want_rules and rule in r.got_rules)
        r_fp = sum(1 for r in done if rule not in r.want_rules and rule in r.got_rules)
        r_fn = sum(1 for r in done if rule in r.want_rules and rule not in r.got_rules)
        per_rule[rule] = {
            "support": sum(1 for r in results if rule in r.want_rules),
            "tp": r_tp,
            "fp": r_fp,
            "fn": r_fn,
            "precision": _ratio(r_tp, r_tp + r_fp),
            "recall": _ratio(r_tp, r_tp + r_fn),
        }
    out["per_rule"] = per_rule
    playbook = [r for r in results if PLAYBOOK_TAG in r.tags]
    must_pass = [r for r in results if r.want_allowed]
    out["playbook_cases"] = len(playbook)
    out["playbook_false_blocks"] = sum(1 for r in playbook if r.got_allowed is False)
    out["false_blocks"] = sum(1 for r in must_pass if r.got_allowed is False)
    out["latency_ms"] = percentiles([r.latency_ms for r in done])
    return out


def latency_metrics(results: Iterable[SuggestResult]) -> dict[str, Any]:
    per_stage: dict[str, list[float]] = defaultdict(list)
    for r in results:
        for stage, ms in r.timings_ms.items():
            per_stage[stage].append(ms)
    ordered = [s for s in STAGES if s in per_stage] + sorted(set(per_stage) - set(STAGES))
    return {stage: percentiles(per_stage[stage]) for stage in ordered}


def flatten(metrics: Mapping[str, Any], prefix: str = "") -> dict[str, float]:
    """Numeric leaves by dotted path (``retrieval.hybrid.source_hit1``), for thresholds and
    comparisons."""
    out: dict[str, float] = {}
    for key, value in metrics.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, path + "."))
        elif isinstance(value, bool | int | float):
            out[path] = float(value)
    return out
