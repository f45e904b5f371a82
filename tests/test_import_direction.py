"""The layers import one way only: ``core`` (settings, errors) below ``ingest`` below ``rag``
below ``api``, every layer free to import ``core``, and ``policy_guard`` standing alone (not even
``core``), pure (stdlib, pydantic and yaml only, even inside functions), so any caller can
check a draft without loading a model, a store or a web stack.

Every module's imports are read from its source (ast), lazy imports inside functions included:
a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("core", "ingest", "rag", "policy_guard", "api", "evals")

# package -> project packages it must never import
FORBIDDEN: dict[str, frozenset[str]] = {
    "core": frozenset(PROJECT) - {"core"},
    "ingest": frozenset({"rag", "api"}),
    "rag": frozenset({"api"}),
    "policy_guard": frozenset(PROJECT) - {"policy_guard"},
}
# the only third-party roots policy_guard may import (anything else must be stdlib)
GUARD_THIRD_PARTY = frozenset(
    {"pydantic", "pydantic_core", "yaml"}
)  # pydantic_core ships inside pydantic


@dataclass(frozen=True)
class Imported:
    module: str  # the dotted name imported ("rag.contract", "numpy")
    line: int

    @property
    def root(self) -> str:
        return self.module.split(".")[0]


def imports_of(source: str, package: str) -> list[Imported]:
    """Every import in ``source``, relative ones resolved against ``package``."""
    found: list[Imported] = []

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Imported(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package if node.level else ""  # relative: inside the same package
            name = ".".join(p for p in (base, node.module or "") if p)
            found.append(Imported(name, node.lineno))
    return found


def violations(package: str, source: str, where: str) -> list[str]:
    """What in ``source`` (a module of ``package``) breaks the import rules."""
    bad: list[str] = []
    for imp in imports_of(source, package):
        if imp.root in FORBIDDEN.get(package, frozenset()):
            bad.append(f"{where}:{imp.line} imports {imp.module}")
        elif (
            package == "policy_guard"
            and imp.root not in sys.stdlib_module_names
            and imp.root not in GUARD_THIRD_PARTY | {"policy_guard"}
        ):
            bad.append(f"{where}:{imp.line} imports {imp.module} (not stdlib, pydantic, yaml)")
    return bad


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_every_package_has_modules_to_check() -> None:
    for package in FORBIDDEN:
        assert _modules(package), package


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_in_the_allowed_direction(package: str) -> None:
    bad = [
        problem
        for path in _modules(package)
        for problem in violations(
            package, path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))
        )
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    ("package", "source"),
    [
        ("ingest", "from rag.contract import Chunk\n"),
        ("ingest", "def f():\n    import api.app\n"),
        ("rag", "from api import schemas\n"),
        ("policy_guard", "from core.settings import Settings\n"),
        ("policy_guard", "from core.errors import ConfigError\n"),
        ("core", "from ingest.chunk import Chunk\n"),
        ("core", "def f():\n    import rag.contract\n"),
        ("core", "from api import schemas\n"),
        ("core", "import evals.metrics\n"),
        ("policy_guard", "import numpy as np\n"),
        ("policy_guard", "def build():\n    from kiwipiepy import Kiwi\n"),
        ("policy_guard", "import langchain_core\n"),
        ("policy_guard", "class A:\n    import evals.metrics\n"),
    ],
)
def test_the_checker_catches_a_wrong_import(package: str, source: str) -> None:
    assert violations(package, source, "x.py")


@pytest.mark.parametrize(
    ("package", "source"),
    [
        ("rag", "from ingest.chunk import Chunk\nfrom policy_guard import check\n"),
        ("api", "from rag.contract import Suggestion\n"),
        ("ingest", "from core.settings import Settings\n"),
        ("rag", "from core.errors import ConfigError\n"),
        ("api", "from core.errors import UserError\n"),
        ("evals", "from core.settings import Settings\n"),
        ("policy_guard", "import re\nfrom pydantic import BaseModel\nimport yaml\n"),
        ("policy_guard", "from . import text\nfrom .detectors import phone\n"),
    ],
)
def test_the_checker_lets_an_allowed_import_pass(package: str, source: str) -> None:
    assert not violations(package, source, "x.py")
