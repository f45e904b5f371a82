"""Soak: many unseen questions against one server, its memory (RSS) sampled as they go.

    .venv/bin/python benchmarks/soak.py [--requests 20000] [--clients 4] [--data-dir DIR]
        [--csv docs/soak_rss.csv] [--png docs/soak_rss.png] [--max-slope 2.0]

Starts ``agent-assist serve`` here (a subprocess on a free loopback port, no LLM, over
``--data-dir`` or a fresh ingest of kb/), sends ``--requests`` POST /v1/suggest with questions
no two alike (``benchmarks/load.py``'s generator), and reads the server's RSS from
``/proc/PID/status`` every ``--sample-every`` requests. Writes the samples as CSV and a PNG plot
and tests for a plateau: the least-squares slope of RSS over the last half of the run, in MiB
per 1,000 requests, must be at most ``--max-slope``. Exit status 1 when it is not.
"""

from __future__ import annotations

import argparse
import csv
import sys
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.load import (  # noqa: E402
    load_bodies,
    own_server,
    pct,
    unseen_bodies,
    wait_healthy,
)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def slope_per_1k(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of RSS (MiB) against requests, per 1,000 requests."""
    n = len(points)
    if n < 2:
        return float("nan")
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    return 1000 * sxy / sxx if sxx else float("nan")


def plot(samples: list[tuple[int, float, float]], png: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4), dpi=100)
    ax.plot([s[0] for s in samples], [s[2] for s in samples], marker=".", linewidth=1)
    ax.set_xlabel("requests answered")
    ax.set_ylabel("server RSS (MiB)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    half = samples[len(samples) // 2]
    ax.axvline(half[0], color="grey", linestyle=":", linewidth=1)
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png)
    plt.close(fig)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--requests", type=int, default=20_000)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--data-dir", type=Path, help="an ingested data dir (default: ingest kb/)")
    ap.add_argument("--sample-every", type=int, default=0, help="default: requests / 40")
    ap.add_argument("--csv", type=Path, default=REPO / "docs" / "soak_rss.csv")
    ap.add_argument("--png", type=Path, default=REPO / "docs" / "soak_rss.png")
    ap.add_argument("--max-slope", type=float, default=2.0, help="MiB per 1,000 requests")
    ap.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the server (e.g. MALLOC_ARENA_MAX=2)",
    )
    args = ap.parse_args()
    total = args.requests
    every = args.sample_every or max(1, total // 40)
    bodies = unseen_bodies(load_bodies(), total)
    extra_env = dict(kv.split("=", 1) for kv in args.env)

    samples: list[tuple[int, float, float]] = []  # (requests done, seconds, RSS MiB)
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(total))
    done = 0

    with own_server(args.data_dir, args.clients, extra_env) as server:
        wait_healthy(server.url)
        started = time.monotonic()
        samples.append((0, 0.0, rss_mib(server.pid)))
        print(f"server pid {server.pid}; RSS at start {samples[0][2]:.0f} MiB", flush=True)

        def client() -> None:
            nonlocal done
            with httpx.Client(base_url=server.url, timeout=60.0) as http:
                while True:
                    with lock:
                        n = next(counter, None)
                    if n is None:
                        return
                    t0 = time.perf_counter()
                    try:
                        status = http.post("/v1/suggest", json=bodies[n]).status_code
                    except httpx.HTTPError:
                        status = 0
                    ms = (time.perf_counter() - t0) * 1000
                    with lock:
                        statuses[status] = statuses.get(status, 0) + 1
                        latencies.append(ms)
                        done += 1
                        if done % every == 0:
                            rss = rss_mib(server.pid)
                            samples.append((done, time.monotonic() - started, rss))
                            print(f"{done:>7} requests  {rss:8.1f} MiB", flush=True)

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - started

    args.csv.parent.mkdir(parents=True, exist_ok=True)
    with args.csv.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["requests", "seconds", "rss_mib"])
        writer.writerows((r, f"{s:.1f}", f"{m:.1f}") for r, s, m in samples)
    second_half = [(r, m) for r, _, m in samples if r >= samples[-1][0] / 2]
    slope = slope_per_1k(second_half)
    title = f"server RSS over {total} unseen questions, {args.clients} clients"
    plot(samples, args.png, title)
    print(f"\n{total} requests in {wall:.0f} s ({total / wall:.1f} req/s); statuses {statuses}")
    print(f"latency ms p50 {pct(latencies, 50):.0f}  p95 {pct(latencies, 95):.0f}")
    rss = [m for _, _, m in samples]
    print(f"RSS MiB start {rss[0]:.0f}, end {rss[-1]:.0f}, max {max(rss):.0f}")
    plateau = slope <= args.max_slope
    print(
        f"slope over the last half: {slope:.2f} MiB per 1,000 requests "
        f"(limit {args.max_slope}): {'plateau' if plateau else 'STILL GROWING'}"
    )
    print(f"wrote {args.csv} and {args.png}")
    return 0 if plateau else 1


if __name__ == "__main__":
    sys.exit(main())
