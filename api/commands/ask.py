"""``agent-assist ask``: a guarded reply suggestion for an agent's question.

    agent-assist ask "질문" [--case JSON] [--json]
    agent-assist ask --jsonl FILE        # one {"question": …, "case": {…}} per line; "-" = stdin

JSONL output is one suggestion per input line, in input order (blank lines are skipped; an input
``id`` is echoed). A line that is not a JSON object with a non-empty string ``question`` and valid
``case`` facts yields ``{"error": "line N: …"}`` in its place, and the command then exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from api.commands.guard import parse_case
from api.commands.jsonl import Record, answer_lines, read_lines
from core.errors import UserError
from core.settings import get_settings
from policy_guard import CaseFacts
from rag.contract import Suggestion
from rag.pipeline import build_pipeline


def register(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "ask",
        help="suggest a guarded reply for an agent's question",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("question", nargs="?", help="the agent's question (Korean)")
    p.add_argument("--case", default="{}", help="case facts as a JSON object (spec section 1)")
    p.add_argument("--json", action="store_true", help="print the suggestion as JSON")
    p.add_argument("--jsonl", metavar="FILE", help='questions as JSON lines ("-" for stdin)')
    p.set_defaults(func=run)


def _text(s: Suggestion) -> str:
    lines = [s.reply, ""]
    if s.audience == "agent":
        lines.append("(상담사 업무 안내: 고객에게 보내지 마세요)")
    if not s.grounded:
        lines.append("(승인된 스크립트 없음)")
    if s.step:
        lines.append(f"응대순서: {s.step}")
    for c in s.citations[:3]:
        lines.append(f"출처: {c.source} | {c.section} ({c.score:.4f})")
    for prompt in s.ask:
        lines.append(f"확인 필요: {prompt}")
    if s.draft_violations:
        lines.append("교체된 초안 위반: " + ", ".join(v.rule for v in s.draft_violations))
    return "\n".join(lines).rstrip()


def _check_question(question: object, limit: int) -> str:
    if not isinstance(question, str) or not question.strip():
        raise UserError('"question" must be a non-empty string')
    if len(question) > limit:
        raise UserError(f"the question is longer than {limit} characters")
    return question


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    limit = settings.max_question_chars
    if args.jsonl is not None:
        if args.question is not None:
            raise UserError("give either a question or --jsonl, not both")
        pipeline = build_pipeline(settings)

        def answer(item: Record) -> Record:
            question = _check_question(item.get("question"), limit)
            suggestion = pipeline.suggest(question, parse_case(item.get("case", {})))
            return suggestion.model_dump(mode="json")

        return answer_lines(read_lines(args.jsonl), answer, sys.stdout)
    question = _check_question(args.question, limit)
    try:
        raw_case = json.loads(args.case)
    except json.JSONDecodeError as exc:
        raise UserError(f"--case is not valid JSON: {exc.msg}") from None
    case: CaseFacts = parse_case(raw_case)
    suggestion = build_pipeline(settings).suggest(question, case)
    if args.json:
        print(json.dumps(suggestion.model_dump(mode="json"), ensure_ascii=False))
    else:
        print(_text(suggestion))
    return 0
