"""Reading the knowledge base folder: every ``*.txt`` / ``*.md`` playbook, strictly as UTF-8.

A file that is not valid UTF-8 (or cannot be read) is reported and left out rather than
stopping the whole ingest: one bad export must not keep hundreds of good playbooks stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.errors import UserError
from ingest.chunk import content_hash

PLAYBOOK_SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class KbDocument:
    source: str  # path relative to the kb folder, POSIX style: the document id
    text: str
    sha256: str


@dataclass
class KbScan:
    documents: list[KbDocument] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # source -> reason


def scan_kb(kb_dir: Path) -> KbScan:
    if not kb_dir.is_dir():
        raise UserError(f"knowledge base folder not found: {kb_dir}")
    scan = KbScan()
    paths = sorted(
        p for p in kb_dir.rglob("*") if p.suffix.lower() in PLAYBOOK_SUFFIXES and p.is_file()
    )
    for path in paths:
        source = path.relative_to(kb_dir).as_posix()
        if any(part.startswith(".") for part in path.relative_to(kb_dir).parts):
            continue  # editor swap files, hidden folders
        try:
            raw = path.read_bytes()
        except OSError as exc:
            scan.skipped[source] = f"unreadable ({type(exc).__name__})"
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            scan.skipped[source] = f"not UTF-8 (byte {exc.start})"
            continue
        text = text.removeprefix("\ufeff")  # a BOM is not content
        scan.documents.append(KbDocument(source=source, text=text, sha256=content_hash(text)))
    return scan
