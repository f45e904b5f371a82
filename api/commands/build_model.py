"""``agent-assist build-model``: rebuild the built-in embedding model into the model folder,
then distil the static query encoder from it.

Run it once at deploy time so the first request does not pay for the builds (a few seconds for
e5, a minute or two for the static encoder on 2 cores); running it again is a no-op unless the
packaged source, or the tokens the shipped playbooks and vocabulary files use, changed.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from core.settings import get_settings
from ingest.e5_build import ensure_builtin_model_status
from ingest.static_build import ensure_static_model_status


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "build-model",
        help="build the offline multilingual-e5-small folder and static encoder (idempotent)",
        description=__doc__,
    )
    parser.add_argument(
        "--models-dir",
        type=Path,
        default=None,
        help="where to build (default: AGENT_ASSIST_MODEL_CACHE_DIR or <data dir>/models)",
    )
    parser.add_argument(
        "--no-static",
        action="store_true",
        help="skip the static query encoder (AGENT_ASSIST_QUERY_ENCODER=e5 does not use it)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    models_dir: Path = args.models_dir or settings.models_dir
    started = time.perf_counter()
    path, built = ensure_builtin_model_status(models_dir)
    state = f"built in {time.perf_counter() - started:.1f}s" if built else "already built"
    print(f"{path} ({state})")
    if not args.no_static:
        started = time.perf_counter()
        path, built = ensure_static_model_status(models_dir)
        state = f"built in {time.perf_counter() - started:.1f}s" if built else "already built"
        print(f"{path} ({state})")
    return 0
