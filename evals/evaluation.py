"""One evaluation run end to end: cases in, ``metrics.json``, ``results.jsonl`` and
``report.html`` out, with optional threshold gates and a comparison to an earlier run.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from core.settings import Settings
from evals.chats import ChatResult, chat_metrics, render_chat_section, run_chats, run_pasted
from evals.compare import MetricDiff, compare_metrics, load_metrics
from evals.datasets import Dataset
from evals.evaluators import GuardFn
from evals.metrics import (
    flatten,
    guard_metrics,
    latency_metrics,
    retrieval_metrics,
    suggest_metrics,
)
from evals.report import render_report
from evals.runner import (
    GuardResult,
    RetrievalResult,
    SuggestPipeline,
    SuggestResult,
    run_guard,
    run_retrieval,
    run_suggest,
)
from evals.thresholds import GateResult, Threshold, check_thresholds

DEFAULT_MODES = ("hybrid", "bm25", "dense")


@dataclass
class EvalOutcome:
    metrics: dict[str, Any]
    gates: list[GateResult]
    diffs: list[MetricDiff] | None
    out_dir: Path

    @property
    def passed(self) -> bool:
        return all(g.passed for g in self.gates)


def load_guard() -> GuardFn:
    """``policy_guard.check``, resolved at run time (the guard package exports it)."""
    module = importlib.import_module("policy_guard")
    return cast(GuardFn, module.check)


def guard_file_metrics(dataset: Dataset, results: Sequence[GuardResult]) -> dict[str, Any]:
    """The guard figures of each guard file on its own (``guard_by_file.<file stem>``): a set
    written by someone who has not seen the code is read apart from the rest."""
    files: dict[str, set[str]] = {}
    for case in dataset.guard:
        stem = Path(case.origin.rsplit(":", 1)[0]).stem if case.origin else ""
        files.setdefault(stem, set()).add(case.id)
    if len(files) < 2:
        return {}
    by_file: dict[str, Any] = {}
    for stem, ids in sorted(files.items()):
        m = guard_metrics([r for r in results if r.id in ids])
        keys = ("n", "precision", "recall", "exact_rate", "false_blocks", "confusion")
        by_file[stem] = {k: m[k] for k in keys}
    return {"guard_by_file": by_file}


def load_pipeline(settings: Settings) -> SuggestPipeline:
    module = importlib.import_module("rag.pipeline")
    build = cast(Callable[[Settings], SuggestPipeline], module.build_pipeline)
    return build(settings)


def run_info(settings: Settings, dataset: Dataset, seconds: float) -> dict[str, Any]:
    """What the figures were measured on (no secrets, no personal data)."""
    return {
        "finished_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "seconds": round(seconds, 1),
        # Latencies depend on what else runs on the machine: recorded next to them.
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count() or 0,
        "datasets": ", ".join(Path(f).name for f in dataset.files),
        "suggest_cases": len(dataset.suggest),
        "guard_cases": len(dataset.guard),
        "retrieval_cases": len(dataset.retrieval_cases()),
        "chat_cases": len(dataset.chats),
        "kb_dir": str(settings.kb_dir),
        "embedding_backend": settings.embedding_backend,
        "embedding_model": settings.embedding_model,
        "llm_provider": settings.llm_provider,
        "rrf_k": settings.rrf_k,
        "bm25_weight": settings.bm25_weight,
        "dense_weight": settings.dense_weight,
    }


def failures(
    suggest: Sequence[SuggestResult], guard: Sequence[GuardResult]
) -> list[dict[str, str]]:
    out = [
        {
            "kind": "suggest",
            "id": r.id,
            "why": r.error or "; ".join(f"{c.name}: {c.reason}" for c in r.checks if not c.passed),
        }
        for r in suggest
        if not r.passed
    ]
    out += [
        {
            "kind": "guard",
            "id": r.id,
            "why": r.error or "; ".join(c.reason for c in r.checks if not c.passed),
        }
        for r in guard
        if not r.passed
    ]
    return out


def write_results(
    path: Path,
    suggest: Sequence[SuggestResult],
    guard: Sequence[GuardResult],
    retrieval: Sequence[RetrievalResult],
) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for kind, rows in (("suggest", suggest), ("guard", guard), ("retrieval", retrieval)):
            for row in rows:
                record = {"kind": kind, **row.model_dump(mode="json")}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_compare_plot(path: Path, diffs: Sequence[MetricDiff], top: int = 30) -> None:
    """The largest quality changes as a PNG next to compare.json (latencies left out)."""
    from evals.plots import deltas_chart

    shown = [
        d
        for d in diffs
        if d.delta is not None
        and d.change in ("regression", "improvement")
        and "latency" not in d.metric
    ][:top]
    if shown:
        png = deltas_chart(
            [d.metric for d in shown],
            [d.delta or 0.0 for d in shown],
            [d.change == "regression" for d in shown],
        )
        path.write_bytes(base64.b64decode(png))


def evaluate(
    settings: Settings,
    dataset: Dataset,
    out_dir: Path,
    modes: Sequence[str] = DEFAULT_MODES,
    thresholds: Sequence[Threshold] = (),
    compare_dir: Path | None = None,
    progress: bool = False,
    mutations: str = "pairs",
) -> EvalOutcome:
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    old = load_metrics(compare_dir) if compare_dir is not None else None
    guard = load_guard()

    # The pipeline runs first, one question at a time, so its end-to-end latencies include
    # embedding each new question. The ablation then embeds its questions in batches (the
    # embedder caches query vectors): its per-mode latencies are retrieval without the model.
    suggest_results: list[SuggestResult] = []
    if dataset.suggest:
        pipeline = load_pipeline(settings)
        suggest_results = run_suggest(pipeline, dataset.suggest, guard, progress=progress)
    retrieval_results: list[RetrievalResult] = []
    retrieval_cases = dataset.retrieval_cases()
    if retrieval_cases and modes:
        from ingest.embedder import load_embedder
        from rag.retriever import build_retriever

        retriever = build_retriever(settings)
        embedder = load_embedder(settings)  # the retriever's own (one per process)
        retrieval_results = run_retrieval(
            retriever, retrieval_cases, modes, progress=progress, prepare=embedder.embed_queries
        )
    guard_results = run_guard(dataset.guard, guard, progress=progress)
    chat_results: list[ChatResult] = []
    if dataset.chats:
        from rag.conversation.assist import ConversationAssistant
        from rag.pipeline import build_pipeline

        chat_pipeline = build_pipeline(settings)
        chat_results = run_chats(ConversationAssistant(chat_pipeline), dataset.chats)
        pasted = run_pasted(chat_pipeline, dataset.chats)

    metrics: dict[str, Any] = {
        "run": run_info(settings, dataset, time.perf_counter() - started),
        "retrieval": retrieval_metrics(
            retrieval_results,
            {
                "rrf_k": settings.rrf_k,
                "bm25_weight": settings.bm25_weight,
                "dense_weight": settings.dense_weight,
            },
        ),
        "suggest": suggest_metrics(suggest_results),
        "guard": guard_metrics(guard_results),
        "latency": latency_metrics(suggest_results),
    }
    if chat_results:
        metrics["chats"] = {**chat_metrics(chat_results), "pasted_into_ask": pasted}
    metrics.update(guard_file_metrics(dataset, guard_results))
    if mutations != "off" and dataset.guard:
        from evals.mutations import mutation_metrics

        block = mutation_metrics(dataset.guard, guard, pairs=mutations == "pairs")
        metrics["guard_mutation"] = block
        metrics["guard_mutation_recall"] = block["recall"]
        metrics["guard_mutation_false_blocks"] = block["false_blocks"]
    flat = flatten({k: v for k, v in metrics.items() if k != "run"})
    gates = check_thresholds(flat, thresholds)
    diffs = compare_metrics(old, metrics) if old is not None else None
    metrics["failures"] = failures(suggest_results, guard_results)
    metrics["gates"] = [
        {"gate": g.threshold.describe(), "value": g.value, "passed": g.passed} for g in gates
    ]

    (out_dir / "metrics.json").write_text(
        json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    write_results(out_dir / "results.jsonl", suggest_results, guard_results, retrieval_results)
    if diffs is not None:
        (out_dir / "compare.json").write_text(
            json.dumps([d.model_dump() for d in diffs], ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
        write_compare_plot(out_dir / "compare.png", diffs)
    html = render_report(metrics, suggest_results, guard_results, retrieval_results, gates, diffs)
    if chat_results:
        section = render_chat_section(metrics["chats"], chat_results)
        html = html.replace("</body>", section + "</body>", 1)
        (out_dir / "chats.jsonl").write_text(
            "".join(r.model_dump_json() + "\n" for r in chat_results), encoding="utf-8"
        )
    (out_dir / "report.html").write_text(html, encoding="utf-8")
    return EvalOutcome(metrics=metrics, gates=gates, diffs=diffs, out_dir=out_dir)
