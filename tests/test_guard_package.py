"""The package stays pure: importing it reads nothing and pulls in no other part of the service."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

PROBE = """
import sys
import policy_guard
from policy_guard.rule_table import load_rules
from policy_guard.lexicon import load_lexicon
assert load_rules.cache_info().currsize == 0 and load_lexicon.cache_info().currsize == 0
verdict = policy_guard.check("기사님 연락처는 010-8765-4321입니다.", {"days_since_ride": 9})
assert not verdict.allowed
heavy = [m for m in sys.modules if m.split(".")[0] in
         {"rag", "api", "ingest", "langchain_core", "torch", "chromadb", "sentence_transformers"}]
print(heavy)
"""


def test_import_is_lazy_and_light() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
