"""Calibrate the grounding decision on a labelled set of covered and off-topic questions.

Prints each question's evidence (service coverage, request coverage, best dense cosine, best
BM25 score, matched conditions), which rule decided it, the confusion counts, and the dense
cosines that bound the threshold for the questions no rule decides (the margin).

    .venv/bin/python benchmarks/calibrate_grounding.py [--data-dir DIR] [--labelled FILE]
        [--query-encoder static|e5] [--models-dir DIR]

The threshold in use is the query encoder's own (``rag.grounding.DENSE_THRESHOLDS``): each
encoder's cosines live on their own scale, so each is calibrated here on its own.

With no ``--data-dir`` the knowledge base is ingested into a temporary directory first.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.settings import Settings  # noqa: E402
from ingest.pipeline import ingest_kb  # noqa: E402
from rag.grounding import MIN_HEADING_TERMS, dense_threshold_for  # noqa: E402
from rag.pipeline import build_pipeline  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument(
        "--labelled", type=Path, default=REPO / "benchmarks/grounding_labelled.jsonl"
    )
    parser.add_argument("--query-encoder", choices=("static", "e5"), default=None)
    parser.add_argument("--models-dir", type=Path, default=REPO / ".data/models")
    args = parser.parse_args()
    tmp = None
    if args.data_dir is None:
        tmp = tempfile.TemporaryDirectory()
        args.data_dir = Path(tmp.name)
    settings = Settings(kb_dir=REPO / "kb", data_dir=args.data_dir, model_cache_dir=args.models_dir)
    if args.query_encoder is not None:
        settings = settings.model_copy(update={"query_encoder": args.query_encoder})
    if not settings.chroma_dir.exists():
        ingest_kb(settings)
    pipeline = build_pipeline(settings)
    rows = [json.loads(line) for line in args.labelled.read_text().splitlines() if line.strip()]
    undecided: dict[bool, list[float]] = {True: [], False: []}
    by_cosine: dict[bool, list[float]] = {True: [], False: []}
    confusion = {"tp": 0, "fn": 0, "fp": 0, "tn": 0}
    for row in rows:
        sug = pipeline.suggest(row["question"])
        ev = pipeline.plan(row["question"]).evidence
        rule = (
            "service-uncovered"
            if ev.service_uncovered
            else "request-covered"
            if ev.request_covered
            else "retrieval"
        )
        if rule == "retrieval":
            undecided[row["covered"]].append(ev.top_dense)
            if ev.heading_terms >= MIN_HEADING_TERMS:
                by_cosine[row["covered"]].append(ev.top_dense)
        key = (
            ("tp" if sug.grounded else "fn") if row["covered"] else ("fp" if sug.grounded else "tn")
        )
        confusion[key] += 1
        mark = "ok " if sug.grounded == row["covered"] else "BAD"
        print(
            f"{mark} covered={row['covered']!s:5} grounded={sug.grounded!s:5} rule={rule:17} "
            f"dense={ev.top_dense:.4f} bm25={ev.top_bm25:.2f} heading={ev.heading_terms} "
            f"service={sug.facts.service} request={sug.facts.request}  {row['question']}"
        )
    print("confusion", confusion)
    encoder = pipeline.retriever.query_encoder
    print("query encoder", encoder, "threshold", dense_threshold_for(encoder))
    if undecided[True]:
        print("retrieval-decided covered: min dense", round(min(undecided[True]), 4))
    if undecided[False]:
        print("retrieval-decided off-topic: max dense", round(max(undecided[False]), 4))
    # Rule 3 reads the cosine only where the words meet a heading (MIN_HEADING_TERMS).
    for covered, values in by_cosine.items():
        if values:
            bound = min(values) if covered else max(values)
            print(
                f"cosine-decided {'covered' if covered else 'off-topic'}: {len(values)}, "
                f"{'min' if covered else 'max'} dense {bound:.4f}"
            )
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
