"""``agent-assist kb check [PATH…] [--json]``: what the system reads from playbooks, for the
people who write them. Exit 1 when a playbook has errors (situations no condition tells apart,
a request the vocabulary does not know, a placeholder no rule governs)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from core.errors import UserError
from ingest.kb_files import scan_kb
from ingest.playbook_check import PlaybookReport, check_playbook


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "kb", help="knowledge base tools for playbook authors"
    )
    sub = parser.add_subparsers(dest="kb_command", required=True)
    check = sub.add_parser(
        "check",
        help="show what is read from each playbook and report problems",
        description="Per playbook: the situations found (heading path), the conditions read "
        "for each, the customer script, its placeholders and the guard rule deciding each, "
        "heading words not understood, and situations that no condition tells apart.",
    )
    check.add_argument(
        "paths", nargs="*", type=Path, help="playbook files or folders (default: kb/)"
    )
    check.add_argument("--json", action="store_true", help="print the reports as JSON")
    check.set_defaults(func=run_check)


def _documents(paths: list[Path]) -> list[tuple[str, str]]:
    docs: list[tuple[str, str]] = []
    for path in paths or [Path("kb")]:
        if path.is_dir():
            scan = scan_kb(path)
            docs.extend((d.source, d.text) for d in scan.documents)
        elif path.is_file():
            docs.append((path.name, path.read_text(encoding="utf-8")))
        else:
            raise UserError(f"no such playbook file or folder: {path}")
    if not docs:
        raise UserError("no playbooks (*.txt, *.md) found")
    return docs


def _open(condition: dict[str, Any]) -> str:
    """ "영수증 없음 → 영수증 (negative)"."""
    words = " ".join(condition["words"])
    alternative = ", one of several" if condition.get("alternative") else ""
    return f"{condition['text']} → {words} ({condition['polarity']}{alternative})"


def _text(report: PlaybookReport) -> str:
    lines = [
        f"== {report.source}: {report.title}",
        f"services: {', '.join(report.services) or '-'}",
    ]
    for s in report.situations:
        lines.append(f"- {s.section}")
        stated = ", ".join(
            f"{k}={v}" if k != "open" else "open=" + " / ".join(_open(c) for c in v)
            for k, v in s.conditions.items()
        )
        lines.append(f"    conditions: {stated or '(none)'}")
        first = s.script.splitlines()[0] if s.script else ""
        lines.append(f"    script: {first}{' …' if s.script.count(chr(10)) else ''}")
        for slot in s.slots:
            lines.append(
                f"    slot {slot.text!r}: {slot.slot or 'UNKNOWN'} -> rule {slot.rule or '-'}"
            )
    for c in report.counsel_types:
        lines.append(f"- {c.section}")
        for option in c.counsel_type.options:
            when = f" [{option.when}]" if option.when else ""
            lines.append(f"    counsel type{when}: {option.text.splitlines()[0]}")
    for p in report.problems:
        lines.append(f"{p.level.upper()} [{p.code}] {p.section}: {p.message}")
    lines.append(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    return "\n".join(lines)


def run_check(args: argparse.Namespace) -> int:
    reports = [check_playbook(source, text) for source, text in _documents(args.paths)]
    if args.json:
        print(json.dumps([r.model_dump() for r in reports], ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(_text(r) for r in reports))
    return 1 if any(r.errors for r in reports) else 0
