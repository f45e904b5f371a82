"""Load on POST /v1/suggest: throughput, latency percentiles, errors; then an overload burst.

    .venv/bin/python benchmarks/load.py [--url http://127.0.0.1:PORT] [--data-dir DIR]
        [--mode unseen|repeated] [--clients 8] [--requests 400] [--duration 60]
        [--overload-clients 48]

``--mode unseen`` (the default) sends every request a question the server has not seen: the
labelled questions (the project's and the shared suggest sets), each varied with a day, an
item, an opening and a closing phrase, no two identical, so no per-question cache helps.
``--mode repeated`` cycles over the labelled questions as they are (the cached case).

Without ``--url`` the service is started here (``agent-assist serve`` in a subprocess) on a free
loopback port, over ``--data-dir`` (default: kb/ ingested into a temporary directory) with no
LLM and ``max_concurrent_requests`` = ``--max-concurrent``. Loopback targets only, and every
phase is bounded by a request count and a time limit. Case facts come with each labelled
question.

Phase 1 (``--clients`` closed-loop clients) is the capacity figure: target 0 errors and
p95 <= 300 ms without an LLM. Phase 2 sends ``--overload-clients`` clients at once, beyond the
concurrency limit: the excess must be refused quickly (429) rather than queued.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

SUGGEST_SETS = [
    REPO / "evals" / "datasets" / "suggest.jsonl",
    REPO.parent / "shared" / "evals" / "suggest.jsonl",
]
BUILTIN = [
    {"question": "펫 5일 전 운행완료 건인데 기사 번호 알려달래요", "case": {"service": "pet"}},
    {"question": "대리 이용내역서 다른 이메일로 받을 수 있나요", "case": {"service": "daeri"}},
    {"question": "어제 펫 탔는데 차량번호 알려주세요", "case": {}},
]
# Variations an agent's question really carries: when, what, and the way it is put.
OPENINGS = [
    "",
    "고객님 문의인데요 ",
    "상담 중인데 ",
    "급한 건이에요. ",
    "확인 부탁드려요, ",
    "채팅 문의: ",
]
DAYS = [
    "",
    "오늘 ",
    "어제 ",
    "그저께 ",
    "3일 전에 ",
    "지난주 ",
    "일주일 전쯤 ",
    "한 달 전에 ",
    "방금 ",
]
ITEMS = [
    "",
    " 지갑 때문에",
    " 휴대폰 두고 내려서",
    " 우산 관련",
    " 영수증 때문에",
    " 회사 제출용으로",
]
CLOSINGS = ["", " 어떻게 안내하죠?", " 가능한가요?", " 답변 부탁드립니다", "요", " 방법 알려주세요"]


def load_bodies() -> list[dict[str, object]]:
    """The labelled questions with their case facts, each once."""
    bodies: list[dict[str, object]] = []
    seen: set[str] = set()
    for path in SUGGEST_SETS:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                if rec["question"] not in seen:
                    seen.add(rec["question"])
                    bodies.append({"question": rec["question"], "case": rec.get("case") or {}})
    return bodies or BUILTIN


def unseen_bodies(
    labelled: list[dict[str, object]], n: int, seed: int = 7
) -> list[dict[str, object]]:
    """``n`` bodies whose questions are all different (and differ from the labelled ones)."""
    rng = random.Random(seed)
    out: list[dict[str, object]] = []
    used = {str(b["question"]) for b in labelled}
    variants = len(OPENINGS) * len(DAYS) * len(ITEMS) * len(CLOSINGS)
    if n > len(labelled) * (variants - 1):
        raise SystemExit(f"at most {len(labelled) * (variants - 1)} distinct questions")
    while len(out) < n:
        base = rng.choice(labelled)
        q = str(base["question"]).rstrip(" ?.")
        text = (
            f"{rng.choice(OPENINGS)}{rng.choice(DAYS)}{q}{rng.choice(ITEMS)}{rng.choice(CLOSINGS)}"
        )
        text = " ".join(text.split())
        if text in used:
            continue
        used.add(text)
        out.append({"question": text, "case": base["case"]})
    return out


def require_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    addrs = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addrs or not all(ipaddress.ip_address(a).is_loopback for a in addrs):
        raise SystemExit(f"refusing to load-test {host!r}: loopback targets only")


@dataclass
class Phase:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    refused_ms: list[float] = field(default_factory=list)  # 429/503 answers
    transport_errors: int = 0
    wall_s: float = 0.0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def run_phase(
    url: str,
    headers: dict[str, str],
    bodies: list[dict[str, object]],
    clients: int,
    total: int,
    duration_s: float,
) -> Phase:
    phase = Phase()
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.monotonic() + duration_s
    start_gate = threading.Barrier(clients)

    def client() -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=60.0) as http:
            start_gate.wait()
            while time.monotonic() < deadline:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                started = time.perf_counter()
                try:
                    resp = http.post("/v1/suggest", json=bodies[n % len(bodies)])
                except httpx.HTTPError:
                    with lock:
                        phase.transport_errors += 1
                    continue
                ms = (time.perf_counter() - started) * 1000
                with lock:
                    phase.statuses[resp.status_code] += 1
                    if resp.status_code == 200:
                        phase.latencies_ms.append(ms)
                    elif resp.status_code in (429, 503):
                        phase.refused_ms.append(ms)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.wall_s = time.perf_counter() - started
    return phase


def report(name: str, clients: int, phase: Phase) -> None:
    done = sum(phase.statuses.values())
    errors = done - phase.statuses.get(200, 0) + phase.transport_errors
    lat = phase.latencies_ms
    print(f"\n== {name}: {clients} clients, {done} answers in {phase.wall_s:.1f} s")
    print(f"throughput      {done / phase.wall_s:.1f} req/s ({len(lat) / phase.wall_s:.1f} ok/s)")
    print(f"statuses        {dict(sorted(phase.statuses.items()))}")
    print(f"errors          {errors} (non-200 answers + {phase.transport_errors} transport)")
    if lat:
        print(
            f"latency 200 ms  p50 {pct(lat, 50):.1f}  p95 {pct(lat, 95):.1f}  "
            f"p99 {pct(lat, 99):.1f}  max {max(lat):.1f}  mean {statistics.fmean(lat):.1f}"
        )
    if phase.refused_ms:
        r = phase.refused_ms
        print(f"refused ms      p50 {pct(r, 50):.1f}  p95 {pct(r, 95):.1f}  (429/503 answers)")


@dataclass
class OwnServer:
    url: str
    pid: int


@contextmanager
def own_server(
    data_dir: Path | None, max_concurrent: int, extra_env: dict[str, str] | None = None
) -> Iterator[OwnServer]:
    """``agent-assist serve`` in a subprocess (so the clients here do not share its GIL)."""
    from core.settings import Settings
    from ingest.pipeline import ingest_kb

    with tempfile.TemporaryDirectory(prefix="aa-load-") as tmp:
        models = REPO / ".data" / "models"
        if data_dir is None:
            data_dir = Path(tmp) / "data"
            print("ingesting kb/ into a temporary data dir …", flush=True)
            ingest_kb(Settings(kb_dir=REPO / "kb", data_dir=data_dir, model_cache_dir=models))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        # The caller's store settings pass through (AGENT_ASSIST_CHROMA_MODE=http and its
        # host/port measure the client/server mode); everything else is set here.
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("AGENT_ASSIST_") or k.startswith("AGENT_ASSIST_CHROMA_")
        }
        env.update(
            AGENT_ASSIST_KB_DIR=str(REPO / "kb"),
            AGENT_ASSIST_DATA_DIR=str(data_dir),
            AGENT_ASSIST_MODEL_CACHE_DIR=str(models),
            AGENT_ASSIST_MAX_CONCURRENT_REQUESTS=str(max_concurrent),
            AGENT_ASSIST_LLM_PROVIDER="none",
        )
        env.update(extra_env or {})
        log_path = Path(tmp) / "serve.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            yield OwnServer(f"http://127.0.0.1:{port}", proc.pid)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)


def wait_healthy(url: str, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"{url}/healthz never answered 200")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--url", help="a running service (loopback only); default: start one here")
    ap.add_argument("--data-dir", type=Path, help="an ingested data dir for the own server")
    ap.add_argument("--api-key", default=os.environ.get("AGENT_ASSIST_LOAD_KEY"))
    ap.add_argument("--mode", choices=["unseen", "repeated"], default="unseen")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=400, help="phase 1 request count (cap 5000)")
    ap.add_argument("--duration", type=float, default=60.0, help="per-phase limit, s (cap 300)")
    ap.add_argument("--max-concurrent", type=int, default=8, help="own server's limit")
    ap.add_argument("--overload-clients", type=int, default=48, help="0 skips phase 2 (cap 256)")
    args = ap.parse_args()
    total = min(args.requests, 5000)
    duration = min(args.duration, 300.0)
    headers = {"Authorization": f"Bearer {args.api_key}"} if args.api_key else {}
    labelled = load_bodies()
    n_burst = min(args.overload_clients, 256)
    if args.mode == "unseen":
        fresh = unseen_bodies(labelled, total + n_burst * 4)
        bodies, burst_bodies = fresh[:total], fresh[total:]
    else:
        bodies = burst_bodies = labelled

    def run(url: str) -> None:
        require_loopback(url)
        wait_healthy(url)
        # Warm the model and index on the labelled questions; in "unseen" mode none of them
        # is measured afterwards.
        run_phase(url, headers, labelled, 2, 2 * len(labelled), duration)
        distinct = len({str(b["question"]) for b in bodies})
        print(f"target {url}; mode {args.mode}: {distinct} distinct questions for {total} requests")
        print("no LLM unless the server has one")
        phase = run_phase(url, headers, bodies, args.clients, total, duration)
        report("capacity", args.clients, phase)
        if n_burst > 0:
            burst = run_phase(url, headers, burst_bodies, n_burst, n_burst * 4, duration)
            report("overload burst", n_burst, burst)

    if args.url:
        run(args.url.rstrip("/"))
    else:
        with own_server(args.data_dir, args.max_concurrent) as server:
            run(server.url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
