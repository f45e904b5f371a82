"""When can the dense query change a suggestion? BM25-only vs hybrid, question by question.

For every (question, case) of the evaluation sets and the grounding calibration set, runs the
pipeline twice over the same store: with hybrid retrieval (the dense vector awaited) and with
the BM25 ranking alone. Prints how many suggestions differ (reply, grounded, cited chunks,
asked facts), and for the decision rule in ``rag/dense_need.py`` how many questions it sends
to the dense query and whether it catches every difference.

    .venv/bin/python benchmarks/dense_need.py [--data-dir DIR] [--verbose] [--dataset FILE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.settings import Settings  # noqa: E402
from ingest.embedder import load_embedder  # noqa: E402
from ingest.pipeline import ingest_kb  # noqa: E402
from ingest.store import open_store  # noqa: E402
from policy_guard.facts import CaseFacts  # noqa: E402
from rag.contract import Suggestion  # noqa: E402
from rag.dense_need import NEAR_TIE, dense_needed, low_margin, selection_margin  # noqa: E402
from rag.pipeline import SuggestionPipeline  # noqa: E402
from rag.retriever import HybridRetriever  # noqa: E402

SETS = (
    REPO / "evals/datasets/suggest.jsonl",
    REPO / "evals/datasets/retrieval.jsonl",
    REPO.parent / "shared/evals/suggest.jsonl",
    REPO / "evals/datasets/blind/paraphrases.jsonl",
    REPO / "evals/datasets/blind/claims.jsonl",
    REPO / "benchmarks/grounding_labelled.jsonl",
)


def _items(extra: list[Path]) -> list[tuple[str, str, CaseFacts]]:
    out: list[tuple[str, str, CaseFacts]] = []
    seen: set[Path] = set()
    for path in (*SETS, *extra):
        if not path.exists() or path.resolve() in seen:
            continue
        seen.add(path.resolve())
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item: dict[str, Any] = json.loads(line)
                case = CaseFacts.model_validate(item.get("case", {}))
                out.append((path.name, item["question"], case))
    return out


def _outcome(s: Suggestion) -> tuple[object, ...]:
    """What an agent sees decided: the reply, grounded, the situation cited, what to ask.
    (The further citations are the other retrieved chunks of the playbook, in fused order.)"""
    first = s.citations[0].chunk_id if s.citations else None
    return (s.reply, s.grounded, first, tuple(s.ask))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--dataset", nargs="*", type=Path, default=[], help="further JSONL sets")
    args = parser.parse_args()
    tmp = None
    if args.data_dir is None:
        tmp = tempfile.TemporaryDirectory()
        args.data_dir = Path(tmp.name)
    settings = Settings(kb_dir=REPO / "kb", data_dir=args.data_dir)
    if not settings.chroma_dir.exists():
        ingest_kb(settings)
    embedder = load_embedder(settings)
    store = open_store(settings, embedder)
    always = settings.model_copy(update={"dense_wait": "always"})
    hybrid = SuggestionPipeline(always, HybridRetriever(always, store, embedder, "hybrid"))
    sparse = SuggestionPipeline(settings, HybridRetriever(settings, store, embedder, "bm25"))
    items = _items(args.dataset)
    differ = caught = needed = 0
    margins: list[tuple[float, bool, bool]] = []
    by_file: dict[str, list[int]] = {}
    for name, question, case in items:
        a = _outcome(hybrid.suggest(question, case))
        b = _outcome(sparse.suggest(question, case))
        plan = sparse.plan(question, case)
        need = dense_needed(plan.hits, plan.evidence, plan.selection)
        counts = by_file.setdefault(name, [0, 0, 0, 0])
        counts[0] += 1
        counts[2] += need
        needed += need
        ev = plan.evidence
        if a != b:
            differ += 1
            counts[1] += 1
            caught += need
            counts[3] += need
        margins.append((selection_margin(plan.selection), a != b, need))
        if a != b or args.verbose:
            names = ("reply", "grounded", "chosen", "ask")
            parts = [p for p, x, y in zip(names, a, b, strict=True) if x != y]
            print(
                f"{'DIFF' if a != b else 'same'} {name}: {question!r} differs in {parts} "
                f"rule={'dense' if need else 'bm25'} svc_unc={ev.service_uncovered} "
                f"req={ev.request_covered} reason={ev.reason_covered} "
                f"heading={ev.heading_terms} margin_low={low_margin(plan.hits)} "
                f"selection_margin={selection_margin(plan.selection):.3f}"
            )
    for name, (n, d, w, c) in by_file.items():
        print(
            f"{name:28} {n:4} questions, {d:3} differ without dense; "
            f"rule awaits dense for {w:3}, catching {c}/{d}"
        )
    print(
        f"all: {len(items)} questions, {differ} differ without dense; "
        f"rule awaits dense for {needed}, catching {caught}/{differ}"
    )
    for cut in (0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.9, 1.2):
        extra = sum(1 for m, _, need in margins if m < cut and not need)
        missed = sum(1 for m, d, need in margins if d and not need and m >= cut)
        print(f"near-tie margin {cut} instead of {NEAR_TIE}: +{extra} questions, {missed} missed")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
