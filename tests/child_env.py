"""The environment of a child process a test starts (a CLI run, a second client, a crash).

The child must read only the settings the test gives it: every ``AGENT_ASSIST_*`` variable of
the parent is dropped, and the repository is on ``PYTHONPATH`` so it imports this tree.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def child_env(**overrides: str) -> dict[str, str]:
    """The parent's environment without its service settings, plus ``overrides``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENT_ASSIST_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env.update(overrides)
    return env


def settings_env(settings: Settings, **overrides: str) -> dict[str, str]:
    """``child_env`` that points the child at the same playbooks, data and model as ``settings``."""
    return child_env(
        AGENT_ASSIST_KB_DIR=str(settings.kb_dir),
        AGENT_ASSIST_DATA_DIR=str(settings.data_dir),
        AGENT_ASSIST_MODEL_CACHE_DIR=str(settings.models_dir),
        AGENT_ASSIST_EMBEDDING_BACKEND=settings.embedding_backend,
        **overrides,
    )
