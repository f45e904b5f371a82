"""Shared fixtures. Tests are isolated from the user's environment and from the network:
every AGENT_ASSIST_* variable is cleared, hubs are offline, Chroma telemetry is off, and each
test that writes gets its own data directory. The embedding model is built once per machine
into a cache folder shared by test runs (building it is tested on its own in test_e5_build).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
KB_DIR = REPO / "kb"
SHARED_EVALS = REPO.parent / "shared" / "evals"
#: Built models are cached here across test runs (not committed: see .gitignore).
MODEL_CACHE = Path(os.environ.get("AGENT_ASSIST_TEST_MODEL_CACHE", REPO / ".data" / "models"))

for _name in list(os.environ):
    if _name.startswith("AGENT_ASSIST_"):
        del os.environ[_name]
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge base."""
    d = tmp_path / "kb"
    shutil.copytree(KB_DIR, d)
    return d


@pytest.fixture
def make_settings(data_dir: Path):  # type: ignore[no-untyped-def]
    """Settings isolated to this test's data dir, sharing the built model cache."""
    from core.settings import Settings

    def _make(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "kb_dir": KB_DIR,
            "data_dir": data_dir,
            "model_cache_dir": MODEL_CACHE,
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    return _make


@pytest.fixture(scope="session")
def indexed_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One ingest of kb/ per test session, with the default embedding backend. Read-only."""
    from core.settings import Settings
    from ingest.pipeline import ingest_kb

    d = tmp_path_factory.mktemp("indexed")
    settings = Settings(kb_dir=KB_DIR, data_dir=d, model_cache_dir=MODEL_CACHE)
    ingest_kb(settings)
    yield d


@pytest.fixture(scope="session")
def indexed_settings(indexed_data_dir: Path):  # type: ignore[no-untyped-def]
    from core.settings import Settings

    return Settings(kb_dir=KB_DIR, data_dir=indexed_data_dir, model_cache_dir=MODEL_CACHE)
