"""The JSON Lines mode shared by ``ask``, ``guard`` and ``search``: one output line per input
line, in input order (blank lines skipped, still counted). A bad line gets
``{"error": "line N: …"}`` in its place, and the command then exits 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from core.errors import UserError

Record = dict[str, Any]


def read_lines(source: str) -> Iterable[str]:
    """The lines of a file, or of stdin for ``-``; ``UserError`` when unreadable or not UTF-8."""
    if source == "-":
        return sys.stdin
    try:
        return Path(source).read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise UserError(f"{source} is not UTF-8 text") from None
    except OSError as exc:
        raise UserError(f"cannot read {source}: {exc.strerror}") from None


def numbered_lines(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield number, line


def read_object(line: str) -> Record:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UserError(f"not valid JSON ({exc.msg})") from None
    if not isinstance(item, dict):
        raise UserError("not a JSON object")
    return item


def require_text(item: Record, field: str) -> str:
    value = item.get(field)
    if not isinstance(value, str) or not value.strip():
        raise UserError(f'"{field}" must be a non-empty string')
    return value


def answer_lines(
    lines: Iterable[str],
    answer: Callable[[Record], Record],
    out: TextIO,
    *,
    echo_id: bool = True,
    warn: bool = False,
) -> int:
    """Write ``answer(item)`` for every line, in order; returns the exit code.

    ``answer`` raises ``UserError`` for an item it cannot take. ``echo_id`` copies an input
    ``id`` onto the output; ``warn`` also reports bad lines on stderr.
    """
    bad = 0
    for number, line in numbered_lines(lines):
        try:
            item = read_object(line)
            record = answer(item)
        except UserError as exc:
            bad += 1
            record = {"error": f"line {number}: {exc}"}
            if warn:
                print(f"error: line {number}: {exc}", file=sys.stderr)
        else:
            if echo_id and "id" in item:
                record = {"id": item["id"], **record}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return 2 if bad else 0
