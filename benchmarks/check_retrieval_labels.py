"""Check evals/datasets/retrieval.jsonl against the chunker's current section strings.

    .venv/bin/python benchmarks/check_retrieval_labels.py [--kb DIR]

Labels name exact heading paths; when the chunker changes how it builds them, this lists every
label that no longer exists with the closest current section of the same playbook, and the
script situations no question covers. Exit status 1 when anything is off.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingest.chunker import chunk_document  # noqa: E402

LABELLED = REPO / "evals" / "datasets" / "retrieval.jsonl"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", type=Path, default=REPO / "kb")
    args = parser.parse_args(argv)

    sections: dict[str, list[str]] = {}
    scripts: set[tuple[str, str]] = set()
    for path in sorted(args.kb.glob("*.txt")):
        chunks = chunk_document(path.name, path.read_text(encoding="utf-8"))
        sections[path.name] = sorted({c.section for c in chunks})
        scripts |= {(c.source, c.section) for c in chunks if c.kind == "script"}

    problems = 0
    covered: set[tuple[str, str]] = set()
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        known = sections.get(rec["source"], [])
        for section in [rec["section"], *rec.get("also", [])]:
            covered.add((rec["source"], section))
            if section not in known:
                problems += 1
                close = difflib.get_close_matches(section, known, n=1, cutoff=0.0)
                print(f"{rec['id']}: missing section {section!r}")
                print(f"    closest: {close[0]!r}" if close else "    (no sections)")
    for source, section in sorted(scripts - covered):
        problems += 1
        print(f"uncovered script situation: {source} {section!r}")
    print(f"{problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
