"""``agent-assist eval``: run labelled cases through the retriever, the pipeline and the guard.

    agent-assist eval --out DIR [--dataset FILE ...] [--compare OLD_DIR]
                      [--min METRIC=VALUE ...] [--max METRIC=VALUE ...]

Writes DIR/metrics.json, DIR/results.jsonl and a self-contained DIR/report.html. Without
--dataset the project's sets in evals/datasets/ are used. Metric paths are the dotted keys of
metrics.json, e.g. suggest.pass_rate, guard.recall, guard.playbook_false_blocks,
guard_mutation_recall, guard_mutation_false_blocks, retrieval.hybrid.source_hit1,
latency.end_to_end.p95. Exit status: 0 when every gate passes,
1 when one is missed (or names a metric that does not exist), 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

_MODES = ("bm25", "dense", "hybrid")


def register(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "eval",
        help="evaluate retrieval, suggestions and the guard on labelled cases",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--dataset", nargs="+", type=Path, metavar="FILE", help="JSONL / YAML cases")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="output directory")
    p.add_argument("--compare", type=Path, metavar="OLD_DIR", help="an earlier run to diff")
    p.add_argument(
        "--min", action="append", default=[], metavar="METRIC=VALUE", help="fail below VALUE"
    )
    p.add_argument(
        "--max", action="append", default=[], metavar="METRIC=VALUE", help="fail above VALUE"
    )
    p.add_argument(
        "--modes",
        default=",".join(_MODES),
        help="retrieval modes for the ablation, comma-separated ('' skips retrieval)",
    )
    p.add_argument(
        "--mutations",
        choices=("pairs", "single", "off"),
        default="pairs",
        help="guard mutation fuzzing: every obfuscation alone and in pairs (default), alone, off",
    )
    p.add_argument("--no-ingest", action="store_true", help="do not sync the index with kb/ first")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.errors import UserError
    from core.settings import get_settings
    from evals.compare import format_diffs
    from evals.datasets import default_dataset_paths, load_datasets
    from evals.evaluation import evaluate
    from evals.thresholds import parse_threshold

    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in _MODES]
    if unknown:
        raise UserError(f"unknown retrieval mode(s) {', '.join(unknown)}; use {', '.join(_MODES)}")
    thresholds = [parse_threshold(t, "min") for t in args.min]
    thresholds += [parse_threshold(t, "max") for t in args.max]
    dataset = load_datasets(args.dataset or default_dataset_paths())
    settings = get_settings()
    progress = not args.no_progress and sys.stderr.isatty()
    if not args.no_ingest:
        from ingest.pipeline import ingest_kb

        ingest_kb(settings, progress=progress)
    outcome = evaluate(
        settings,
        dataset,
        args.out,
        modes=modes,
        thresholds=thresholds,
        compare_dir=args.compare,
        progress=progress,
        mutations=args.mutations,
    )
    print(summary(outcome.metrics))
    if outcome.diffs is not None:
        print("\nchanges vs", args.compare)
        print(format_diffs(outcome.diffs))
    for gate in outcome.gates:
        print(gate.describe())
    print(f"\nreport: {outcome.out_dir / 'report.html'}")
    return 0 if outcome.passed else 1


def summary(metrics: dict[str, Any]) -> str:
    """A few headline figures for the terminal; everything else is in the report."""
    lines = []
    for mode in _MODES:
        block = metrics["retrieval"].get(mode)
        if block:
            lines.append(
                f"retrieval {mode:<6} source hit@1 {block['source_hit1']}  "
                f"section hit@1 {block['section_hit1']}  section MRR {block['section_mrr']}"
            )
    s = metrics["suggest"]
    if s.get("n"):
        checks = "  ".join(f"{k} {v['pass_rate']}" for k, v in s["checks"].items())
        lines.append(f"suggest pass rate {s['pass_rate']} ({s['passed']}/{s['n']})  {checks}")
    g = metrics["guard"]
    if g.get("n"):
        lines.append(
            f"guard precision {g['precision']} recall {g['recall']} exact {g['exact_rate']} "
            f"playbook false blocks {g['playbook_false_blocks']}/{g['playbook_cases']}"
        )
    if metrics.get("guard_mutation"):
        mu = metrics["guard_mutation"]
        lines.append(
            f"guard mutation recall {mu['recall']} ({mu['caught']}/{mu['trials']})  "
            f"false blocks {mu['false_blocks']}/{mu['safe_trials']}"
        )
    e2e = metrics["latency"].get("end_to_end")
    if e2e and e2e.get("n"):
        lines.append(f"end-to-end ms p50 {e2e['p50']} p95 {e2e['p95']}")
    return "\n".join(lines)
