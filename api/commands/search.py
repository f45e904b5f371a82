"""``agent-assist search``: what the retriever returns for a question (or a JSONL file of them).

    agent-assist search "질문" [--k N] [--json] [--mode hybrid|bm25|dense]
    agent-assist search --jsonl FILE      # one {"question": …} per line; "-" reads stdin

JSONL output is one ``{"hits": [...]}`` line per input line, in input order (blank lines are
skipped). A line that is not a JSON object with a non-empty string ``question`` yields
``{"error": "line N: …"}`` in its place; the command then exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from api.commands.jsonl import Record, answer_lines, read_lines, read_object, require_text
from core.errors import UserError
from rag.contract import Hit

_MODES = ("hybrid", "bm25", "dense")
_SNIPPET_CHARS = 160


def register(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "search",
        help="show the playbook chunks retrieved for a question",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("question", nargs="?", help="the agent's question (Korean)")
    p.add_argument("--k", type=int, default=None, help="number of hits (default: retrieve_k)")
    p.add_argument("--json", action="store_true", help="print the hits as one JSON object")
    p.add_argument("--mode", choices=_MODES, default="hybrid", help="retriever (ablation)")
    p.add_argument("--jsonl", metavar="FILE", help='questions as JSON lines ("-" for stdin)')
    p.set_defaults(func=run)


def hit_json(hit: Hit, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "source": hit.chunk.source,
        "section": hit.chunk.section,
        "score": round(hit.score, 6),
        "text": hit.chunk.text,
    }
    if full:
        out.update(
            chunk_id=hit.chunk.id,
            kind=hit.chunk.kind,
            bm25_rank=hit.bm25_rank,
            bm25_score=hit.bm25_score,
            dense_rank=hit.dense_rank,
            dense_score=hit.dense_score,
        )
    return out


def parse_question_line(line: str, lineno: int) -> str:
    """The question of one JSONL line; ``UserError`` naming the line when it is malformed."""
    try:
        return require_text(read_object(line), "question")
    except UserError as exc:
        raise UserError(f"line {lineno}: {exc}") from None


def run_jsonl(retriever: Any, lines: Iterable[str], k: int | None, out: TextIO) -> int:
    """Answer every line in order; returns the exit code (2 if any line was bad)."""

    def answer(item: Record) -> Record:
        hits = retriever.search(require_text(item, "question"), k)
        return {"hits": [hit_json(h) for h in hits]}

    return answer_lines(lines, answer, out, echo_id=False, warn=True)


def _print_hits(hits: list[Hit]) -> None:
    if not hits:
        print("no hits")
        return
    for rank, hit in enumerate(hits, start=1):
        ranks = f"bm25={hit.bm25_rank or '-'} dense={hit.dense_rank or '-'}"
        print(f"{rank}. {hit.score:.4f}  {hit.chunk.source}  [{hit.chunk.kind}] {ranks}")
        print(f"   {hit.chunk.section}")
        snippet = " ".join(hit.chunk.text.split())[:_SNIPPET_CHARS]
        print(f"   {snippet}")


def run(args: argparse.Namespace) -> int:
    if (args.question is None) == (args.jsonl is None):
        raise UserError("give either a question or --jsonl FILE")
    if args.k is not None and not 1 <= args.k <= 50:
        raise UserError("--k must be between 1 and 50")
    lines = read_lines(args.jsonl) if args.jsonl is not None else None

    from core.settings import get_settings
    from rag.retriever import build_retriever

    retriever = build_retriever(get_settings(), mode=args.mode)
    if lines is not None:
        return run_jsonl(retriever, lines, args.k, sys.stdout)
    hits = retriever.search(args.question, args.k)
    if args.json:
        print(json.dumps({"hits": [hit_json(h, full=True) for h in hits]}, ensure_ascii=False))
    else:
        _print_hits(hits)
    return 0
