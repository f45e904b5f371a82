"""Opening Chroma (embedded or over HTTP) and turning its failures into our errors.

Two upstream problems are worked around here:
- Chroma 1.5's embedded SQLite runs in rollback-journal mode with a very long busy timeout, so a
  second process opening the same directory (the API server while an ingest runs) can block for
  minutes (chroma #7040). WAL mode is sticky in the database file, so it is switched on once,
  before this process opens the directory through Chroma.
- ``HttpClient`` sends requests without any timeout; a hung server would hang every request.
  A heartbeat with a timeout is tried first, then the client's own HTTP session gets one.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from core.errors import AgentAssistError, IndexNotReadyError, UnavailableError
from core.settings import Settings

log = logging.getLogger(__name__)

SQLITE_FILE = "chroma.sqlite3"

# Directories this process has opened through Chroma: touching their SQLite file with another
# connection afterwards would drop Chroma's POSIX locks on it (closing any descriptor of a file
# releases all of the process's locks on that file).
_OPENED: set[Path] = set()
_OPENED_LOCK = threading.Lock()


def _prefer_wal(db_file: Path) -> None:
    """Switch the Chroma SQLite file to WAL mode (readers no longer block on a writer)."""
    try:
        db_file.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(db_file, timeout=1.0)
        try:
            conn.execute("PRAGMA journal_mode=WAL").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:  # another process holds it: keep its current mode
        log.warning("chroma sqlite journal mode unchanged: %s", type(exc).__name__)


def _telemetry_off() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def open_embedded(path: Path) -> Any:
    import chromadb

    path = path.expanduser().resolve()
    with _OPENED_LOCK:
        if path not in _OPENED:
            _prefer_wal(path / SQLITE_FILE)
            _OPENED.add(path)
    with chroma_errors("open"):
        return chromadb.PersistentClient(path=str(path), settings=_telemetry_off())


def open_http(host: str, port: int, timeout_s: float) -> Any:
    import chromadb

    url = f"http://{host}:{port}/api/v2/heartbeat"
    try:
        httpx.get(url, timeout=timeout_s).raise_for_status()
    except httpx.HTTPError as exc:
        raise UnavailableError(
            f"chroma server at {host}:{port} is unreachable ({type(exc).__name__})"
        ) from exc
    with chroma_errors("open"):
        client = chromadb.HttpClient(host=host, port=port, settings=_telemetry_off())
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(timeout_s)
    else:  # a future client layout: say so rather than silently run without timeouts
        log.warning("chroma http client has no session to set a timeout on")
    return client


def open_client(settings: Settings) -> Any:
    if settings.chroma_mode == "http":
        return open_http(settings.chroma_host, settings.chroma_port, settings.chroma_timeout_s)
    return open_embedded(settings.chroma_dir)


def is_missing_collection(exc: BaseException) -> bool:
    from chromadb.errors import NotFoundError

    if isinstance(exc, NotFoundError):
        return True
    # Some paths of the 1.5 client raise a bare ValueError / InvalidArgumentError instead.
    text = str(exc).lower()
    return "does not exist" in text or "not found" in text


@contextlib.contextmanager
def chroma_errors(action: str) -> Iterator[None]:
    """Map Chroma and transport failures to ``UnavailableError`` (the store is down or broken)."""
    from chromadb.errors import ChromaError

    try:
        yield
    except AgentAssistError:
        raise
    except (httpx.HTTPError, ConnectionError, TimeoutError, OSError) as exc:
        raise UnavailableError(f"chroma {action} failed: {type(exc).__name__}") from exc
    except ChromaError as exc:
        if is_missing_collection(exc):
            raise IndexNotReadyError(f"chroma {action}: collection missing") from exc
        raise UnavailableError(f"chroma {action} failed: {exc}") from exc
    except (ValueError, RuntimeError) as exc:
        # The Rust bindings surface SQLite / HNSW failures as plain exceptions.
        if is_missing_collection(exc):
            raise IndexNotReadyError(f"chroma {action}: collection missing") from exc
        raise UnavailableError(f"chroma {action} failed: {exc}") from exc
