"""``agent-assist guard``: judge a reply draft against the hard rules and the case's facts.

    agent-assist guard --draft TEXT [--case JSON] [--json]
    agent-assist guard --jsonl FILE        # one {"draft": …, "case": {…}} per line; "-" = stdin

A verdict is data: exit 0 whether the draft is allowed or not, 2 on bad input. JSONL output is
one verdict per input line, in input order (blank lines are skipped; an input ``id`` is echoed,
other keys are ignored); a line that is not a JSON object with a non-empty string ``draft`` and
valid ``case`` facts yields ``{"error": "line N: …"}`` in its place, and the command then exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pydantic import ValidationError

from api.commands.jsonl import Record, answer_lines, read_lines
from core.errors import UserError
from policy_guard import CaseFacts, Verdict, check


def register(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "guard",
        help="check a reply draft against the policy rules",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--draft", help="the reply draft (Korean)")
    p.add_argument("--case", default="{}", help="case facts as a JSON object (spec section 1)")
    p.add_argument("--json", action="store_true", help="print the verdict as JSON")
    p.add_argument("--jsonl", metavar="FILE", help='drafts as JSON lines ("-" for stdin)')
    p.set_defaults(func=run)


def describe_errors(exc: ValidationError) -> str:
    """One line per bad field: ``field: problem``."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "case"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def parse_case(raw: object) -> CaseFacts:
    """Case facts from decoded JSON; unknown fields and wrong types are a ``UserError``."""
    if not isinstance(raw, dict):
        raise UserError("case must be a JSON object")
    try:
        return CaseFacts.model_validate(raw)
    except ValidationError as exc:
        raise UserError(f"invalid case: {describe_errors(exc)}") from None


def _verdict_text(verdict: Verdict) -> str:
    if verdict.allowed:
        return "allowed"
    lines = ["blocked"]
    for v in verdict.violations:
        lines.append(f"- {v.rule} [{v.span[0]}:{v.span[1]}] {v.text!r} ({v.clause})")
        lines.append(f"  {v.message}")
    return "\n".join(lines)


def _judge(item: Record) -> Record:
    draft = item.get("draft")
    if not isinstance(draft, str) or not draft:
        raise UserError('"draft" must be a non-empty string')
    return check(draft, parse_case(item.get("case", {}))).model_dump(mode="json")


def run(args: argparse.Namespace) -> int:
    if args.jsonl is not None:
        if args.draft is not None:
            raise UserError("give either --draft or --jsonl, not both")
        return answer_lines(read_lines(args.jsonl), _judge, sys.stdout)
    if not args.draft:
        raise UserError("--draft TEXT (non-empty) or --jsonl FILE is required")
    try:
        raw_case = json.loads(args.case)
    except json.JSONDecodeError as exc:
        raise UserError(f"--case is not valid JSON: {exc.msg}") from None
    verdict = check(args.draft, parse_case(raw_case))
    if args.json:
        print(json.dumps(verdict.model_dump(mode="json"), ensure_ascii=False))
    else:
        print(_verdict_text(verdict))
    return 0
