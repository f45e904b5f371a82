"""The learned fact fallback (rag/fact_model.py): its calibration, and what it adds per question.

    .venv/bin/python benchmarks/bench_fact_model.py --data-dir DIR [--json OUT]

Prints the leave-one-out calibration per fact (threshold, precision, coverage), then runs the
project's and the shared suggestion questions through the pipeline without and with the
fallback, paired per question, each unseen (the embedder's query cache emptied before each
run), and reports end-to-end latency, the fallback stage's latency and the added end-to-end
latency on the questions where it ran, the readings it made, and the replies it changed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.settings import Settings  # noqa: E402
from ingest.embedder import load_embedder  # noqa: E402
from policy_guard.facts import CaseFacts  # noqa: E402
from rag.fact_model import load_fact_model  # noqa: E402
from rag.pipeline import SuggestionPipeline  # noqa: E402
from rag.retriever import build_retriever  # noqa: E402

SOURCES = [REPO / "evals/datasets/suggest.jsonl", REPO.parent / "shared/evals/suggest.jsonl"]


def _questions() -> list[tuple[str, CaseFacts]]:
    out: list[tuple[str, CaseFacts]] = []
    for path in SOURCES:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    item: dict[str, Any] = json.loads(line)
                    case = CaseFacts.model_validate(item.get("case", {}))
                    out.append((item["question"], case))
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 2) if values else 0


def _forget(embedder: Any) -> None:
    cache = getattr(embedder, "_cache", None)
    items = getattr(cache, "_items", None)
    if items is not None:
        items.clear()  # every question unseen, as an agent's new question is


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--dataset", type=Path, nargs="*", default=[], help="more questions")
    args = parser.parse_args()
    SOURCES.extend(args.dataset)
    settings = Settings(data_dir=args.data_dir)
    embedder = load_embedder(settings)
    started = time.perf_counter()
    model = load_fact_model(embedder, settings.models_dir / "fact_model")
    load_s = time.perf_counter() - started
    cal = model.calibration
    print(f"embedder {cal.embedder}  k={cal.k} temperature={cal.temperature}  load {load_s:.1f} s")
    print(f"{'fact':18} {'precision':>9} {'coverage':>8} {'asked':>6} {'stating':>7}  thresholds")
    for fact, c in cal.facts.items():
        t = " ".join(f"{v}:{x:.3f}" for v, x in c.thresholds.items()) or "-"
        print(f"{fact:18} {c.precision:9.3f} {c.coverage:8.3f} {c.examples:6} {c.stating:7}  {t}")

    retriever = build_retriever(settings)
    plain = SuggestionPipeline(settings, retriever)
    learned = SuggestionPipeline(settings, retriever, fact_model=model)
    questions = _questions()
    for question, case in questions[:5]:  # warm-up: Kiwi, Chroma, the encoder
        plain.suggest(question + " 문의", case)
    runs: dict[str, list[Any]] = {"off": [], "on": []}
    for n, (question, case) in enumerate(questions):
        # Paired, alternating which goes first, each on an unseen question: the load of a
        # shared machine drifts, the pair sees the same.
        order = (("off", plain), ("on", learned)) if n % 2 else (("on", learned), ("off", plain))
        for label, pipeline in order:
            _forget(embedder)
            runs[label].append(pipeline.suggest(question, case))
    off, on = runs["off"], runs["on"]
    stage = [s.timings_ms["fact_model"] for s in on if "fact_model" in s.timings_ms]
    added = [
        b.timings_ms["total"] - a.timings_ms["total"]
        for a, b in zip(off, on, strict=True)
        if "fact_model" in b.timings_ms
    ]
    readings = [
        (q, f, r.value, r.confidence)
        for (q, _), s in zip(questions, on, strict=True)
        for f, r in s.provenance.items()
        if r.method == "model"
    ]
    changed = sum(1 for a, b in zip(off, on, strict=True) if a.reply != b.reply)
    report = {
        "questions": len(questions),
        "calibration": cal.as_dict(),
        "end_to_end_ms": {
            label: {
                "p50": _pct([s.timings_ms["total"] for s in runs[label]], 0.5),
                "p95": _pct([s.timings_ms["total"] for s in runs[label]], 0.95),
            }
            for label in runs
        },
        "fallback_ran": len(stage),
        "fallback_ms": {"p50": _pct(stage, 0.5), "p95": _pct(stage, 0.95)},
        "added_end_to_end_ms": {"p50": _pct(added, 0.5), "p95": _pct(added, 0.95)},
        "readings": readings,
        "replies_changed": changed,
    }
    print(json.dumps({k: v for k, v in report.items() if k != "calibration"}, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
