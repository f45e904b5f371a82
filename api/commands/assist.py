"""``agent-assist assist``: the next reply, procedure step and hand-off ticket for a chat.

    agent-assist assist --conversation FILE.json   # {"conversation": [...], "case": {...}}
    agent-assist assist --jsonl FILE               # one such object per line; "-" = stdin

JSONL output is one result per input line, in input order (blank lines skipped; an input ``id``
is echoed). A line that is not a valid request yields ``{"error": "line N: …"}`` in its place,
and the command then exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from api.commands.jsonl import Record, answer_lines, read_lines, read_object
from core.errors import UserError
from core.settings import get_settings

_FIELDS = ("conversation", "case", "confirmed")


def register(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "assist",
        help="suggest the next reply, step and hand-off ticket for a chat",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--conversation", metavar="FILE", help="one request as a JSON file")
    src.add_argument("--jsonl", metavar="FILE", help='requests as JSON lines ("-" for stdin)')
    p.set_defaults(func=run)


def parse_request(item: Record, limit: int) -> Any:
    """The request in ``item`` (other keys, such as ``id`` or expectations, are ignored)."""
    from rag.conversation.assist import AssistRequest

    try:
        request = AssistRequest.model_validate({k: item[k] for k in _FIELDS if k in item})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserError(f"{where}: {first['msg']}") from None
    for i, turn in enumerate(request.conversation):
        if len(turn.text) > limit:
            raise UserError(f"conversation.{i}.text is longer than {limit} characters")
    return request


def run(args: argparse.Namespace) -> int:
    from rag.conversation.assist import ConversationAssistant
    from rag.pipeline import build_pipeline

    settings = get_settings()
    limit = settings.max_question_chars
    if args.jsonl is not None:
        lines = read_lines(args.jsonl)
        assistant = ConversationAssistant(build_pipeline(settings))

        def answer(item: Record) -> Record:
            result = assistant.assist(parse_request(item, limit))
            return result.model_dump(mode="json")

        return answer_lines(lines, answer, sys.stdout)
    try:
        text = Path(args.conversation).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {args.conversation}: {exc}") from None
    request = parse_request(read_object(text), limit)
    result = ConversationAssistant(build_pipeline(settings)).assist(request)
    print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    return 0
