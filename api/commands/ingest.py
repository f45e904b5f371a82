"""``agent-assist ingest [--kb DIR] [--rebuild] [--json]``: index the playbooks."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from core.settings import get_settings
from ingest.pipeline import IngestReport, ingest_kb


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "ingest",
        help="index the knowledge base into the chunk store",
        description="Chunk and embed every *.txt / *.md playbook under the knowledge base "
        "folder. Unchanged files are not embedded again; if nothing changed, nothing is "
        "written. The new index goes live only once it is complete.",
    )
    parser.add_argument("--kb", type=Path, default=None, help="playbook folder (default: settings)")
    parser.add_argument("--rebuild", action="store_true", help="re-embed every chunk")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step to stderr")
    parser.set_defaults(func=run)


def _summary(report: IngestReport) -> str:
    lines = [
        f"knowledge base: {report.kb_dir}",
        f"documents: {len(report.documents_added)} added, "
        f"{len(report.documents_updated)} updated, {len(report.documents_removed)} removed, "
        f"{report.documents_unchanged} unchanged, {len(report.documents_skipped)} skipped",
    ]
    for label, names in (
        ("added", report.documents_added),
        ("updated", report.documents_updated),
        ("removed", report.documents_removed),
    ):
        lines.extend(f"  {label}: {name}" for name in names)
    lines.extend(f"  skipped: {n} ({why})" for n, why in report.documents_skipped.items())
    lines.extend(f"  check: {line}" for line in report.playbook_problems)
    if report.changed:
        lines.append(
            f"chunks: {report.chunks_written} written, {report.chunks_embedded} embedded, "
            f"{report.chunks_written - report.chunks_embedded} reused"
        )
    else:
        lines.append("nothing changed: the index was left as it is")
    lines.append(f"active collection: {report.active_collection}")
    lines.append(f"embedder: {report.embedder}")
    lines.append(f"seconds: {report.seconds:.2f}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if not logging.getLogger().handlers:
        level = logging.INFO if args.verbose else logging.WARNING
        logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(message)s")
        logging.getLogger("httpx").setLevel(logging.WARNING)
    report = ingest_kb(
        get_settings(), kb_dir=args.kb, rebuild=args.rebuild, progress=sys.stderr.isatty()
    )
    print(report.model_dump_json(indent=2) if args.json else _summary(report))
    return 0
