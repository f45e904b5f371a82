"""One ingest at a time per data directory: a non-blocking ``flock`` on ``<data_dir>/ingest.lock``.

The kernel releases an ``flock`` when its holder exits, however it exits (SIGKILL included), so
a crashed ingest never leaves a stale lock behind. The file records the holder's pid only to make
the refusal message useful.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from core.errors import IngestLockedError

LOCK_FILE = "ingest.lock"


@contextlib.contextmanager
def ingest_lock(data_dir: Path) -> Iterator[Path]:
    """Hold the ingest lock for the block; raise ``IngestLockedError`` if another holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise IngestLockedError(
                f"another ingest is running on {data_dir} (pid {holder}); "
                "wait for it to finish, then run again"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
